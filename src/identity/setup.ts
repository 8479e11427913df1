import { HavenError } from '../domain/errors.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';
import { type CreatedAccount, createAccount, createOrganisation, type Organisation } from './accounts.ts';
import type { IdentityContext } from './context.ts';
import { keyedHash } from './keys.ts';
import { newRecoveryCodes } from './recovery-codes.ts';
import { createSession, type IssuedSession } from './sessions.ts';
import { addressRefusalKey } from './throttle.ts';

/**
 * First-admin set-up: while no account exists, each start prints a fresh one-time code in the terminal; the
 * set-up page accepts it once to create the first organisation and administrator.
 */

export async function issueSetupCode(
  ctx: IdentityContext,
  db: Database,
  validMinutes: number,
): Promise<string | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from staff_account');
    if ((rows[0]?.n ?? 0) > 0) return null;
    const code = newRecoveryCodes()[0]!.toUpperCase();
    await tx.query(
      `insert into setup_code (id, code_hash, expires_at) values (1, $1, now() + make_interval(mins => $2))
       on conflict (id) do update set code_hash = excluded.code_hash, expires_at = excluded.expires_at, used_at = null`,
      [keyedHash(ctx.keys.codes, 'setup', code.toLowerCase()), validMinutes],
    );
    return code;
  });
}

export async function setupNeeded(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from staff_account');
  return (rows[0]?.n ?? 0) === 0;
}

export interface SetupRequest {
  code: string;
  organisationSlug: string;
  organisationName: string;
  email: string;
  password: string;
  requestId?: string;
  /** The client address, only to count repeated refusals (never stored). */
  address?: string;
}

export interface SetupResult {
  organisation: Organisation;
  created: CreatedAccount;
  session: IssuedSession;
}

export async function completeSetup(
  ctx: IdentityContext,
  db: Database,
  request: SetupRequest,
): Promise<SetupResult> {
  const outcome = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ code_hash: Buffer; usable: boolean }>(
      'select code_hash, (used_at is null and expires_at > now()) as usable from setup_code where id = 1 for update',
    );
    const accounts = await tx.query<{ n: number }>('select count(*)::int as n from staff_account');
    const row = rows[0];
    const presented = keyedHash(ctx.keys.codes, 'setup', request.code.trim().toLowerCase());
    const valid = (accounts.rows[0]?.n ?? 0) === 0 && row?.usable === true && row.code_hash.equals(presented);
    if (!valid) {
      // AUD-1: an anonymous refusal; repeats from one address are counted, not written one by one.
      await ctx.refusals.record(
        tx,
        {
          actor: { kind: 'anonymous' },
          action: 'setup.complete',
          decision: 'deny',
          reason: 'setup-code-invalid',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
        request.address ? addressRefusalKey(ctx, request.address) : 'setup',
      );
      return { ok: false as const };
    }
    await tx.query('update setup_code set used_at = now() where id = 1');
    const organisation = await createOrganisation(
      tx,
      { slug: request.organisationSlug, name: request.organisationName },
      { kind: 'anonymous' },
    );
    const created = await createAccount(
      ctx,
      tx,
      {
        organisationId: organisation.id,
        email: request.email,
        role: 'admin',
        tier: 1,
        password: request.password,
        enrolTotp: false,
      },
      { kind: 'anonymous' },
    );
    // The set-up code stands in for the enrolment code: the new admin goes straight to enrolling a second factor.
    const session = await createSession(tx, created.account.id, 1, null);
    await recordAuditEvent(tx, {
      actor: { kind: 'staff', account: created.account.id, organisation: organisation.id, role: 'admin' },
      action: 'setup.complete',
      subject: created.account.id,
      subjectType: 'account',
      decision: 'allow',
      reason: 'ok',
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
    delete created.enrolmentCode;
    return { ok: true as const, value: { organisation, created, session } };
  });
  if (!outcome.ok) {
    throw new HavenError(
      'setup-code-invalid',
      'The set-up code is wrong, expired or already used. Restart Haven to print a new one while no account exists.',
      { status: 401 },
    );
  }
  return outcome.value;
}
