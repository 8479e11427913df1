import type { Role } from '../../src/domain/roles.ts';
import { SoftAuthenticator } from './authenticator.ts';
import { Client, type Reply } from './client.ts';
import type { TestHaven } from './haven.ts';
import { KNOWN_PEOPLE } from './records.ts';
import { createStaff, reauthenticate, type StaffMember, signedIn } from './staff.ts';

/** An organisation's staff, signed in, for tests of the gate over HTTP. */
export interface Team {
  clerk: Actor;
  caseworker: Actor;
  otherCaseworker: Actor;
  supervisor: Actor;
  dpo: Actor;
  admin: Actor;
  auditor: Actor;
}

export interface Actor {
  staff: StaffMember;
  client: Client;
  /** A request with the purpose header. */
  as(purpose: string | undefined): {
    get: (url: string) => Promise<Reply>;
    post: (url: string, body?: unknown) => Promise<Reply>;
    patch: (url: string, body?: unknown) => Promise<Reply>;
    put: (url: string, body?: unknown) => Promise<Reply>;
    delete: (url: string, body?: unknown) => Promise<Reply>;
  };
}

export function actor(staff: StaffMember, client: Client): Actor {
  return {
    staff,
    client,
    as(purpose) {
      const headers: Record<string, string> = purpose === undefined ? {} : { 'x-haven-purpose': purpose };
      return {
        get: (url) => client.request('GET', url, undefined, { headers }),
        post: (url, body) => client.request('POST', url, body ?? {}, { headers }),
        patch: (url, body) => client.request('PATCH', url, body ?? {}, { headers }),
        put: (url, body) => client.request('PUT', url, body ?? {}, { headers }),
        delete: (url, body) => client.request('DELETE', url, body ?? {}, { headers }),
      };
    },
  };
}

/** Signs in with a passkey (assurance 3, needed for tier 3–4 data): enrols one first, then uses it. */
export async function signedInWithPasskey(t: TestHaven, staff: StaffMember): Promise<Client> {
  const client = await signedIn(t, staff);
  await reauthenticate(t, client, staff);
  // The origin the Haven under test answers on (a browser test listens on a port of its own).
  const device = new SoftAuthenticator(t.haven.config.origin);
  const options = await client.post<{ challenge: string }>('/api/account/passkeys/options');
  const registered = await client.post('/api/account/passkeys', { response: device.register(options.body) });
  if (registered.status !== 201) throw new Error(`passkey registration failed: ${registered.text}`);
  const fresh = new Client(t.app);
  await fresh.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
  const authOptions = await fresh.post<{ challenge: string }>('/api/auth/passkey/options');
  const done = await fresh.post('/api/auth/passkey', { response: device.assert(authOptions.body) });
  if (done.status !== 200) throw new Error(`passkey sign-in failed: ${done.text}`);
  return fresh;
}

export async function team(t: TestHaven, org: string): Promise<Team> {
  const make = async (role: Role, tier: number, passkey = false) => {
    const staff = await createStaff(t, { role, tier, org });
    return actor(staff, passkey ? await signedInWithPasskey(t, staff) : await signedIn(t, staff));
  };
  return {
    clerk: await make('clerk', 2),
    caseworker: await make('caseworker', 4, true),
    otherCaseworker: await make('caseworker', 4, true),
    supervisor: await make('supervisor', 4, true),
    dpo: await make('dpo', 4),
    admin: await make('admin', 4),
    auditor: await make('auditor', 4),
  };
}

export const CONSENT = {
  kind: 'consent',
  noticeVersion: '2026-11',
  noticeLanguage: 'ar',
  method: 'written',
} as const;

export async function register(
  who: Actor,
  values: Record<string, unknown> = { ...KNOWN_PEOPLE[0] },
  purpose = 'registration',
) {
  const reply = await who.as(purpose).post('/api/persons', { values, basis: CONSENT });
  if (reply.status !== 201) throw new Error(`registration failed: ${reply.text}`);
  return (reply.body as { id: string }).id;
}

/** Audit events about a person (or all), decoded, newest last. */
export async function ledgerEvents(t: TestHaven, personId?: string) {
  const { rows } = await t.haven.db.query<{ body: Buffer }>(
    personId
      ? 'select body from audit_event where person_id = $1 order by seq'
      : 'select body from audit_event order by seq',
    personId ? [personId] : [],
  );
  return rows.map(
    (r) =>
      JSON.parse(r.body.toString('utf8')) as {
        action: string;
        decision: string;
        reason: string;
        purpose?: string;
        fieldGroups?: string[];
        actor: { role?: string };
      },
  );
}
