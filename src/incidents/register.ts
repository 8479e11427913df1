import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { open, seal } from '../crypto/aead.ts';
import type { Category } from '../domain/dictionary/types.ts';
import { notFound } from '../domain/errors.ts';
import {
  INCIDENT_TEXTS,
  type IncidentState,
  type IncidentText,
  type LateReason,
  type Nature,
  type NoNotificationReason,
  type PeopleCategory,
} from '../domain/incidents/register.ts';
import type { Sql, SqlValue } from '../store/database.ts';

/**
 * The incident register (BRE-1): reading incidents, and the sealing of their free texts. Changes are in
 * changes.ts; the clock (BRE-2) in src/domain/incidents/clock.ts. The table is general (it is about the
 * organisation); the free texts are sealed because staff may name someone in them — decision 0016.
 */

/** The key that seals incident texts, derived from the key ring's `incidents` secret (composition root). */
export interface IncidentKeys {
  text: KeyObject;
}

export function incidentKeys(root: Buffer): IncidentKeys {
  return {
    text: createSecretKey(Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'haven/incidents/text', 32))),
  };
}

/** Sealed texts are bound to the incident and the field: one cannot be moved to another place. */
const aad = (incidentId: string, field: string) => Buffer.from(`haven/incident/v1\0${incidentId}\0${field}`);

export function sealIncidentText(
  keys: IncidentKeys,
  incidentId: string,
  field: string,
  text: string,
): Buffer {
  return seal(keys.text, Buffer.from(text, 'utf8'), aad(incidentId, field));
}

export function openIncidentText(
  keys: IncidentKeys,
  incidentId: string,
  field: string,
  sealed: Buffer,
): string {
  return open(keys.text, sealed, aad(incidentId, field)).toString('utf8');
}

/** What was compromised, when known (BRE-3 computes the people affected from it and the window). */
export type IncidentSource =
  | { kind: 'account'; accountId: string }
  | { kind: 'partner'; partnerId: string }
  | { kind: 'partner-credential'; partnerId: string; keyId: string }
  | { kind: 'device'; deviceId: string };

export type IncidentTexts = Record<IncidentText, string | null>;

export interface AuthorityNotification {
  at: Date;
  /** The supervisory authority told (an institution). */
  to: string;
  /** What was said; null where texts are withheld from the reader. */
  text: string | null;
  by: string;
  /** Set when it came after the 72 hours. */
  lateReason: LateReason | null;
  lateNote: string | null;
  /** A drill's notification is recorded, never sent. */
  drill: boolean;
}

export interface Incident {
  id: string;
  organisationId: string;
  /** INC-2026-001, or DRILL-2026-001. */
  reference: string;
  drill: boolean;
  state: IncidentState;
  /** Bumped by every change; an edit names the version it saw. */
  version: number;
  awareAt: Date;
  recordedAt: Date;
  recordedBy: string;
  nature: Nature[];
  dataCategories: Category[];
  peopleCategories: PeopleCategory[];
  peopleApprox: number | null;
  recordsApprox: number | null;
  highRisk: boolean;
  /** The free texts; null when withheld from this reader (the auditor: codes, numbers and times only). */
  texts: IncidentTexts | null;
  source: IncidentSource | null;
  /** The window of the compromise, when known. */
  window: { from: Date | null; to: Date | null };
  steps: {
    confirmedAt: Date | null;
    containedAt: Date | null;
    closedAt: Date | null;
    /** When BRE-3 first computed the people affected. */
    affectedComputedAt: Date | null;
  };
  notification: AuthorityNotification | null;
  noNotificationReason: NoNotificationReason | null;
}

export interface IncidentRow {
  id: string;
  organisation_id: string;
  reference: string;
  drill: boolean;
  state: IncidentState;
  version: number;
  aware_at: Date;
  recorded_at: Date;
  recorded_by: string;
  nature: Nature[];
  data_categories: Category[];
  people_categories: PeopleCategory[];
  people_approx: number | null;
  records_approx: number | null;
  high_risk: boolean;
  description_sealed: Uint8Array | null;
  consequences_sealed: Uint8Array | null;
  measures_taken_sealed: Uint8Array | null;
  measures_proposed_sealed: Uint8Array | null;
  contact_point_sealed: Uint8Array | null;
  source_kind: IncidentSource['kind'] | null;
  source_account: string | null;
  source_partner: string | null;
  source_key: string | null;
  source_device: string | null;
  window_from: Date | null;
  window_to: Date | null;
  affected_computed_at: Date | null;
  confirmed_at: Date | null;
  contained_at: Date | null;
  closed_at: Date | null;
  notified_at: Date | null;
  notified_to: string | null;
  notification_sealed: Uint8Array | null;
  notified_by: string | null;
  late_reason: LateReason | null;
  late_note_sealed: Uint8Array | null;
  no_notification_reason: NoNotificationReason | null;
}

/** The column of each free text. */
export const TEXT_COLUMNS: Readonly<Record<IncidentText, keyof IncidentRow & `${string}_sealed`>> = {
  description: 'description_sealed',
  consequences: 'consequences_sealed',
  measuresTaken: 'measures_taken_sealed',
  measuresProposed: 'measures_proposed_sealed',
  contactPoint: 'contact_point_sealed',
};

const date = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);

function source(row: IncidentRow): IncidentSource | null {
  switch (row.source_kind) {
    case 'account':
      return { kind: 'account', accountId: row.source_account as string };
    case 'partner':
      return { kind: 'partner', partnerId: row.source_partner as string };
    case 'partner-credential':
      return {
        kind: 'partner-credential',
        partnerId: row.source_partner as string,
        keyId: row.source_key as string,
      };
    case 'device':
      return { kind: 'device', deviceId: row.source_device as string };
    default:
      return null;
  }
}

