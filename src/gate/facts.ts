import type { BasisState } from '../policy/requests.ts';
import type { Sql } from '../store/database.ts';

/**
 * Facts about a person that policies decide on and the gate reads without decrypting anything: who holds them
 * in their caseload, their legal basis for a purpose, and break-glass grants covering them.
 */

export async function caseloadOf(sql: Sql, personId: string): Promise<string[]> {
  const { rows } = await sql.query<{ account_id: string }>(
    'select account_id from caseload_assignment where person_id = $1 order by account_id',
    [personId],
  );
  return rows.map((r) => r.account_id);
}

export interface BasisFacts {
  state: BasisState;
  kind: string;
}

export interface BasisRow {
  basis: string;
  action: 'grant' | 'withdraw';
  expired: boolean;
}

/** The state of the legal basis from the latest entry per basis (shared by the query below and the read snapshot). */
export function basisState(rows: readonly BasisRow[]): BasisFacts {
  const active = rows.filter((r) => r.action === 'grant' && !r.expired).map((r) => r.basis);
  if (active.length > 0)
    return { state: 'active', kind: active.includes('consent') ? 'consent' : active[0]! };
  const consent = rows.find((r) => r.basis === 'consent');
  if (consent?.action === 'withdraw') return { state: 'withdrawn', kind: 'consent' };
  if (rows.some((r) => r.expired)) return { state: 'expired', kind: rows[0]!.basis };
  return { state: 'none', kind: 'none' };
}

/**
 * The person's legal basis for a purpose (PUR-3 – PUR-5): the latest entry per basis decides. Any granted,
 * unexpired basis makes it active (consent preferred when there are several); otherwise a withdrawn or expired
 * consent says so, and with nothing on record the state is "none".
 */
export async function basisFor(sql: Sql, personId: string, purpose: string): Promise<BasisFacts> {
  const { rows } = await sql.query<BasisRow>(
    `select distinct on (basis) basis, action, coalesce(expires_at <= now(), false) as expired
       from processing_basis where person_id = $1 and purpose = $2
      order by basis, recorded_at desc, id`,
    [personId, purpose],
  );
  return basisState(rows);
}

/** Field groups an active break-glass grant opens to this staff member for this person and purpose (ACC-8). */
export async function breakGlassGroups(
  sql: Sql,
  accountId: string,
  personId: string,
  purpose: string,
): Promise<Set<string>> {
  const { rows } = await sql.query<{ field_groups: string[] }>(
    `select field_groups from break_glass
      where account_id = $1 and person_id = $2 and purpose = $3
        and starts_at <= now() and ends_at > now() and ended_early_at is null`,
    [accountId, personId, purpose],
  );
  return new Set(rows.flatMap((r) => r.field_groups));
}
