import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { isRole, type Role, type Tier } from '../domain/roles.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import type { IdentityContext } from './context.ts';
import { keyedHash } from './keys.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import { newRecoveryCodes } from './recovery-codes.ts';
import { activateTotp } from './second-factor.ts';
import { announceSessionChange } from './session-cache.ts';
import { endAllSessions } from './sessions.ts';
import { newTotpSecret, totpUri } from './totp.ts';

export interface Organisation {
  id: string;
  slug: string;
  name: string;
}

export interface Account {
  id: string;
  organisationId: string;
  email: string;
  role: Role;
  tier: Tier;
  status: 'active' | 'disabled';
  /** Why it is disabled (null while active). */
  disabledReason: DisabledReason | null;
  locked: boolean;
  totpEnrolled: boolean;
  passkeys: number;
  createdAt: Date;
  lastSignInAt: Date | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mail system's business.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normaliseEmail(email: string): string {
  const normal = email.trim().toLowerCase();
  if (!EMAIL.test(normal) || normal.length > 254) {
    throw new HavenError('email-invalid', 'That is not an email address Haven can use for an account.', {
      status: 422,
    });
  }
  return normal;
}

export async function findOrganisation(sql: Sql, slugOrId: string): Promise<Organisation | undefined> {
  const { rows } = await sql.query<Organisation>(
    `select id, slug, name from organisation where slug = $1 or id::text = $1`,
    [slugOrId],
  );
  return rows[0];
}

export async function createOrganisation(
  sql: Sql,
  input: { slug: string; name?: string },
  actor: AuditActor,
): Promise<Organisation> {
  if (!SLUG.test(input.slug)) {
    throw new HavenError(
      'organisation-slug-invalid',
      'An organisation slug is 1–63 lower-case letters, digits or hyphens, starting with a letter or digit.',
      { status: 422 },
    );
  }
  const org: Organisation = { id: randomUUID(), slug: input.slug, name: input.name?.trim() || input.slug };
  const inserted = await sql.query(
    'insert into organisation (id, slug, name) values ($1, $2, $3) on conflict (slug) do nothing',
    [org.id, org.slug, org.name],
  );
  if (inserted.rowCount === 0) {
    throw new HavenError('organisation-exists', 'An organisation with that slug already exists.', {
      status: 409,
    });
  }
  await recordAuditEvent(sql, {
    actor,
    action: 'organisation.create',
    subject: org.id,
    subjectType: 'organisation',
    decision: 'allow',
    reason: 'ok',
  });
  return org;
}

interface AccountRow {
  id: string;
  organisation_id: string;
  email: string;
  role: Role;
  tier: Tier;
  status: 'active' | 'disabled';
  disabled_reason: DisabledReason | null;
  locked_at: Date | null;
  totp_enrolled: boolean;
  passkeys: number;
  created_at: Date;
  last_sign_in_at: Date | null;
}

const ACCOUNT_COLUMNS = `a.id, a.organisation_id, a.email, a.role, a.tier, a.status, a.disabled_reason, a.locked_at,
  a.totp_secret is not null as totp_enrolled,
  (select count(*)::int from passkey p where p.account_id = a.id) as passkeys,
  a.created_at, a.last_sign_in_at`;

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    role: row.role,
    tier: row.tier,
    status: row.status,
    disabledReason: row.disabled_reason,
    locked: row.locked_at !== null,

    totpEnrolled: row.totp_enrolled,
    passkeys: row.passkeys,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

export async function getAccount(sql: Sql, id: string): Promise<Account | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await sql.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from staff_account a where a.id = $1`,
    [id],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function listAccounts(sql: Sql, organisationId: string): Promise<Account[]> {
  const { rows } = await sql.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from staff_account a where a.organisation_id = $1 order by a.email`,
    [organisationId],
  );
  return rows.map(toAccount);
}

export async function countAccounts(sql: Sql): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('select count(*)::int as n from staff_account');
  return rows[0]?.n ?? 0;
}

export interface NewAccount {
  organisationId: string;
  email: string;
  role: string;
  tier?: number;
  password: string;
  /** Enrol TOTP now and return its otpauth:// URI (for scripted set-up); otherwise issue an enrolment code. */
  enrolTotp?: boolean;
}

export interface CreatedAccount {
  account: Account;
  /** With enrolTotp: the URI to put in an authenticator app, and recovery codes. */
  totpUri?: string;
  recoveryCodes?: string[];
  /** Without enrolTotp: needed once, with the password, at first sign-in to enrol a second factor. */
  enrolmentCode?: string;
}

export const ENROLMENT_CODE_HOURS = 72;

