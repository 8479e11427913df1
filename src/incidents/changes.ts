import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { clockOf, isLate } from '../domain/incidents/clock.ts';
import {
  checkAwareAt,
  checkDetails,
  checkNoNotificationReason,
  checkNotification,
  type IncidentDetails,
} from '../domain/incidents/input.ts';
import { draftNotification } from '../domain/incidents/notification-text.ts';
import { canMove, INCIDENT_STATES, type IncidentState, TRANSITIONS } from '../domain/incidents/register.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql, SqlValue } from '../store/database.ts';
import {
  type Incident,
  type IncidentKeys,
  type IncidentRow,
  incidentFromRow,
  readIncident,
  sealIncidentText,
  selectIncidentRow,
  TEXT_COLUMNS,
} from './register.ts';

/**
 * Changes to the incident register (BRE-1, BRE-2): open, edit, move between states, record the authority's
 * notification or why there is none. Each change is checked whole before anything is written, runs in one
 * transaction with its ledger event (ids and codes only), and names the version it saw.
 */

export interface IncidentActor {
  account: string;
  organisation: string;
  audit: AuditActor;
  /** The HTTP request's id, so a refusal's deny event names the request refused. */
  requestId?: string;
}

const conflict = (code: string, message: string) => new HavenError(code, message, { status: 409 });

/** A 422 refusal that names the one field at fault, under the same stable code. */
const fieldRefused = (code: string, message: string, path: string, fieldMessage: string) =>
  new HavenError(code, message, { status: 422, fields: [{ path, code, message: fieldMessage }] });

/** The ledger event of a change: the incident's id, an action, and a reason code; `drill.` marks a drill's. */
async function ledger(
  tx: Sql,
  actor: IncidentActor,
  row: { id: string; drill: boolean },
  action: string,
  reason: string,
  now: Date,
) {
  await recordAuditEvent(tx, {
    time: now,
    actor: actor.audit,
    action: `incident.${action}`,
    subject: row.id,
    subjectType: 'incident',
    decision: 'allow',
    reason: row.drill ? `drill.${reason}` : reason,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Refusals already written as deny events here, so the routes' own refusal hook does not write them twice. */
const ledgeredRefusals = new WeakSet<object>();
export const incidentRefusalLedgered = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && ledgeredRefusals.has(error);

/**
 * AUD-1: a refused change (bad input, an illegal move, a stale version, another organisation's incident …) is a
 * deny event with its stable code, about the incident — or the organisation while there is none — written after
 * the change's transaction rolled back, so the ledger has the refusal and the register nothing of it.
 */
async function refusalsLedgered<T>(
  db: Database,
  actor: IncidentActor,
  action: string,
  incidentId: string | undefined,
  now: Date,
  change: () => Promise<T>,
): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof HavenError && error.status < 500 && !ledgeredRefusals.has(error)) {
      const about =
        incidentId !== undefined && UUID.test(incidentId)
          ? { subject: incidentId, subjectType: 'incident' as const }
          : { subject: actor.organisation, subjectType: 'organisation' as const };
      await recordAuditEvent(db, {
        time: now,
        actor: actor.audit,
        action: `incident.${action}`,
        ...about,
        decision: 'deny',
        reason: error.code,
        ...(actor.requestId ? { requestId: actor.requestId } : {}),
      });
      ledgeredRefusals.add(error);
    }
    throw error;
  }
}

/** The source and window must name things of this organisation (a partner or account of another is unknown). */
async function checkSourceKnown(tx: Sql, organisationId: string, details: IncidentDetails): Promise<void> {
  const source = details.source;
  if (!source) return;
  const unknown = () =>
    new HavenError(
      'incident-source-unknown',
      'The compromised account or partner is not one of your organisation.',
      {
        status: 422,
        fields: [
          { path: 'source', code: 'incident-source-unknown', message: 'Not one of your organisation.' },
        ],
      },
    );
  if (source.accountId) {
    const { rows } = await tx.query(
      'select 1 from staff_account where id = $1::uuid and organisation_id = $2::uuid',
      [source.accountId, organisationId],
    );
    if (!rows[0]) throw unknown();
  }
  if (source.partnerId) {
    const { rows } = await tx.query(
      'select 1 from partner where id = $1::uuid and organisation_id = $2::uuid',
      [source.partnerId, organisationId],
    );
    if (!rows[0]) throw unknown();
  }
  if (source.keyId) {
    const { rows } = await tx.query('select 1 from partner_key where partner_id = $1::uuid and kid = $2', [
      source.partnerId as string,
      source.keyId,
    ]);
    if (!rows[0]) throw unknown();
  }
}

