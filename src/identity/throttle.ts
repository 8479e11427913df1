import type { Sql } from '../store/database.ts';
import type { IdentityContext } from './context.ts';
import { keyedHash } from './keys.ts';

/**
 * Brute-force limits (ACC-5). Per account: after a few failures each attempt must wait longer (doubling, up to
 * 15 minutes) and at the lockout threshold the account locks until an admin unlocks it. Per address: a fixed
 * number of failures per 15-minute window. Both live in the database so several servers share them.
 */
export const FREE_FAILURES = 5;
const MAX_DELAY_SECONDS = 15 * 60;
export const ADDRESS_WINDOW_MINUTES = 15;

/** Seconds an account must wait before its next attempt, given its consecutive failures. */
export function accountDelaySeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS);
}

export function addressKey(ctx: IdentityContext, address: string): Buffer {
  return keyedHash(ctx.keys.addresses, 'address', address);
}

/** Seconds until the address may try again, or 0 when it may try now. */
export async function addressWait(ctx: IdentityContext, sql: Sql, address: string): Promise<number> {
  const { rows } = await sql.query<{ failures: number; remaining: number }>(
    `select failures, extract(epoch from (window_started_at + make_interval(mins => $2) - now()))::int as remaining
       from sign_in_throttle where address_key = $1`,
    [addressKey(ctx, address), ADDRESS_WINDOW_MINUTES],
  );
  const row = rows[0];
  if (!row || row.remaining <= 0 || row.failures < ctx.addressFailureLimit) return 0;
  return row.remaining;
}

export async function recordAddressFailure(ctx: IdentityContext, sql: Sql, address: string): Promise<void> {
  await sql.query(
    `insert into sign_in_throttle (address_key, failures, window_started_at) values ($1, 1, now())
     on conflict (address_key) do update set
       failures = case when sign_in_throttle.window_started_at < now() - make_interval(mins => $2) then 1
                       else sign_in_throttle.failures + 1 end,
       window_started_at = case when sign_in_throttle.window_started_at < now() - make_interval(mins => $2) then now()
                                else sign_in_throttle.window_started_at end`,
    [addressKey(ctx, address), ADDRESS_WINDOW_MINUTES],
  );
}

/** Counts a failed factor for an account; returns true when this failure locked it. */
export async function recordAccountFailure(
  ctx: IdentityContext,
  sql: Sql,
  accountId: string,
): Promise<boolean> {
  const { rows } = await sql.query<{ locked: boolean }>(
    `update staff_account set failed_attempts = failed_attempts + 1, last_failed_at = now(),
       locked_at = case when locked_at is null and failed_attempts + 1 >= $2 then now() else locked_at end
     where id = $1
     returning locked_at is not null and failed_attempts = $2 as locked`,
    [accountId, ctx.lockoutThreshold],
  );
  return rows[0]?.locked ?? false;
}

export async function clearAccountFailures(sql: Sql, accountId: string): Promise<void> {
  await sql.query('update staff_account set failed_attempts = 0, last_failed_at = null where id = $1', [
    accountId,
  ]);
}

/**
 * Keys that count repeated refusals in memory (AUD-1, see RefusalLedger): per account when it is known, else per
 * address as a truncated keyed hash. Never written to the ledger or the logs.
 */
export function accountRefusalKey(accountId: string): string {
  return `account:${accountId}`;
}

export function addressRefusalKey(ctx: IdentityContext, address: string): string {
  return `address:${addressKey(ctx, address).subarray(0, 16).toString('hex')}`;
}
