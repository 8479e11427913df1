import type { GateContext } from './context.ts';

/** What can explain an access (docs/monitoring.md). */
export const EXPLANATIONS = [
  'caseload',
  'rights-request',
  'correction',
  'break-glass',
  'registration',
] as const;
export type Explanation = (typeof EXPLANATIONS)[number];

/**
 * Why a staff member reached a person's data, when the data says why (AUD-6, first step): the person is in their
 * caseload, has a rights request they receive, check or handle, a correction they propose or review (a pending one
 * for a supervisor or the DPO), an active break-glass grant of theirs, or was registered by them. Only a code per
 * access comes out — which of these, or none — never a value; the accesses themselves are already in the ledger.
 * Read in one statement for a whole batch of ledger entries. Time-bound facts are taken at the access's time.
 */
export interface AccessToExplain {
  account: string;
  /** The staff member's organisation: a pending correction explains a supervisor's access in it only. */
  organisation: string;
  role: string | null;
  person: string;
  at: Date;
}

export async function explainAccesses(
  ctx: GateContext,
  accesses: readonly AccessToExplain[],
): Promise<(Explanation | null)[]> {
  if (accesses.length === 0) return [];
  const { rows } = await ctx.db.query<{ i: string; why: Explanation | null }>(
    `select x.i, case
        when exists (select 1 from caseload_assignment c where c.person_id = x.p and c.account_id = x.a)
          then 'caseload'
        when exists (select 1 from break_glass b where b.person_id = x.p and b.account_id = x.a
                      and x.t between b.starts_at - interval '1 minute' and coalesce(b.ended_early_at, b.ends_at))
          then 'break-glass'
        when exists (select 1 from rights_request r where r.person_id = x.p
                      and x.a in (r.assignee, r.received_by, r.identity_checked_by)
                      and (r.closed_at is null or r.closed_at >= x.t - interval '1 hour'))
          then 'rights-request'
        when exists (select 1 from correction k where k.person_id = x.p
                      and (x.a in (k.proposed_by, k.decided_by)
                           or (k.status = 'pending' and x.r in ('supervisor', 'dpo') and k.organisation_id = x.o))
                      and x.t between k.proposed_at - interval '1 hour'
                                  and coalesce(k.decided_at, 'infinity'::timestamptz) + interval '1 hour')
          then 'correction'
        -- The registration is the person's first ledger event (its allow event is written with the person): one
        -- index lookup, however often the person was read since.
        when (select e.actor_account = x.a and position('"action":"person.register"' in convert_from(e.body, 'UTF8')) > 0
                from audit_event e where e.person_id = x.p order by e.seq limit 1)
          then 'registration'

      end as why
      from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::uuid[]) with ordinality as x(a, p, t, r, o, i)`,
    [
      accesses.map((a) => a.account),
      accesses.map((a) => a.person),
      accesses.map((a) => a.at),
      accesses.map((a) => a.role ?? ''),
      accesses.map((a) => a.organisation),
    ],
  );
  const out = new Array<Explanation | null>(accesses.length).fill(null);
  for (const r of rows) out[Number(r.i) - 1] = r.why;
  return out;
}
