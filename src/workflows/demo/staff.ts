import { randomBytes } from 'node:crypto';
import { HavenError } from '../../domain/errors.ts';
import type { Role, Tier } from '../../domain/roles.ts';
import {
  createAccount,
  createOrganisation,
  findOrganisation,
  type Organisation,
} from '../../identity/accounts.ts';
import type { IdentityContext } from '../../identity/context.ts';
import type { AuditActor } from '../../ledger/events.ts';
import type { Database } from '../../store/database.ts';
import type { DemoStaffPlan } from './people.ts';

/**
 * The demo organisation and its staff: one account per planned member, each with a random password and TOTP
 * enrolled, made as `haven users create --enrol-totp` makes them. Passwords and TOTP secrets come from the
 * operating system's random source, never from the demo seed: a published seed must not give anyone a sign-in.
 */
export interface DemoCredential {
  accountId: string;
  role: Role;
  tier: Tier;
  email: string;
  password: string;
  /** otpauth:// URI to enrol in an authenticator app, and the secret it holds (base32). */
  totpUri: string;
  totpSecret: string;
  recoveryCodes: string[];
}

const CLI: AuditActor = { kind: 'cli' };

export function demoEmail(slug: string, member: DemoStaffPlan, many: boolean): string {
  return `${member.role}${many ? `-${member.number}` : ''}@${slug}.example.org`;
}

function newPassword(): string {
  for (;;) {
    const password = randomBytes(18).toString('base64url');
    // The password policy refuses the service's name inside a password.
    if (!/haven/i.test(password)) return password;
  }
}

export async function createDemoStaff(
  db: Database,
  identity: IdentityContext,
  slug: string,
  plan: readonly DemoStaffPlan[],
): Promise<{ organisation: Organisation; staff: DemoCredential[] }> {
  if (await findOrganisation(db, slug)) {
    throw new HavenError(
      'demo-organisation-exists',
      `An organisation named ${slug} already exists; the demo adds to no existing organisation. Name a new one with --org.`,
      { status: 409 },
    );
  }
  return db.transaction(async (tx) => {
    const organisation = await createOrganisation(
      tx,
      { slug, name: `${slug} (demo: synthetic people, not real data)` },
      CLI,
    );
    const staff: DemoCredential[] = [];
    for (const member of plan) {
      const many = plan.filter((m) => m.role === member.role).length > 1;
      const email = demoEmail(slug, member, many);
      const password = newPassword();
      const created = await createAccount(
        identity,
        tx,
        {
          organisationId: organisation.id,
          email,
          role: member.role,
          tier: member.tier,
          password,
          enrolTotp: true,
        },
        CLI,
      );
      const totpUri = created.totpUri!;
      staff.push({
        accountId: created.account.id,
        role: member.role,
        tier: member.tier,
        email: created.account.email,
        password,
        totpUri,
        totpSecret: new URL(totpUri).searchParams.get('secret')!,
        recoveryCodes: created.recoveryCodes ?? [],
      });
    }
    return { organisation, staff };
  });
}
