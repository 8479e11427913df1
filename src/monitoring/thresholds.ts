import { type FieldProblem, HavenError } from '../domain/errors.ts';
import type { AuditActor } from '../ledger/events.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The anomaly rules (AUD-6). Each runs on the accesses the data does not explain (see explanation in
 * docs/monitoring.md), except volume, off-hours, denials and break-glass, which look at all of a person's work.
 */
export const RULES = [
  'volume',
  'outside-caseload',
  'off-hours',
  'fishing',
  'bulk-export',
  'repeated-denials',
  'frequent-break-glass',
] as const;
export type Rule = (typeof RULES)[number];

/** The rules' thresholds: configuration per organisation, set by the DPO (AUD-6: "thresholds are configuration"). */
export interface Thresholds {
  /** Volume: an hour is unusual when P(X ≥ count) under the person's own hourly rate is below this. */
  volumePValue: number;
  /** Volume: never below this many accesses in the hour (a quiet person's 6 reads are not an incident). */
  volumeMinimum: number;
  /** Volume: the hourly rate assumed for someone with too little history (fewer than baselineMinimumDays). */
  volumeDefaultPerHour: number;
  /** Outside caseload: unexplained accesses to persons' records by one staff member within 24 hours. */
  outsideCaseloadPerDay: number;
  /** Off-hours: an hour of the day in which the person did less than this share of their work is unusual. */
  offHoursShare: number;
  /** Off-hours: accesses within one unusual hour before it counts (one late click is not a pattern). */
  offHoursMinimum: number;
  /** Baselines are trusted (volume, off-hours) once the person worked on at least this many days. */
  baselineMinimumDays: number;
  /** Fishing: a search is fishing when it returns at least this many persons the data does not explain. */
  fishingHitsPerSearch: number;
  /** Fishing: fishing searches by one person within one hour. */
  fishingSearchesPerHour: number;
  /** Bulk export: persons exported or released by one actor within one hour. */
  bulkPersonsPerHour: number;
  /** Repeated denials: refusals of one person's requests within one hour. */
  denialsPerHour: number;
  /** Frequent break-glass: emergency accesses started by one person within 7 days. */
  breakGlassPerWeek: number;
  /** The rules whose alert suspends the staff account at once (sessions end); empty: none does. */
  suspendOn: Rule[];
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  volumePValue: 1e-6,
  volumeMinimum: 40,
  volumeDefaultPerHour: 25,
  outsideCaseloadPerDay: 3,
  offHoursShare: 0.01,
  offHoursMinimum: 10,
  baselineMinimumDays: 5,
  fishingHitsPerSearch: 3,
  fishingSearchesPerHour: 5,
  bulkPersonsPerHour: 100,
  denialsPerHour: 10,
  breakGlassPerWeek: 3,
  suspendOn: [],
};

type NumericKey = Exclude<keyof Thresholds, 'suspendOn'>;

/** Each number's allowed range; integers where the threshold counts something. */
const LIMITS: Record<NumericKey, { min: number; max: number; integer: boolean; exclusiveMin?: boolean }> = {
  volumePValue: { min: 0, max: 0.05, integer: false, exclusiveMin: true },
  volumeMinimum: { min: 1, max: 100_000, integer: true },
  volumeDefaultPerHour: { min: 0, max: 100_000, integer: false, exclusiveMin: true },
  outsideCaseloadPerDay: { min: 1, max: 100_000, integer: true },
  offHoursShare: { min: 0, max: 0.5, integer: false },
  offHoursMinimum: { min: 1, max: 100_000, integer: true },
  baselineMinimumDays: { min: 1, max: 28, integer: true },
  fishingHitsPerSearch: { min: 1, max: 1_000, integer: true },
  fishingSearchesPerHour: { min: 1, max: 10_000, integer: true },
  bulkPersonsPerHour: { min: 1, max: 1_000_000, integer: true },
  denialsPerHour: { min: 1, max: 100_000, integer: true },
  breakGlassPerWeek: { min: 1, max: 1_000, integer: true },
};

