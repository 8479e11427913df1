import { open, seal } from '../crypto/aead.ts';
import { HavenError } from '../domain/errors.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import type { IdentityContext } from './context.ts';
import { keyedHash } from './keys.ts';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { announceSessionChange } from './session-cache.ts';
import { endAllSessions } from './sessions.ts';
import { newTotpSecret, totpUri, verifyTotp } from './totp.ts';

/** TOTP enrolment and verification, and recovery codes (ACC-3). */

function sealTotp(ctx: IdentityContext, accountId: string, secret: Uint8Array): Buffer {
  return seal(ctx.keys.totp, secret, Buffer.from(`totp:${accountId}`));
}

function openTotp(ctx: IdentityContext, accountId: string, sealed: Uint8Array): Buffer {
  return open(ctx.keys.totp, sealed, Buffer.from(`totp:${accountId}`));
}

/** Makes `secret` the account's TOTP secret and replaces its recovery codes; returns the new codes. */
export async function activateTotp(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
  secret: Uint8Array,
  actor: AuditActor,
): Promise<string[]> {
  await sql.query(
    `update staff_account set totp_secret = $2, totp_pending_secret = null, totp_last_step = null,
       enrolment_code_hash = null, enrolment_expires_at = null
     where id = $1`,
    [accountId, sealTotp(ctx, accountId, secret)],
  );
  const codes = await replaceRecoveryCodes(ctx, sql, accountId);
  await announceSessionChange(sql, accountId);
  await recordAuditEvent(sql, {
    actor,
    action: 'auth.factor-enrol',
    subject: accountId,
    subjectType: 'account',
    decision: 'allow',
    reason: 'totp',
  });
  return codes;
}

export async function replaceRecoveryCodes(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  await sql.query('delete from recovery_code where account_id = $1', [accountId]);
  await sql.query('insert into recovery_code (account_id, code_hash) select $1, unnest($2::bytea[])', [
    accountId,
    codes.map((code) => hashRecoveryCode(ctx.keys.codes, code)),
  ]);
  return codes;
}

/** Starts TOTP enrolment: a pending secret, shown once as an otpauth:// URI, confirmed by a first code. */
export async function beginTotpEnrolment(
  ctx: IdentityContext,
  sql: Sql,
  account: { id: string; email: string },
): Promise<{ uri: string; secret: Buffer }> {
  const secret = newTotpSecret();
  await sql.query('update staff_account set totp_pending_secret = $2 where id = $1', [
    account.id,
    sealTotp(ctx, account.id, secret),
  ]);
  return { uri: totpUri(secret, account.email), secret };
}

export async function confirmTotpEnrolment(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
  code: string,
  actor: AuditActor,
): Promise<string[]> {
  const { rows } = await sql.query<{ totp_pending_secret: Buffer | null }>(
    'select totp_pending_secret from staff_account where id = $1 for update',
    [accountId],
  );
  const pending = rows[0]?.totp_pending_secret;
  if (!pending) {
    throw new HavenError('totp-enrolment-not-started', 'Start TOTP enrolment first.', { status: 409 });
  }
  const secret = openTotp(ctx, accountId, pending);
  const step = verifyTotp(secret, code, ctx.now());
  if (step === null) {
    throw new HavenError(
      'totp-invalid',
      'That code does not match. Check the time on the phone and try the next code.',
      {
        status: 401,
      },
    );
  }
  const codes = await activateTotp(ctx, sql, accountId, secret, actor);
  await sql.query('update staff_account set totp_last_step = $2 where id = $1', [accountId, step]);
  return codes;
}

export type SecondFactorCheck = 'ok' | 'wrong-code' | 'replayed-code' | 'not-enrolled';

/** Checks a TOTP code and consumes its time step, so the same code cannot be used twice (ACC-3). */
export async function checkTotp(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
  code: string,
): Promise<SecondFactorCheck> {
  const { rows } = await sql.query<{ totp_secret: Buffer | null; totp_last_step: number | null }>(
    'select totp_secret, totp_last_step from staff_account where id = $1 for update',
    [accountId],
  );
  const row = rows[0];
  if (!row?.totp_secret) return 'not-enrolled';
  const step = verifyTotp(openTotp(ctx, accountId, row.totp_secret), code.trim(), ctx.now());
  if (step === null) return 'wrong-code';
  if (row.totp_last_step !== null && step <= row.totp_last_step) return 'replayed-code';
  await sql.query('update staff_account set totp_last_step = $2 where id = $1', [accountId, step]);
  return 'ok';
}

/** Consumes a recovery code; each works once. */
export async function checkRecoveryCode(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
  code: string,
): Promise<SecondFactorCheck> {
  const result = await sql.query(
    'update recovery_code set used_at = now() where account_id = $1 and code_hash = $2 and used_at is null',
    [accountId, hashRecoveryCode(ctx.keys.codes, code)],
  );
  return result.rowCount === 1 ? 'ok' : 'wrong-code';
}

export async function remainingRecoveryCodes(sql: Sql, accountId: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    'select count(*)::int as n from recovery_code where account_id = $1 and used_at is null',
    [accountId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * For a staff member who lost their factors: removes TOTP, passkeys and recovery codes, ends their sessions, and
 * returns a fresh enrolment code for their next sign-in. Limited to the admin's organisation.
 */
export async function resetSecondFactors(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
  actor: AuditActor,
  organisationId: string,
): Promise<string> {
  const code = newRecoveryCodes()[0]!;
  const result = await sql.query(
    `update staff_account set totp_secret = null, totp_pending_secret = null, totp_last_step = null,
       enrolment_code_hash = $3, enrolment_expires_at = now() + interval '72 hours'
     where id = $1 and organisation_id = $2`,
    [accountId, organisationId, keyedHash(ctx.keys.codes, 'enrolment', code)],
  );
  if (result.rowCount === 0) {
    throw new HavenError('account-not-found', 'No account with that id in your organisation.', {
      status: 404,
    });
  }
  await sql.query('delete from passkey where account_id = $1', [accountId]);
  await sql.query('delete from recovery_code where account_id = $1', [accountId]);
  await endAllSessions(sql, accountId);
  await recordAuditEvent(sql, {
    actor,
    action: 'auth.factor-reset',
    subject: accountId,
    subjectType: 'account',
    decision: 'allow',
    reason: 'ok',
  });
  return code;
}
