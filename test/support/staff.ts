import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { addToDay } from '../../src/domain/calendar.ts';
import type { Role } from '../../src/domain/roles.ts';
import { createAccount, createOrganisation, findOrganisation } from '../../src/identity/accounts.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { grantBreakGlassEligibility } from '../../src/reviews/grants.ts';
import { recordTraining } from '../../src/reviews/training.ts';
import { Client } from './client.ts';
import type { TestHaven } from './haven.ts';

export interface StaffMember {
  id: string;
  organisationId: string;
  email: string;
  password: string;
  role: Role;
  totpSecret: Buffer;
  recoveryCodes: string[];
}

export const GOOD_PASSWORD = 'correct horse battery staple 42';

export async function organisation(t: TestHaven, slug: string): Promise<string> {
  const found = await findOrganisation(t.haven.db, slug);
  if (found) return found.id;
  return (await createOrganisation(t.haven.db, { slug }, { kind: 'system' })).id;
}

/**
 * A staff account with TOTP enrolled, made the way `haven users create --enrol-totp` makes it. Caseworkers and
 * supervisors get data-protection training and break-glass eligibility (ACC-7) unless `breakGlass: false`.
 */
export async function createStaff(
  t: TestHaven,
  options: { role?: Role; org?: string; tier?: number; email?: string; breakGlass?: boolean } = {},
): Promise<StaffMember> {
  const organisationId = await organisation(t, options.org ?? 'unhcr-test');
  const role = options.role ?? 'caseworker';
  const email = options.email ?? `${role}-${randomBytes(4).toString('hex')}@example.org`;
  const created = await createAccount(
    t.haven.identity,
    t.haven.db,
    { organisationId, email, role, tier: options.tier ?? 1, password: GOOD_PASSWORD, enrolTotp: true },
    { kind: 'system' },
  );
  if (options.breakGlass ?? (role === 'caseworker' || role === 'supervisor')) {
    await giveBreakGlassEligibility(t, created.account.id, organisationId);
  }
  const secret = Secret.fromBase32(new URL(created.totpUri!).searchParams.get('secret')!);
  return {
    id: created.account.id,
    organisationId,
    email,
    password: GOOD_PASSWORD,
    role,
    totpSecret: Buffer.from(secret.bytes),
    recoveryCodes: created.recoveryCodes!,
  };
}

/** Records current training and grants break-glass eligibility, as an administrator would (ACC-7). */
export async function giveBreakGlassEligibility(
  t: TestHaven,
  accountId: string,
  organisationId: string,
): Promise<void> {
  const system = { accountId: null, organisationId, role: null, audit: { kind: 'system' as const } };
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  await recordTraining(
    t.haven.db,
    system,
    {
      accountId,
      course: 'Data protection basics',
      completedOn: today,
      expiresOn: addToDay(today, { days: 365 }),
    },
    now,
  );
  await grantBreakGlassEligibility(t.haven.db, system, accountId, now, t.haven.reviews.reviewDays);
}

/** The TOTP code for the test's current (movable) clock; moves the clock a step on so the next code is fresh. */
export function nextTotp(t: TestHaven, staff: StaffMember): string {
  t.advanceClock(30_000);
  return totpCode(staff.totpSecret, t.haven.identity.now());
}

/** Signs in with password + TOTP and returns the ready client. */
export async function signedIn(t: TestHaven, staff: StaffMember): Promise<Client> {
  const client = new Client(t.app);
  const first = await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
  if (first.status !== 200) throw new Error(`sign-in failed: ${first.text}`);
  const second = await client.post('/api/auth/second-factor', { method: 'totp', code: nextTotp(t, staff) });
  if (second.status !== 200) throw new Error(`second factor failed: ${second.text}`);
  return client;
}

/** Re-authenticates a signed-in client (password + a fresh TOTP code) for sensitive actions. */
export async function reauthenticate(t: TestHaven, client: Client, staff: StaffMember): Promise<void> {
  const reply = await client.post('/api/auth/reauthenticate', {
    password: staff.password,
    method: 'totp',
    code: nextTotp(t, staff),
  });
  if (reply.status !== 200) throw new Error(`re-authentication failed: ${reply.text}`);
}