/** What is wrong, by field: `missing` (an emptied value), `not-a-number`, `out-of-range`, `unknown-threshold` … */
const invalid = (fields: FieldProblem[]) => {
  const what: Record<string, string> = {
    missing: 'without a value',
    'not-a-number': 'not a number',
    'out-of-range': 'out of range',
  };
  const byCode = Map.groupBy(fields, (f) => what[f.code] ?? 'not valid');
  const parts = [...byCode].map(
    ([text, list]) => `${text}: ${list.map((f) => f.path || '(body)').join(', ')}`,
  );
  return new HavenError(
    'alert-threshold-invalid',
    `Thresholds refused, nothing saved. ${parts.join('; ')}.`,
    { status: 422, fields },
  );
};

/**
 * Checks a full set of thresholds (the defaults filled in for what `input` leaves out). Every problem is named,
 * with a stable code per field, and nothing is stored when one is wrong.
 */
export function validateThresholds(input: unknown): Thresholds {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid([{ path: '', code: 'not-an-object', message: 'Thresholds are an object of numbers.' }]);
  const given = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const result: Thresholds = { ...DEFAULT_THRESHOLDS, suspendOn: [...DEFAULT_THRESHOLDS.suspendOn] };
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_THRESHOLDS))
      problems.push({ path: key, code: 'unknown-threshold', message: 'No threshold has this name.' });
  }
  for (const [key, limit] of Object.entries(LIMITS) as [NumericKey, (typeof LIMITS)[NumericKey]][]) {
    const value = given[key];
    if (value === undefined) continue;
    const low = limit.exclusiveMin ? `above ${limit.min}` : `at least ${limit.min}`;
    const range = `${limit.integer ? 'a whole number ' : 'a number '}${low} and at most ${limit.max}`;
    if (value === null || value === '') {
      // An emptied field: say so, rather than call a value nobody typed out of range.
      problems.push({
        path: key,
        code: 'missing',
        message: `No value given: enter ${range}, or leave ${key} out to keep its default (${DEFAULT_THRESHOLDS[key]}).`,
      });
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ path: key, code: 'not-a-number', message: `Not a number: enter ${range}.` });
      continue;
    }
    if (
      (limit.exclusiveMin ? value <= limit.min : value < limit.min) ||
      value > limit.max ||
      (limit.integer && !Number.isInteger(value))
    ) {
      problems.push({
        path: key,
        code: 'out-of-range',
        message: `Out of range: must be ${range}.`,
      });
      continue;
    }
    result[key] = value;
  }
  if (given.suspendOn !== undefined) {
    const list = given.suspendOn;
    if (!Array.isArray(list) || list.some((r) => !(RULES as readonly unknown[]).includes(r))) {
      problems.push({ path: 'suspendOn', code: 'unknown-rule', message: `Rules are: ${RULES.join(', ')}.` });
    } else {
      result.suspendOn = [...new Set(list as Rule[])];
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return result;
}

/** The organisation's thresholds: its own, or the defaults. */
export async function loadThresholds(sql: Sql, organisationId: string): Promise<Thresholds> {
  const { rows } = await sql.query<{ settings: unknown }>(
    'select settings from monitoring_threshold where organisation_id = $1::uuid',
    [organisationId],
  );
  // Stored settings were valid when stored; a threshold added since falls back to its default.
  return rows[0] ? validateThresholds(rows[0].settings) : DEFAULT_THRESHOLDS;
}

/** Every organisation's own thresholds (the monitor keeps them in memory and reloads them now and then). */
export async function allThresholds(sql: Sql): Promise<Map<string, Thresholds>> {
  const { rows } = await sql.query<{ organisation_id: string; settings: unknown }>(
    'select organisation_id, settings from monitoring_threshold',
  );
  return new Map(rows.map((r) => [r.organisation_id, validateThresholds(r.settings)]));
}

/** The DPO sets the thresholds (validated first; refused whole with `alert-threshold-invalid`), ledgered. */
export async function saveThresholds(
  db: Database,
  organisationId: string,
  input: unknown,
  actor: AuditActor,
): Promise<Thresholds> {
  const thresholds = validateThresholds(input);
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into monitoring_threshold (organisation_id, settings, updated_by, updated_at)
       values ($1::uuid, $2::jsonb, $3::uuid, now())
       on conflict (organisation_id) do update
         set settings = excluded.settings, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [organisationId, JSON.stringify(thresholds), actor.account ?? null],
    );
    await recordAuditEvent(tx, {
      actor,
      action: 'monitoring.thresholds',
      subject: organisationId,
      subjectType: 'organisation',
      decision: 'allow',
      reason: 'ok',
    });
  });
  return thresholds;
}
