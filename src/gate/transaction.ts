import type { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * Every gate request is one transaction (architecture.md: decide, decrypt, record, in one). A refusal is an
 * outcome, not an exception, inside it: the transaction commits with the ledger event of the refusal, and only
 * then is the refusal thrown to the caller.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: HavenError };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refused = <T>(error: HavenError): Outcome<T> => ({ ok: false, error });

export async function inTransaction<T>(db: Database, work: (tx: Sql) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await db.transaction(work);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * Refusals whose deny event is already written. The gate's entry (entry.ts) writes one for every other
 * refusal that leaves it, so each refusal is in the ledger exactly once (AUD-1).
 */
const ledgered = new WeakSet<HavenError>();

export function markLedgered(error: HavenError): HavenError {
  ledgered.add(error);
  return error;
}

export function isLedgered(error: HavenError): boolean {
  return ledgered.has(error);
}
