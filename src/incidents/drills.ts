import {
  type DrillStep,
  drillInTime,
  drillSteps,
  type StepMinutes,
  type StepSummary,
  summariseSteps,
} from '../domain/incidents/drills.ts';
import type { Sql } from '../store/database.ts';

/**
 * The drills' figures of a year (BRE-2, drills): per drill, when it ran and how long each step took; and their
 * summary. Codes, times and counts only — no text — so the annual report (issue 20) and oversight can use them.
 */

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

export async function drillFigures(sql: Sql, organisationId: string, year: number): Promise<DrillFigures> {
  const { rows } = await sql.query<Row>(
    `select id, reference, state, aware_at, confirmed_at, affected_computed_at, contained_at, notified_at, closed_at
       from incident
      where organisation_id = $1::uuid and drill and aware_at >= $2::timestamptz and aware_at < $3::timestamptz
      order by aware_at, reference`,
    [organisationId, `${year}-01-01T00:00:00Z`, `${year + 1}-01-01T00:00:00Z`],
  );
  const drills = rows.map((row): DrillFigure => {
    const steps = drillSteps({
      awareAt: new Date(row.aware_at),
      confirmedAt: date(row.confirmed_at),
      affectedComputedAt: date(row.affected_computed_at),
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
