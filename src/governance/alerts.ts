import { HavenError } from '../domain/errors.ts';
import type { AuditActor, AuditEvent } from '../ledger/events.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * A DPO alert (ACC-8, AUD-6): what happened and to which ids, never a personal value. Break-glass use and partner
 * bursts raise them directly; the anomaly rules (src/monitoring) raise `anomaly.<rule>` alerts with the ledger
 * entries that show it and an explanation as a code with numbers, which the web app puts into words.
 */
export interface Alert {
  id: string;
  kind: string;
  subject: string | null;
  raisedBy: string | null;
  raisedAt: string;
  /** Ledger entries (their numbers) that show what the rule saw; empty for alerts raised otherwise. */
  evidence: number[];
  explanation: { code: string; params: Record<string, number> } | null;
  /** The staff account was suspended when the alert was raised (AUD-6, where the DPO configured it). */
  suspended: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  outcome: AlertOutcome | null;
}

/** What the DPO found when looking into an alert. */
export const ALERT_OUTCOMES = ['misuse', 'justified', 'false-alarm'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

interface AlertRow {
  id: string;
  kind: string;
  subject: string | null;
  raised_by: string | null;
  raised_at: Date;
  evidence: (string | number)[] | null;
  explanation: Alert['explanation'];
  suspended: boolean;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  outcome: AlertOutcome | null;
}

const COLUMNS =
  'id, kind, subject, raised_by, raised_at, evidence, explanation, suspended, acknowledged_at, acknowledged_by, outcome';

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    raisedBy: r.raised_by,
    raisedAt: r.raised_at.toISOString(),
    evidence: (r.evidence ?? []).map(Number),
    explanation: r.explanation,
    suspended: r.suspended,
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by,
    outcome: r.outcome,
  };
}

/** The organisation's alerts not yet acknowledged, oldest first. */
export async function openAlerts(sql: Sql, organisationId: string): Promise<Alert[]> {
  const { rows } = await sql.query<AlertRow>(
    `select ${COLUMNS} from alert
      where organisation_id = $1::uuid and acknowledged_at is null order by raised_at`,
    [organisationId],
  );
  return rows.map(toAlert);
}

/** The organisation's alerts acknowledged lately (the newest `limit`), for the DPO's record of outcomes. */
export async function acknowledgedAlerts(sql: Sql, organisationId: string, limit = 50): Promise<Alert[]> {
  const { rows } = await sql.query<AlertRow>(
    `select ${COLUMNS} from alert
      where organisation_id = $1::uuid and acknowledged_at is not null order by acknowledged_at desc limit $2`,
    [organisationId, limit],
  );
  return rows.map(toAlert);
}

const notFound = () =>
  new HavenError('alert-not-found', 'No alert with that id in your organisation.', { status: 404 });

export async function getAlert(sql: Sql, organisationId: string, id: string): Promise<Alert> {
  const { rows } = await sql.query<AlertRow>(
    `select ${COLUMNS} from alert where id = $1::uuid and organisation_id = $2::uuid`,
    [id, organisationId],
  );
  if (!rows[0]) throw notFound();
  return toAlert(rows[0]);
}

/** One ledger entry of an alert's evidence, as the DPO sees it: what was done, when, how decided — no person. */
export interface EvidenceEntry {
  entry: number;
  time: string;
  action: string;
  purpose: string | null;
  fieldGroups: string[];
  decision: 'allow' | 'deny';
  reason: string;
}

/** The ledger entries an alert points at, read from the ledger itself. */
export async function alertEvidence(sql: Sql, alert: Alert): Promise<EvidenceEntry[]> {
  if (alert.evidence.length === 0) return [];
  const { rows } = await sql.query<{ seq: string; body: Buffer }>(
    'select seq, body from audit_event where seq = any($1::bigint[]) order by seq',
    [alert.evidence],
  );
  return rows.map((r) => {
    const e = JSON.parse(r.body.toString('utf8')) as AuditEvent;
    return {
      entry: Number(r.seq),
      time: e.time,
      action: e.action,
      purpose: e.purpose ?? null,
      fieldGroups: e.fieldGroups ?? [],
      decision: e.decision,
      reason: e.reason,
    };
  });
}

/**
 * The DPO acknowledges an alert with what they found (AUD-6): misuse, justified, or a false alarm. Once only;
 * ledgered. Another organisation's alert is as invisible as a missing one.
 */
export async function acknowledgeAlert(
  db: Database,
  organisationId: string,
  id: string,
  outcome: string,
  actor: AuditActor,
): Promise<Alert> {
  if (!(ALERT_OUTCOMES as readonly string[]).includes(outcome))
    throw new HavenError('alert-outcome-invalid', `The outcome is one of ${ALERT_OUTCOMES.join(', ')}.`, {
      status: 422,
      fields: [{ path: 'outcome', code: 'unknown-outcome', message: 'Choose what you found.' }],
    });
  return db.transaction(async (tx) => {
    const alert = await getAlert(tx, organisationId, id);
    const { rowCount } = await tx.query(
      `update alert set acknowledged_at = now(), acknowledged_by = $2::uuid, outcome = $3
        where id = $1::uuid and acknowledged_at is null`,
      [id, actor.account ?? null, outcome],
    );
    if (rowCount === 0 || alert.acknowledgedAt)
      throw new HavenError('alert-already-acknowledged', 'This alert was already acknowledged.', {
        status: 409,
      });
    await recordAuditEvent(tx, {
      actor,
      action: 'alert.acknowledge',
      subject: id,
      decision: 'allow',
      reason: outcome,
    });
    return getAlert(tx, organisationId, id);
  });
}