export function incidentFromRow(row: IncidentRow, keys: IncidentKeys, withTexts: boolean): Incident {
  const openText = (field: string, sealed: Uint8Array | null) =>
    sealed === null ? null : openIncidentText(keys, row.id, field, Buffer.from(sealed));
  let texts: IncidentTexts | null = null;
  if (withTexts) {
    texts = {} as IncidentTexts;
    for (const field of INCIDENT_TEXTS) texts[field] = openText(field, row[TEXT_COLUMNS[field]]);
  }
  const notifiedAt = date(row.notified_at);
  return {
    id: row.id,
    organisationId: row.organisation_id,
    reference: row.reference,
    drill: row.drill,
    state: row.state,
    version: row.version,
    awareAt: date(row.aware_at) as Date,
    recordedAt: date(row.recorded_at) as Date,
    recordedBy: row.recorded_by,
    nature: row.nature,
    dataCategories: row.data_categories,
    peopleCategories: row.people_categories,
    peopleApprox: row.people_approx,
    recordsApprox: row.records_approx,
    highRisk: row.high_risk,
    texts,
    source: source(row),
    window: { from: date(row.window_from), to: date(row.window_to) },
    steps: {
      confirmedAt: date(row.confirmed_at),
      containedAt: date(row.contained_at),
      closedAt: date(row.closed_at),
      affectedComputedAt: date(row.affected_computed_at),
    },
    notification:
      notifiedAt === null
        ? null
        : {
            at: notifiedAt,
            to: row.notified_to as string,
            text: withTexts ? openText('notification', row.notification_sealed) : null,
            by: row.notified_by as string,
            lateReason: row.late_reason,
            lateNote: withTexts ? openText('lateNote', row.late_note_sealed) : null,
            drill: row.drill,
          },
    noNotificationReason: row.no_notification_reason,
  };
}

export interface ReadOptions {
  /** Open the sealed texts (DPO, oversight); false for readers who get codes, numbers and times only. */
  withTexts: boolean;
}

/** One incident of the organisation; another organisation's is "not found" (it is not theirs to know of). */
export async function readIncident(
  sql: Sql,
  keys: IncidentKeys,
  organisationId: string,
  id: string,
  options: ReadOptions,
): Promise<Incident> {
  const row = await selectIncidentRow(sql, organisationId, id, false);
  return incidentFromRow(row, keys, options.withTexts);
}

/** The row itself, locked for a change when `forUpdate`. */
export async function selectIncidentRow(
  sql: Sql,
  organisationId: string,
  id: string,
  forUpdate: boolean,
): Promise<IncidentRow> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw notFound('incident');
  const { rows } = await sql.query<IncidentRow>(
    `select * from incident where id = $1::uuid and organisation_id = $2::uuid${forUpdate ? ' for update' : ''}`,
    [id, organisationId],
  );
  if (!rows[0]) throw notFound('incident');
  return rows[0];
}

export interface ListFilter extends ReadOptions {
  /** Only drills (true), only real incidents (false), or both. */
  drill?: boolean;
  /** Only incidents whose awareness falls in this calendar year (UTC). */
  year?: number;
  /** Only those whose authority clock is still open (not told, no reason recorded, not closed). */
  clockOpen?: boolean;
}

/** The organisation's incidents, most recent awareness first. */
export async function listIncidents(
  sql: Sql,
  keys: IncidentKeys,
  organisationId: string,
  filter: ListFilter,
): Promise<Incident[]> {
  const where = ['organisation_id = $1::uuid'];
  const params: SqlValue[] = [organisationId];
  if (filter.drill !== undefined) {
    params.push(filter.drill);
    where.push(`drill = $${params.length}`);
  }
  if (filter.year !== undefined) {
    params.push(`${filter.year}-01-01T00:00:00Z`, `${filter.year + 1}-01-01T00:00:00Z`);
    where.push(
      `aware_at >= $${params.length - 1}::timestamptz and aware_at < $${params.length}::timestamptz`,
    );
  }
  if (filter.clockOpen === true) {
    where.push(`notified_at is null and no_notification_reason is null and state <> 'closed'`);
  }
  const { rows } = await sql.query<IncidentRow>(
    `select * from incident where ${where.join(' and ')} order by aware_at desc, reference desc`,
    params,
  );
  return rows.map((row) => incidentFromRow(row, keys, filter.withTexts));
}

/**
 * Records when the people affected were first computed (BRE-3; a drill's step). Called by the affected-people
 * computation in its own transaction; later computations keep the first time. Returns the time kept.
 */
export async function markAffectedComputed(
  sql: Sql,
  organisationId: string,
  incidentId: string,
  at: Date,
): Promise<Date> {
  const { rows } = await sql.query<{ affected_computed_at: Date }>(
    `update incident set affected_computed_at = coalesce(affected_computed_at, $3::timestamptz)
      where id = $1::uuid and organisation_id = $2::uuid returning affected_computed_at`,
    [incidentId, organisationId, at.toISOString()],
  );
  if (!rows[0]) throw notFound('incident');
  return date(rows[0].affected_computed_at) as Date;
}

/** An incident's id from its reference (INC-2026-001) within the organisation (the CLI names incidents so). */
export async function incidentIdByReference(
  sql: Sql,
  organisationId: string,
  reference: string,
): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    'select id from incident where organisation_id = $1::uuid and reference = $2',
    [organisationId, reference.toUpperCase()],
  );
  if (!rows[0]) throw notFound('incident');
  return rows[0].id;
}
