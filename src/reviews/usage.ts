/**
 * What a grant was used for, from the ledger (ACC-7): the last use, how many events in the period, how many
 * different people they touched, and the most frequent actions. audit_event is indexed by actor account, so a staff
 * member's figures read only their own events; a partner's (agreement access) read the period's partner events.
 */
import type { Sql } from '../store/database.ts';
import type { Grant } from './grants.ts';

export interface GrantUsage {
  /** The period the figures cover (RFC 3339): the last review period (HAVEN_REVIEW_DAYS) up to now. */
  since: string;
  until: string;
  lastUse: string | null;
  volume: number;
  people: number;
  /** The most frequent actions, most first (at most 5). */
  actions: { action: string; count: number }[];
}

const ACTION = `convert_from(e.body, 'UTF8')::jsonb ->> 'action'`;

/**
 * Which ledger events count as using each kind of grant: a role, everything the account did; a tier or a caseload,
 * what it did about people; break-glass eligibility, its break-glass requests; agreement access, what the
 * partner's client did. Allowed and refused alike: a refused attempt is use too.
 */
function usageFilter(grant: Grant): { where: string; holder: string } {
  switch (grant.kind) {
    case 'role':
      return { where: 'e.actor_account = $1', holder: grant.accountId! };
    case 'tier':
    case 'caseload':
      return { where: 'e.actor_account = $1 and e.person_id is not null', holder: grant.accountId! };
    case 'break-glass':
      return { where: `e.actor_account = $1 and ${ACTION} = 'break-glass.start'`, holder: grant.accountId! };
    case 'agreement':
      return {
        where: `e.actor_account is null and convert_from(e.body, 'UTF8')::jsonb -> 'actor' ->> 'partner' =
                  (select partner_id::text from agreement where id = $1::uuid)`,
        holder: grant.agreementId!,
      };
  }
}

export async function grantUsage(sql: Sql, grant: Grant, now: Date, days: number): Promise<GrantUsage> {
  // The review period, not the grant's record: a grant Haven recorded late was in use before.
  const from = new Date(now.getTime() - days * 86_400_000);
  const { where, holder } = usageFilter(grant);
  const { rows } = await sql.query<{
    action: string;
    n: number;
    last_use: Date;
    people: number;
    total: number;
  }>(
    `with used as (
       select ${ACTION} as action, e.recorded_at, e.person_id from audit_event e
        where ${where} and e.recorded_at >= $2 and e.recorded_at <= $3)
     select action, count(*)::int as n, (select max(recorded_at) from used) as last_use,
            (select count(distinct person_id)::int from used) as people,
            (select count(*)::int from used) as total
       from used group by action order by n desc, action limit 5`,
    [holder, from, now],
  );
  return {
    since: from.toISOString(),
    until: now.toISOString(),
    lastUse: rows[0]?.last_use.toISOString() ?? null,
    volume: rows[0]?.total ?? 0,
    people: rows[0]?.people ?? 0,
    actions: rows.map((r) => ({ action: r.action, count: r.n })),
  };
}
