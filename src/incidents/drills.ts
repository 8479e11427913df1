import {
  type DrillStep,
  drillInTime,
  drillSteps,
  type StepMinutes,
  type StepSummary,
  summariseSteps,
} from '../domain/incidents/drills.ts';
import type { BreachSteps } from '../gate/incident-affected.ts';
import type { Sql } from '../store/database.ts';

/**
 * The drills' figures of a year (BRE-2, drills): per drill, when it ran and how long each step took; and their
 * summary. Codes, times and counts only — no text — so the annual report (issue 20) and oversight can use them.
 * The steps of breach response (BRE-3: people computed, notices drafted) are kept beside the protected list of
 * people, so they come through the gate (`gate.breachSteps` under the caller's own request), never by SQL here:
 * the general pool reading the incident table has no privilege on breach_notice, and must not get one.
 */

/** The gate's `breachSteps` bound to the caller's request: times and counts per incident id. */
export type BreachStepsOf = (incidentIds: readonly string[]) => Promise<Record<string, BreachSteps>>;

export interface DrillFigure {
  id: string;
  reference: string;
  awareAt: string;
  state: string;
  steps: StepMinutes;
  /** Notified within 72 hours: null while not notified. */
  inTime: boolean | null;
}

export interface DrillFigures {
  organisationId: string;
  year: number;
  drills: DrillFigure[];
  summary: { drills: number; inTime: number; steps: Record<DrillStep, StepSummary> };
}

interface Row {
  id: string;
  reference: string;
  state: string;
  aware_at: Date;
  confirmed_at: Date | null;
  affected_computed_at: Date | null;
  contained_at: Date | null;
  notified_at: Date | null;
  closed_at: Date | null;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

export async function drillFigures(
  sql: Sql,
  organisationId: string,
  year: number,
  breachSteps: BreachStepsOf,
): Promise<DrillFigures> {
  const { rows } = await sql.query<Row>(
    `select id, reference, state, aware_at, confirmed_at, affected_computed_at, contained_at, notified_at, closed_at
       from incident
      where organisation_id = $1::uuid and drill and aware_at >= $2::timestamptz and aware_at < $3::timestamptz
      order by aware_at, reference`,
    [organisationId, `${year}-01-01T00:00:00Z`, `${year + 1}-01-01T00:00:00Z`],
  );
  // No drill, nothing to ask the gate (and no read to ledger).
  const breach = rows.length === 0 ? {} : await breachSteps(rows.map((row) => row.id));
  const drills = rows.map((row): DrillFigure => {
    const response = breach[row.id];
    const steps = drillSteps({
      awareAt: new Date(row.aware_at),
      confirmedAt: date(row.confirmed_at),
      // The register keeps the first computation's time; the gate's record has the latest (a computation made
      // before the register kept the step still counts).
      affectedComputedAt: date(row.affected_computed_at ?? response?.affectedComputedAt ?? null),
      noticesDraftedAt: date(response?.noticesIssuedAt ?? null),

      containedAt: date(row.contained_at),
      notifiedAt: date(row.notified_at),
      closedAt: date(row.closed_at),
    });
    return {
      id: row.id,
      reference: row.reference,
      awareAt: new Date(row.aware_at).toISOString(),
      state: row.state,
      steps,
      inTime: drillInTime(steps),
    };
  });
  return {
    organisationId,
    year,
    drills,
    summary: {
      drills: drills.length,
      inTime: drills.filter((d) => d.inTime === true).length,
      steps: summariseSteps(drills.map((d) => d.steps)),
    },
  };
}