/** Column assignments for the details given (only those given). */
function assignments(keys: IncidentKeys, id: string, details: IncidentDetails): [string, SqlValue][] {
  const set: [string, SqlValue][] = [];
  if (details.awareAt) set.push(['aware_at', details.awareAt.toISOString()]);
  if (details.nature) set.push(['nature', details.nature]);
  if (details.dataCategories) set.push(['data_categories', details.dataCategories]);
  if (details.peopleCategories) set.push(['people_categories', details.peopleCategories]);
  if (details.peopleApprox !== undefined) set.push(['people_approx', details.peopleApprox]);
  if (details.recordsApprox !== undefined) set.push(['records_approx', details.recordsApprox]);
  if (details.highRisk !== undefined) set.push(['high_risk', details.highRisk]);
  for (const [field, text] of Object.entries(details.texts ?? {})) {
    const column = TEXT_COLUMNS[field as keyof typeof TEXT_COLUMNS];
    set.push([column, text === null || text === undefined ? null : sealIncidentText(keys, id, field, text)]);
  }
  if (details.source !== undefined) {
    const s = details.source;
    set.push(
      ['source_kind', s?.kind ?? null],
      ['source_account', s?.accountId ?? null],
      ['source_partner', s?.partnerId ?? null],
      ['source_key', s?.keyId ?? null],
      ['source_device', s?.deviceId ?? null],
    );
  }
  if (details.window) {
    set.push(
      ['window_from', details.window.from?.toISOString() ?? null],
      ['window_to', details.window.to?.toISOString() ?? null],
    );
  }
  return set;
}

const CASTS: Record<string, string> = {
  aware_at: '::timestamptz',
  window_from: '::timestamptz',
  window_to: '::timestamptz',
  source_account: '::uuid',
  source_partner: '::uuid',
  nature: '::text[]',
  data_categories: '::text[]',
  people_categories: '::text[]',
  confirmed_at: '::timestamptz',
  contained_at: '::timestamptz',
  closed_at: '::timestamptz',
  notified_at: '::timestamptz',
  notified_by: '::uuid',
};

