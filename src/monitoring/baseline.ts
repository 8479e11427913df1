import type { Sql } from '../store/database.ts';
import type { Thresholds } from './thresholds.ts';

/**
 * Each staff member's (or partner's) own baseline (AUD-6), from their accesses per clock hour over the last
 * BASELINE_DAYS days: how much they do in an hour they work, and at which hours of the day (UTC) they work.
 * Recomputed daily by the job queue (job.ts); the monitor and `haven monitoring evaluate` use the same functions.
 */
export const BASELINE_DAYS = 28;

export interface Baseline {
  /** Days with at least one access. */
  activeDays: number;
  /** Clock hours with at least one access. */
  activeHours: number;
  accesses: number;
  /** Accesses per hour of the day (UTC), 24 counts. */
  hourCounts: number[];
}

export interface HourCount {
  /** The start of the clock hour (UTC). */
  hour: Date;
  accesses: number;
}

/** The baseline of one actor from their hourly counts (hours with no access need not be given). */
export function computeBaseline(hours: readonly HourCount[]): Baseline {
  const hourCounts = new Array<number>(24).fill(0);
  const days = new Set<string>();
  let activeHours = 0;
  let accesses = 0;
  for (const h of hours) {
    if (h.accesses <= 0) continue;
    activeHours++;
    accesses += h.accesses;
    hourCounts[h.hour.getUTCHours()]! += h.accesses;
    days.add(h.hour.toISOString().slice(0, 10));
  }
  return { activeDays: days.size, activeHours, accesses, hourCounts };
}

/** Enough history to judge this person against themselves. */
export function trusted(baseline: Baseline | undefined, t: Thresholds): baseline is Baseline {
  return baseline !== undefined && baseline.activeDays >= t.baselineMinimumDays;
}

/**
 * The person's rate per working hour: accesses / active hours. Hours they did not work are left out, so a
 * part-timer is compared with their own working hours, not diluted by nights. Without enough history: the default.
 */
export function hourlyRate(baseline: Baseline | undefined, t: Thresholds): number {
  return trusted(baseline, t) && baseline.activeHours > 0
    ? baseline.accesses / baseline.activeHours
    : t.volumeDefaultPerHour;
}

/**
 * The share of the person's accesses that fell in this hour of the day or the hour either side of it; undefined
 * without enough history. The neighbours count so that staying an hour late is not "outside usual hours", while
 * work in the middle of the night still is.
 */
export function hourShare(
  baseline: Baseline | undefined,
  hourOfDay: number,
  t: Thresholds,
): number | undefined {
  if (!trusted(baseline, t) || baseline.accesses === 0) return undefined;
  const c = baseline.hourCounts;
  return (c[(hourOfDay + 23) % 24]! + c[hourOfDay]! + c[(hourOfDay + 1) % 24]!) / baseline.accesses;
}

const LOG_FACTORIALS: number[] = [0];
/** ln(n!) — exact sums of logs, cached (counts per hour stay in the thousands). */
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS.push(LOG_FACTORIALS[i - 1]! + Math.log(i));
  return LOG_FACTORIALS[n]!;
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the chance of at least k accesses in an hour for someone whose rate is λ. Summed
 * from k upwards in log space, so tiny tails (the interesting ones) keep their precision.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k <= lambda) {
    // The tail is large here: 1 − P(X < k), summed directly.
    let term = Math.exp(-lambda);
    let below = 0;
    for (let i = 0; i < k; i++) {
      below += term;
      term *= lambda / (i + 1);
    }
    return Math.max(0, 1 - below);
  }
  let term = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
  let sum = 0;
  for (let i = k; term > 0 && term > sum * 1e-17; i++) {
    sum += term;
    term *= lambda / (i + 1);
  }
  return Math.min(1, sum);
}

/** The actors' hourly counts in [from, to), grouped by actor (the baseline job's input). */
export async function hourlyCounts(
  sql: Sql,
  from: Date,
  to: Date,
): Promise<Map<string, { organisationId: string; hours: HourCount[] }>> {
  const { rows } = await sql.query<{ actor: string; organisation_id: string; hour: Date; accesses: number }>(
    `select actor, organisation_id, hour, accesses from monitoring_hourly
      where hour >= $1 and hour < $2 order by actor, hour`,
    [from, to],
  );
  const byActor = new Map<string, { organisationId: string; hours: HourCount[] }>();
  for (const r of rows) {
    let entry = byActor.get(r.actor);
    if (!entry) {
      entry = { organisationId: r.organisation_id, hours: [] };
      byActor.set(r.actor, entry);
    }

    entry.hours.push({ hour: r.hour, accesses: Number(r.accesses) });
  }
  return byActor;
}

export async function loadBaselines(sql: Sql): Promise<Map<string, Baseline>> {
  const { rows } = await sql.query<{
    actor: string;
    active_days: number;
    active_hours: number;
    accesses: number;
    hour_counts: number[];
  }>('select actor, active_days, active_hours, accesses, hour_counts from monitoring_baseline');
  return new Map(
    rows.map((r) => [
      r.actor,
      {
        activeDays: r.active_days,
        activeHours: r.active_hours,
        accesses: r.accesses,
        hourCounts: r.hour_counts.map(Number),
      },
    ]),
  );
}

export interface StoredBaseline extends Baseline {
  actor: string;
  organisationId: string;
  computedOn: string;
}

/**
 * The daily update: every actor's baseline from the last BASELINE_DAYS days before `today`, replacing the old
 * ones, and hourly counts older than the window pruned — in one transaction.
 */
export async function updateBaselines(
  db: { transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> },
  today: string,
): Promise<StoredBaseline[]> {
  const to = new Date(`${today}T00:00:00Z`);
  const from = new Date(to.getTime() - BASELINE_DAYS * 86_400_000);
  return db.transaction(async (tx) => {
    const counts = await hourlyCounts(tx, from, to);
    const baselines: StoredBaseline[] = [...counts].map(([actor, c]) => ({
      actor,
      organisationId: c.organisationId,
      computedOn: today,
      ...computeBaseline(c.hours),
    }));
    await tx.query('delete from monitoring_baseline');
    if (baselines.length > 0) {
      await tx.query(
        `insert into monitoring_baseline (actor, organisation_id, active_days, active_hours, accesses, hour_counts, computed_on)
         select a, o, d, h, n, array(select jsonb_array_elements_text(c)::int), $7::date
           from unnest($1::text[], $2::uuid[], $3::int[], $4::int[], $5::int[], $6::jsonb[]) as x(a, o, d, h, n, c)`,
        [
          baselines.map((b) => b.actor),
          baselines.map((b) => b.organisationId),
          baselines.map((b) => b.activeDays),
          baselines.map((b) => b.activeHours),
          baselines.map((b) => b.accesses),
          baselines.map((b) => JSON.stringify(b.hourCounts)),
          today,
        ],
      );
    }
    await tx.query('delete from monitoring_hourly where hour < $1', [from]);
    return baselines;
  });
}