export function validTier(value: number | undefined): Tier {
  const tier = value ?? 1;
  if (!Number.isInteger(tier) || tier < 1 || tier > 4) {
    throw new HavenError('tier-invalid', 'A tier is a whole number from 1 to 4.', { status: 422 });
  }
  return tier as Tier;
}

export function validRole(value: string): Role {
  if (!isRole(value)) {
    throw new HavenError(
      'role-invalid',
      'A role is one of clerk, caseworker, supervisor, dpo, auditor, admin, oversight.',
      { status: 422 },
    );
  }
  return value;
}

export function newEnrolmentCode(): string {
  return newRecoveryCodes()[0]!;
}

/** Creates a staff account (ACC-3). Runs inside the caller's transaction when given one. */
export async function createAccount(
  ctx: IdentityContext,
  sql: Sql,
  input: NewAccount,
  actor: AuditActor,
): Promise<CreatedAccount> {
  const email = normaliseEmail(input.email);
  const role = validRole(input.role);
  const tier = validTier(input.tier);
  checkPasswordPolicy(input.password, email);
  // ACC-7: a new account has no training on record yet, so staff create it at tier 1–2 and raise it once its
  // training is recorded. The `haven` command and Haven itself (first-admin set-up, the demo) are not asked.
  if (tier >= 3 && actor.kind === 'staff') throw trainingRequiredForTier();
  const organisation = await sql.query('select 1 from organisation where id = $1', [input.organisationId]);
  if (organisation.rowCount === 0) {
    throw new HavenError('organisation-not-found', 'No organisation with that id.', { status: 404 });
  }
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  const enrolmentCode = input.enrolTotp ? undefined : newEnrolmentCode();
  const inserted = await sql.query(
    `insert into staff_account (id, organisation_id, email, role, tier, password_hash, enrolment_code_hash, enrolment_expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, case when $7::bytea is not null then now() + make_interval(hours => $8) end)
     on conflict (email) do nothing`,
    [
      id,
      input.organisationId,
      email,
      role,
      tier,
      passwordHash,
      enrolmentCode ? keyedHash(ctx.keys.codes, 'enrolment', enrolmentCode) : null,
      ENROLMENT_CODE_HOURS,
    ],
  );
  if (inserted.rowCount === 0) {
    throw new HavenError('account-exists', 'An account with that email already exists.', { status: 409 });
  }
  await recordAuditEvent(sql, {
    actor,
    action: 'account.create',
    subject: id,
    subjectType: 'account',
    decision: 'allow',
    reason: 'ok',
  });
  const result: CreatedAccount = { account: (await getAccount(sql, id))! };
  if (input.enrolTotp) {
    const secret = newTotpSecret();
    result.recoveryCodes = await activateTotp(ctx, sql, id, secret, actor);
    result.totpUri = totpUri(secret, email);
    result.account.totpEnrolled = true;
  } else {
    result.enrolmentCode = enrolmentCode;
  }
  return result;
}

async function requireAccountIn(sql: Sql, id: string, organisationId: string | undefined): Promise<Account> {
  const account = await getAccount(sql, id);
  // Another organisation's account is as invisible as a missing one.
  if (!account || (organisationId !== undefined && account.organisationId !== organisationId)) {
    throw new HavenError('account-not-found', 'No account with that id in your organisation.', {
      status: 404,
    });
  }
  return account;
}

export interface AccountChange {
  status?: 'active' | 'disabled';
  role?: string;
  tier?: number;
  unlock?: boolean;
}

/**
 * Administrative changes to an account. Disabling ends its sessions at once (ACC-4); unlocking clears the
 * failure count (ACC-5). `organisationId` limits the change to one organisation (admins act in their own).
 */
