import { HavenError } from '../domain/errors.ts';
import type { Sql } from '../store/database.ts';

/**
 * The share of staff accesses the data explains (AUD-6), per organisation and period: the first thing to report,
 * because the rules only judge the rest. Counts written by the monitor (monitoring_figure), no person in them.
 */
export interface ExplainedShare {
  from: string;
  to: string;
  accesses: number;
  explained: number;
  /** explained / accesses, or null when there were no accesses. */
  share: number | null;
  byReason: Record<string, number>;
  days: { day: string; accesses: number; explained: number }[];
}

export const EXPLAINED_MAX_DAYS = 366;

/** [from, to] inclusive, YYYY-MM-DD. */
export async function explainedShare(
  sql: Sql,
  organisationId: string,
  from: string,
  to: string,
): Promise<ExplainedShare> {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!day.test(from) || !day.test(to) || !(span >= 0 && span < EXPLAINED_MAX_DAYS))
    throw new HavenError(
      'period-invalid',
      `The period runs from a day to a later day, at most ${EXPLAINED_MAX_DAYS} days.`,
      { status: 422 },
    );
  const { rows } = await sql.query<{
    day: string;
    accesses: number;
    explained: number;
    by_reason: Record<string, number>;
  }>(
    `select to_char(day, 'YYYY-MM-DD') as day, accesses, explained, by_reason from monitoring_figure
      where organisation_id = $1::uuid and day between $2::date and $3::date order by day`,
    [organisationId, from, to],
  );
  const byReason: Record<string, number> = {};
  let accesses = 0;
  let explained = 0;
  for (const r of rows) {
    accesses += r.accesses;
    explained += r.explained;
    for (const [k, v] of Object.entries(r.by_reason)) byReason[k] = (byReason[k] ?? 0) + Number(v);
  }
  return {
    from,
    to,
    accesses,
    explained,
    share: accesses === 0 ? null : explained / accesses,
    byReason,
    days: rows.map((r) => ({ day: r.day, accesses: r.accesses, explained: r.explained })),
  };
}