/** Opens an incident (state suspected), or a drill of one: the same register, clock and texts (BRE-1). */
async function openIncidentChecked(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  body: Record<string, unknown>,
  now: Date,
): Promise<Incident> {
  const drill = body.drill === true;
  if (body.drill !== undefined && typeof body.drill !== 'boolean') {
    throw new HavenError('incident-drill-invalid', 'Drill is true or false.', { status: 422 });
  }
  const awareAt = checkAwareAt(body.awareAt, now);
  const { drill: _drill, ...rest } = body;
  const details = checkDetails(rest, now);
  if (!details.nature) {
    throw new HavenError(
      'incident-nature-invalid',
      'Say what was broken: confidentiality, integrity or availability.',
      {
        status: 422,
        fields: [{ path: 'nature', code: 'incident-nature-invalid', message: 'Required.' }],
      },
    );
  }
  return db.transaction(async (tx) => {
    await checkSourceKnown(tx, actor.organisation, details);
    // One opening at a time per organisation, so the year's numbering has no gaps or duplicates.
    await tx.query('select id from organisation where id = $1::uuid for update', [actor.organisation]);
    const year = awareAt.getUTCFullYear();
    const prefix = `${drill ? 'DRILL' : 'INC'}-${year}-`;
    const { rows } = await tx.query<{ n: number }>(
      `select coalesce(max(substring(reference from '[0-9]+$')::integer), 0) + 1 as n
         from incident where organisation_id = $1::uuid and reference like $2`,
      [actor.organisation, `${prefix}%`],
    );
    const reference = `${prefix}${String(rows[0]!.n).padStart(3, '0')}`;
    const id = randomUUID();
    const set = assignments(keys, id, { ...details, awareAt });
    const columns = [
      'id',
      'organisation_id',
      'reference',
      'drill',
      'recorded_at',
      'recorded_by',
      ...set.map(([c]) => c),
    ];
    const values: SqlValue[] = [
      id,
      actor.organisation,
      reference,
      drill,
      now.toISOString(),
      actor.account,
      ...set.map(([, v]) => v),
    ];
    const casts = [
      '::uuid',
      '::uuid',
      '',
      '',
      '::timestamptz',
      '::uuid',
      ...set.map(([c]) => CASTS[c] ?? ''),
    ];
    await tx.query(
      `insert into incident (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}${casts[i]}`).join(', ')})`,
      values,
    );
    await ledger(tx, actor, { id, drill }, 'open', 'ok', now);
    return readIncident(tx, keys, actor.organisation, id, { withTexts: true });
  });
}

/** A change to an existing incident: the checked form below, and as callers see it (refusals ledgered). */
export type IncidentChange<Body> = (
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  body: Body,
  now: Date,
) => Promise<Incident>;

function checkVersion(row: IncidentRow, version: unknown): void {
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new HavenError('incident-version-required', 'Send the version of the incident you changed.', {
      status: 422,
    });
  }
  if (version !== row.version) {
    throw conflict(
      'incident-version-stale',
      'Someone changed this incident since you loaded it: load it again.',
    );
  }
}

function checkNotClosed(row: IncidentRow): void {
  if (row.state === 'closed') throw conflict('incident-closed', 'This incident is closed: open a new one.');
}

function checkNotNotified(row: IncidentRow): void {
  if (row.notified_at !== null)
    throw conflict('incident-already-notified', 'The authority’s notification is recorded already.');
}

/**
 * One change to an incident in one transaction: its row locked, the version the caller saw checked, the change
 * written (with its ledger event), and the incident read back as the register now has it.
 */
function changeIncident(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  version: unknown,
  change: (tx: Sql, row: IncidentRow) => Promise<void>,
): Promise<Incident> {
  return db.transaction(async (tx) => {
    const row = await selectIncidentRow(tx, actor.organisation, id, true);
    checkVersion(row, version);
    await change(tx, row);
    return readIncident(tx, keys, actor.organisation, id, { withTexts: true });
  });
}

async function writeRow(tx: Sql, row: IncidentRow, set: [string, SqlValue][]): Promise<void> {
  await tx.query(
    `update incident set ${set.map(([c], i) => `${c} = $${i + 2}${CASTS[c] ?? ''}`).join(', ')}, version = version + 1
      where id = $1::uuid`,
    [row.id, ...set.map(([, v]) => v)],
  );
}

/** Edits the details of an open incident (BRE-1): any subset of them; a ledger event names no value. */
async function updateIncidentChecked(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  body: Record<string, unknown>,
  now: Date,
): Promise<Incident> {
  const { version, ...rest } = body;
  const details = checkDetails(rest, now);
  return changeIncident(db, keys, actor, id, version, async (tx, row) => {
    checkNotClosed(row);
    if (details.awareAt) {
      if (details.awareAt.getTime() > new Date(row.recorded_at).getTime()) {
        throw fieldRefused(
          'incident-awareness-after-recording',
          'Awareness cannot be after the incident was recorded.',
          'awareAt',
          'Before the recording time.',
        );
      }
      if (row.notified_at !== null && new Date(row.notified_at).getTime() < details.awareAt.getTime()) {
        throw fieldRefused(
          'incident-notified-before-awareness',
          'The authority was told before that time.',
          'awareAt',
          'After the notification.',
        );
      }
      if (
        row.notified_at !== null &&
        row.late_reason === null &&
        isLate(details.awareAt, new Date(row.notified_at))
      ) {
        throw fieldRefused(
          'incident-late-reason-required',
          'With this awareness the notification was late, and it has no reason.',
          'awareAt',
          'Makes the notification late.',
        );
      }
    }
    await checkSourceKnown(tx, actor.organisation, details);
    const set = assignments(keys, id, details);
    if (set.length === 0)
      throw new HavenError('incident-nothing-to-change', 'Send at least one detail to change.', {
        status: 422,
      });
    await writeRow(tx, row, set);
    // A new awareness time moves the clock: the ledger says so apart from other edits.
    const movesClock =
      details.awareAt !== undefined && details.awareAt.getTime() !== new Date(row.aware_at).getTime();
    await ledger(tx, actor, row, 'update', movesClock ? 'aware-at-changed' : 'ok', now);
  });
}

const STEP_COLUMN: Partial<Record<IncidentState, string>> = {
  confirmed: 'confirmed_at',
  contained: 'contained_at',
  closed: 'closed_at',
};

/**
 * Moves an incident to another state (TRANSITIONS). Closing needs the measures taken, and the authority told or
 * the reason why not (GDPR 33(1), 33(5)). A step's first time is kept (the drills' figures measure it).
 */
async function moveIncidentChecked(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  body: { to?: unknown; version?: unknown },
  now: Date,
): Promise<Incident> {
  const to = body.to as IncidentState;
  if (!INCIDENT_STATES.includes(to)) {
    throw new HavenError('incident-state-invalid', `One of: ${INCIDENT_STATES.join(', ')}.`, { status: 422 });
  }
  return changeIncident(db, keys, actor, id, body.version, async (tx, row) => {
    if (!canMove(row.state, to)) {
      const next = TRANSITIONS[row.state];
      throw conflict(
        'incident-transition-invalid',
        `From ${row.state} an incident goes to ${next.length === 0 ? 'no other state' : next.join(' or ')}.`,
      );
    }
    if (to === 'closed') {
      if (row.measures_taken_sealed === null) {
        throw fieldRefused(
          'incident-measures-required',
          'Record the measures taken before closing the incident.',
          'texts.measuresTaken',
          'Required to close.',
        );
      }
      if (row.notified_at === null && row.no_notification_reason === null) {
        throw conflict(
          'incident-notification-open',
          'Record the notification to the authority, or why it is not told, before closing the incident.',
        );
      }
    }
    const set: [string, SqlValue][] = [['state', to]];
    const column = STEP_COLUMN[to];
    if (column && row[column as keyof IncidentRow] === null) set.push([column, now.toISOString()]);
    await writeRow(tx, row, set);
    await ledger(tx, actor, row, 'state', `${row.state}-to-${to}`, now);
  });
}

/**
 * Records the notification to the supervisory authority (BRE-2): when, to whom, what was said; after 72 hours
 * only with a reason. Haven does not send it (the DPO uses the authority's channel); a drill's is recorded as a
 * drill, and nothing goes anywhere.
 */
async function notifyAuthorityChecked(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  body: Record<string, unknown>,
  now: Date,
): Promise<Incident> {
  return changeIncident(db, keys, actor, id, body.version, async (tx, row) => {
    checkNotClosed(row);
    checkNotNotified(row);
    if (row.no_notification_reason !== null) {
      throw conflict('incident-notification-not-required', 'You recorded that the authority is not told.');
    }
    const awareAt = new Date(row.aware_at);
    const input = checkNotification(body, awareAt, now, (at) => isLate(awareAt, at));
    await writeRow(tx, row, [
      ['notified_at', input.at.toISOString()],
      ['notified_to', input.to],
      ['notification_sealed', sealIncidentText(keys, id, 'notification', input.text)],
      ['notified_by', actor.account],
      ['late_reason', input.lateReason],
      [
        'late_note_sealed',
        input.lateNote === null ? null : sealIncidentText(keys, id, 'lateNote', input.lateNote),
      ],
    ]);
    await ledger(tx, actor, row, 'notify', input.lateReason ? `late.${input.lateReason}` : 'in-time', now);
  });
}

/** Records why the authority is not told (GDPR 33(1)): the clock stops, the reason stays in the register. */
async function recordNoNotificationChecked(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  id: string,
  body: { reason?: unknown; version?: unknown },
  now: Date,
): Promise<Incident> {
  const reason = checkNoNotificationReason(body.reason);
  return changeIncident(db, keys, actor, id, body.version, async (tx, row) => {
    checkNotClosed(row);
    checkNotNotified(row);
    await writeRow(tx, row, [['no_notification_reason', reason]]);
    await ledger(tx, actor, row, 'no-notification', reason, now);
  });
}

/** The generated notification text for the DPO to edit (BRE-2, GDPR 33(3)). */
export async function notificationDraft(
  sql: Sql,
  keys: IncidentKeys,
  organisationId: string,
  id: string,
  now: Date,
): Promise<string> {
  const row = await selectIncidentRow(sql, organisationId, id, false);
  const incident = incidentFromRow(row, keys, true);
  const { rows } = await sql.query<{ name: string }>('select name from organisation where id = $1::uuid', [
    organisationId,
  ]);
  return draftNotification({
    ...incident,
    organisationName: rows[0]?.name ?? '',
    texts: incident.texts!,
    clock: clockOf(
      {
        awareAt: incident.awareAt,
        notifiedAt: incident.notification?.at ?? null,
        noNotificationReason: incident.noNotificationReason,
      },
      now,
    ),
  });
}

// The changes as HTTP and the CLI call them: each checked change above, its refusals ledgered (AUD-1).

export function openIncident(
  db: Database,
  keys: IncidentKeys,
  actor: IncidentActor,
  body: Record<string, unknown>,
  now: Date,
): Promise<Incident> {
  return refusalsLedgered(db, actor, 'open', undefined, now, () =>
    openIncidentChecked(db, keys, actor, body, now),
  );
}

/** The change with its refusals ledgered (AUD-1) under `incident.<action>`, about the incident named. */
function ledgeringRefusals<Body>(action: string, checked: IncidentChange<Body>): IncidentChange<Body> {
  return (db, keys, actor, id, body, now) =>
    refusalsLedgered(db, actor, action, id, now, () => checked(db, keys, actor, id, body, now));
}

export const updateIncident = ledgeringRefusals('update', updateIncidentChecked);
export const moveIncident = ledgeringRefusals('state', moveIncidentChecked);
export const notifyAuthority = ledgeringRefusals('notify', notifyAuthorityChecked);
export const recordNoNotification = ledgeringRefusals('no-notification', recordNoNotificationChecked);