export async function changeAccount(
  sql: Sql,
  id: string,
  change: AccountChange,
  actor: AuditActor,
  organisationId?: string,
): Promise<Account> {
  const before = await requireAccountIn(sql, id, organisationId);
  if (
    actor.account === id &&
    (change.status === 'disabled' || (change.role && change.role !== before.role))
  ) {
    throw new HavenError(
      'self-change-refused',
      'You cannot disable your own account or change your own role.',
      {
        status: 403,
        reason: 'segregation-of-duties',
      },
    );
  }
  const role = change.role === undefined ? before.role : validRole(change.role);
  const tier = change.tier === undefined ? before.tier : validTier(change.tier);
  const status = change.status ?? before.status;
  if (status === 'active' && before.status === 'disabled') await checkReenable(sql, id);
  if (tier >= 3 && tier > before.tier && !(await hasCurrentTraining(sql, id)))
    throw trainingRequiredForTier();

  await sql.query(
    `update staff_account set role = $2, tier = $3,
       status = case when $4 = 'active' then 'active' else status end,
       disabled_reason = case when $4 = 'active' then null else disabled_reason end,
       disabled_at = case when $4 = 'active' then null else disabled_at end,
       enabled_at = case when $4 = 'active' and status = 'disabled' then now() else enabled_at end,
       locked_at = case when $5 then null else locked_at end,
       failed_attempts = case when $5 then 0 else failed_attempts end
     where id = $1`,
    [id, role, tier, status, change.unlock === true],
  );
  const audit = (action: string) =>
    recordAuditEvent(sql, {
      actor,
      action,
      subject: id,
      subjectType: 'account',
      decision: 'allow',
      reason: 'ok',
    });
  if (status !== before.status) {
    if (status === 'disabled') await disableAccount(sql, id, 'administrator', actor);
    else await audit('account.enable');
  }

  // Sessions carry role and tier: every server forgets its cached copy of this account's sessions.
  await announceSessionChange(sql, id);
  if (role !== before.role) await audit('account.role-change');
  if (tier !== before.tier) await audit('account.tier-change');
  if (change.unlock && before.locked) await audit('account.unlock');
  return (await getAccount(sql, id))!;
}

/** Why an account is disabled (ACC-4, ACC-7): recorded with it, and in the ledger event's reason. */
export type DisabledReason = 'administrator' | 'dormant' | 'lapsed' | 'suspended';
export const DISABLED_REASONS: readonly DisabledReason[] = [
  'administrator',
  'dormant',
  'lapsed',
  'suspended',
];

/**
 * The one way an account is disabled — by an administrator, the dormancy job, a lapsed role grant, or automatic
 * suspension — so that every path ends the account's sessions at once and on every server (ACC-4). Runs in the
 * caller's transaction; the ledger event (`account.disable`, reason = why) commits with it. Disabling an account
 * already disabled changes nothing and returns false.
 */
export async function disableAccount(
  sql: Sql,
  id: string,
  reason: DisabledReason,
  actor: AuditActor = { kind: 'system' },
): Promise<boolean> {
  if (!DISABLED_REASONS.includes(reason)) {
    throw new HavenError('disabled-reason-invalid', 'An account is disabled for a known reason.', {
      status: 422,
    });
  }
  const { rowCount } = await sql.query(
    `update staff_account set status = 'disabled', disabled_reason = $2, disabled_at = now()
      where id = $1 and status = 'active'`,
    [/^[0-9a-f-]{36}$/i.test(id) ? id : '00000000-0000-0000-0000-000000000000', reason],
  );
  if (rowCount === 0) return false;
  await recordAuditEvent(sql, {
    actor,
    action: 'account.disable',
    subject: id,
    subjectType: 'account',
    decision: 'allow',
    reason,
  });
  await endAllSessions(sql, id);
  return true;
}

/**
 * ACC-7: an account disabled for dormancy or because its role grant lapsed comes back only after someone reviewed
 * its role since then (approved it on the Reviews page or with `haven reviews`).
 */
async function checkReenable(sql: Sql, id: string): Promise<void> {
  const { rows } = await sql.query<{ disabled_reason: DisabledReason | null; reviewed: boolean }>(
    `select a.disabled_reason,
            exists (select 1 from access_grant g where g.account_id = a.id and g.kind = 'role' and g.state = 'active'
                      and g.reviewed_at is not null and g.reviewed_at >= a.disabled_at) as reviewed
       from staff_account a where a.id = $1`,
    [id],
  );
  const row = rows[0];
  if (row && (row.disabled_reason === 'dormant' || row.disabled_reason === 'lapsed') && !row.reviewed) {
    throw new HavenError(
      'account-review-required',
      'This account was disabled because it was unused or its access lapsed. Its access must be reviewed (approved) before it is enabled again.',
      { status: 409, reason: 'ACC-7' },
    );
  }
}

function trainingRequiredForTier(): HavenError {
  return new HavenError(
    'training-required',
    'Tier 3–4 access needs current data-protection training: record the training, then raise the tier.',
    { status: 409, reason: 'ACC-7' },
  );
}

/** ACC-7: a training record completed by today and not expired (src/reviews/training.ts records them). */
async function hasCurrentTraining(sql: Sql, accountId: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `select 1 from training_record where account_id = $1
        and completed_on <= (now() at time zone 'utc')::date and expires_on > (now() at time zone 'utc')::date`,
    [accountId],
  );
  return rowCount > 0;
}
