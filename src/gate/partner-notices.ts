import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { type AuditActor, recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import type { PersonChange } from './change-outbox.ts';
import type { GateContext } from './context.ts';
import { RIGHTS } from './rights-purpose.ts';

/**
 * Notices to partners (PUR-4, RIG-4, RET-2; issue 17 item 4): each change of the outbox becomes one notice per
 * partner that received data about the person under an agreement the change concerns. The notice names the person
 * only by the partner's pseudonym for them, says what changed and what the partner must do — never a value, never
 * Haven's id. Delivering it (HTTP, signing, retries) is src/sharing/pushes.ts; this module is the part that reads
 * the protected tables, so it lives in the gate.
 */

/** What the partner must do about each kind of change. */
export const NOTICE_ACTIONS = {
  'consent-withdrawn': 'stop-using',
  objection: 'stop-using',
  correction: 'request-again',
  erasure: 'erase',
  restriction: 'restrict',
  'restriction-lifted': 'may-resume',
} as const satisfies Record<PersonChange, string>;
export type NoticeAction = (typeof NOTICE_ACTIONS)[PersonChange];

export type NoticeDeliveryState = 'pending' | 'delivered' | 'failed' | 'gone' | 'no-webhook';

/** What the composition root gives the gate so a change is fanned out, and its deliveries queued, as it commits. */
export interface NoticeHooks {
  /** HAVEN_NOTICE_ACK_HOURS: how long a partner has to acknowledge a notice. */
  ackHours: number;
  /** Adds a delivery job for each notice, in the transaction that made them. */
  deliver(tx: Sql, noticeIds: readonly string[]): Promise<void>;
}

/** A notice as the partner receives it (webhook body's `data`, and the pull fallback). */
export interface NoticeData {
  notice: string;
  /** The partner's pseudonym for the person (null once an erasure notice is settled). */
  person: string | null;
  change: PersonChange;
  action: NoticeAction;
  /** The purpose consent was withdrawn for or objected to. */
  purpose: string | null;
  /** The field groups a correction changed: request the record again for them. */
  fieldGroups: string[];
  /** The agreements the partner received the person's data under. */
  agreements: string[];
  changedAt: string;
  acknowledgeBy: string;
  acknowledgedAt: string | null;
}

interface NoticeRow {
  id: string;
  organisation_id: string;
  partner_id: string;
  person_id: string;
  pseudonym: string | null;
  change: PersonChange;
  purpose: string | null;
  field_groups: string[];
  agreements: string[];
  created_at: Date;
  ack_due_at: Date;
  delivery: NoticeDeliveryState;
  attempts: number;
  last_attempt_at: Date | null;
  last_error: string | null;
  delivered_at: Date | null;
  acknowledged_at: Date | null;
  settled_at: Date | null;
  settled_reason: string | null;
}

const COLUMNS = `id, organisation_id, partner_id, person_id, pseudonym, change, purpose, field_groups, agreements,
  created_at, ack_due_at, delivery, attempts, last_attempt_at, last_error, delivered_at, acknowledged_at, settled_at,
  settled_reason`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOUR_MS = 3_600_000;

const dataOf = (row: NoticeRow): NoticeData => ({
  notice: row.id,
  person: row.pseudonym,
  change: row.change,
  action: NOTICE_ACTIONS[row.change],
  purpose: row.purpose,
  fieldGroups: row.field_groups,
  agreements: row.agreements,
  changedAt: row.created_at.toISOString(),
  acknowledgeBy: row.ack_due_at.toISOString(),
  acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
});

export const noticeNotFound = () =>
  new HavenError('notice-not-found', 'There is no notice with that id for you.', { status: 404 });

/** A change names a purpose (withdrawal, objection) or field groups (correction); the others reach every holder. */
const byPurpose = (change: PersonChange) => change === 'consent-withdrawn' || change === 'objection';

/**
 * Turns one change of the outbox into notices, in the caller's transaction: one per partner that received data
 * about the person under an agreement the change concerns (a withdrawal: agreements for that purpose; a correction:
 * releases holding a corrected field group; erasure and restriction: all). Idempotent — a notice per change and
 * partner, and the outbox row is marked fanned out (`delivered_at`). Returns the notices it made.
 */
export async function fanOutChange(tx: Sql, seq: string, hooks: NoticeHooks, now: Date): Promise<string[]> {
  const { rows: changes } = await tx.query<{
    person_id: string;
    organisation_id: string;
    change: PersonChange;
    purpose: string | null;
    field_groups: string[];
  }>(
    `select person_id, organisation_id, change, purpose, field_groups from change_outbox
      where seq = $1::bigint and delivered_at is null for update`,
    [seq],
  );
  const change = changes[0];
  if (!change) return [];
  const purpose = byPurpose(change.change) ? change.purpose : null;
  // A correction, or an erasure of single field groups (RET-2): only partners that received one of them hear of it.
  const groups = change.change === 'correction' || change.change === 'erasure' ? change.field_groups : [];
  const { rows: holders } = await tx.query<{ partner_id: string; pseudonym: string; agreements: string[] }>(
    `select r.partner_id, pp.pseudonym, array_agg(distinct r.agreement_id) as agreements
       from release_person rp
       join release r on r.id = rp.release_id
       join agreement a on a.id = r.agreement_id
       join partner_pseudonym pp on pp.partner_id = r.partner_id and pp.person_id = rp.person_id
      where rp.person_id = $1 and r.organisation_id = $2
        and ($3::text is null or $3 = any(a.purposes))
        and (cardinality($4::text[]) = 0 or r.field_groups && $4::text[])
      group by r.partner_id, pp.pseudonym
      order by r.partner_id`,
    [change.person_id, change.organisation_id, purpose, groups],
  );
  const made: string[] = [];
  const due = new Date(now.getTime() + hooks.ackHours * HOUR_MS);
  for (const holder of holders) {
    const { rows } = await tx.query<{ id: string }>(
      `insert into partner_notice (id, outbox_seq, organisation_id, partner_id, person_id, pseudonym, change, purpose,
         field_groups, agreements, created_at, ack_due_at)
       values ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10::uuid[], $11, $12)
       on conflict (outbox_seq, partner_id) do nothing returning id`,
      [
        randomUUID(),
        seq,
        change.organisation_id,
        holder.partner_id,
        change.person_id,
        holder.pseudonym,
        change.change,
        change.purpose,
        change.field_groups,
        holder.agreements,
        now,
        due,
      ],
    );
    if (rows[0]) made.push(rows[0].id);
  }
  await tx.query('update change_outbox set delivered_at = $2 where seq = $1::bigint', [seq, now]);
  if (made.length > 0) await hooks.deliver(tx, made);
  return made;
}

/**
 * The safety net behind the fan-out at commit (run every minute): changes not yet fanned out (written by an older
 * build, or while the hooks were off) and notices still to deliver whose job may be gone. Queues are keyed, so
 * re-adding a delivery that is still queued does nothing.
 */
export async function sweepNotices(
  ctx: GateContext,
  hooks: NoticeHooks,
  limit = 500,
): Promise<{ changes: number; notices: number; requeued: number }> {
  const { rows } = await ctx.db.query<{ seq: string }>(
    'select seq::text as seq from change_outbox where delivered_at is null order by seq limit $1',
    [limit],
  );
  let notices = 0;
  for (const { seq } of rows) {
    notices += (await ctx.db.transaction((tx) => fanOutChange(tx, seq, hooks, ctx.now()))).length;
  }
  const { rows: pending } = await ctx.db.query<{ id: string }>(
    `select id from partner_notice
      where delivery = 'pending' and acknowledged_at is null and settled_at is null
      order by created_at limit $1`,
    [limit],
  );
  if (pending.length > 0) {
    await ctx.db.transaction((tx) =>
      hooks.deliver(
        tx,
        pending.map((p) => p.id),
      ),
    );
  }
  return { changes: rows.length, notices, requeued: pending.length };
}

/** What the sender needs for one delivery: where, and the body's data. No person id. */
export interface NoticeToDeliver {
  id: string;
  organisationId: string;
  partnerId: string;
  /** False once delivered, given up on, acknowledged or settled: nothing to send. */
  open: boolean;
  attempts: number;
  data: NoticeData;
}

export async function noticeToDeliver(ctx: GateContext, id: string): Promise<NoticeToDeliver | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await ctx.db.query<NoticeRow>(`select ${COLUMNS} from partner_notice where id = $1`, [id]);
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    partnerId: row.partner_id,
    open: row.delivery === 'pending' && !row.acknowledged_at && !row.settled_at,
    attempts: row.attempts,
    data: dataOf(row),
  };
}

/** How one delivery attempt ended: delivered, to be retried, or given up on (with a stable code). */
export type DeliveryOutcome =
  | { result: 'delivered' }
  | { result: 'retry'; code: string }
  | { result: 'failed' | 'gone' | 'no-webhook'; code: string };

const systemActor = (row: { organisation_id: string; partner_id: string }): AuditActor => ({
  kind: 'system',
  organisation: row.organisation_id,
  partner: row.partner_id,
});

/**
 * Records an attempt. Delivered and given up are ledger events about the person (AUD-5: their history shows that
 * the partner was told, or could not be); retries are counted on the notice only.
 */
export async function recordDelivery(ctx: GateContext, id: string, outcome: DeliveryOutcome): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<NoticeRow>(
      `select ${COLUMNS} from partner_notice where id = $1 for update`,
      [id],
    );
    const row = rows[0];
    // Already settled one way: a second run of the same job (at least once) changes nothing.
    if (row?.delivery !== 'pending') return;
    const attempted = outcome.result === 'no-webhook' ? 0 : 1;
    const delivery = outcome.result === 'retry' ? 'pending' : outcome.result;
    await tx.query(
      `update partner_notice set attempts = attempts + $2, last_attempt_at = $3, last_error = $4, delivery = $5,
         delivered_at = $6
        where id = $1`,
      [
        id,
        attempted,
        now,
        outcome.result === 'delivered' ? null : outcome.code,
        delivery,
        outcome.result === 'delivered' ? now : null,
      ],
    );
    if (outcome.result === 'retry') return;
    await recordAuditEvents(tx, [
      {
        actor: systemActor(row),
        action: outcome.result === 'delivered' ? 'partner.notice-delivered' : 'partner.notice-undelivered',
        purpose: row.purpose ?? RIGHTS.name,
        subject: row.person_id,
        subjectType: 'person',
        decision: outcome.result === 'delivered' ? 'allow' : 'deny',
        reason: outcome.result === 'delivered' ? row.change : outcome.code,
      },
    ]);
  });
}

/** The partner of a request, as its token says (src/sharing/partner-tokens.ts). */
export interface NoticePartner {
  partnerId: string;
  organisationId: string;
}

/**
 * The partner acknowledges a notice: it has acted on it. Only its own notices (another's is "not found", so ids
 * cannot be probed); a second acknowledgement answers the same. An erasure notice, settled, loses the pseudonym:
 * the partner has nothing left to find by it.
 */
export async function acknowledgeNotice(
  ctx: GateContext,
  partner: NoticePartner,
  id: string,
): Promise<{ notice: string; acknowledgedAt: string }> {
  if (!UUID.test(id)) throw noticeNotFound();
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<NoticeRow>(
      `select ${COLUMNS} from partner_notice where id = $1 and partner_id = $2 and organisation_id = $3 for update`,
      [id, partner.partnerId, partner.organisationId],
    );
    const row = rows[0];
    if (!row) throw noticeNotFound();
    if (row.acknowledged_at) return { notice: id, acknowledgedAt: row.acknowledged_at.toISOString() };
    await tx.query(
      `update partner_notice set acknowledged_at = $2,
         pseudonym = case when change = 'erasure' then null else pseudonym end
        where id = $1`,
      [id, now],
    );
    await recordAuditEvents(tx, [
      {
        actor: { kind: 'partner', organisation: row.organisation_id, partner: row.partner_id },
        action: 'partner.notice-acknowledged',
        purpose: row.purpose ?? RIGHTS.name,
        subject: row.person_id,
        subjectType: 'person',
        decision: 'allow',
        reason: row.change,
      },
    ]);
    return { notice: id, acknowledgedAt: now.toISOString() };
  });
}

/** The pull fallback: a partner's notices not yet acknowledged (or its latest ones), oldest first. */
export async function partnerNoticeList(
  ctx: GateContext,
  partner: NoticePartner,
  options: { pending: boolean; limit?: number },
): Promise<NoticeData[]> {
  const { rows } = await ctx.db.query<NoticeRow>(
    `select ${COLUMNS} from (
       select ${COLUMNS} from partner_notice
        where partner_id = $1 and organisation_id = $2
          and (not $3 or (acknowledged_at is null and settled_at is null))
        order by created_at desc, id limit $4) latest
      order by created_at, id`,
    [partner.partnerId, partner.organisationId, options.pending, options.limit ?? 200],
  );
  return rows.map(dataOf);
}

/** A notice as staff see it: kind, times and delivery — no pseudonym, no person. */
export interface PushView {
  id: string;
  change: PersonChange;
  action: NoticeAction;
  purpose: string | null;
  fieldGroups: string[];
  agreements: string[];
  createdAt: string;
  acknowledgeBy: string;
  state: 'pending' | 'delivered' | 'failed' | 'gone' | 'no-webhook' | 'acknowledged' | 'settled';
  attempts: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  settledAt: string | null;
  settledReason: string | null;
  /** Past its acknowledgement time and neither acknowledged nor settled: releases to the partner are blocked. */
  overdue: boolean;
}

const viewOf = (row: NoticeRow, now: Date): PushView => ({
  id: row.id,
  change: row.change,
  action: NOTICE_ACTIONS[row.change],
  purpose: row.purpose,
  fieldGroups: row.field_groups,
  agreements: row.agreements,
  createdAt: row.created_at.toISOString(),
  acknowledgeBy: row.ack_due_at.toISOString(),
  state: row.acknowledged_at ? 'acknowledged' : row.settled_at ? 'settled' : row.delivery,
  attempts: row.attempts,
  lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
  lastError: row.last_error,
  deliveredAt: row.delivered_at?.toISOString() ?? null,
  acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
  settledAt: row.settled_at?.toISOString() ?? null,
  settledReason: row.settled_reason,
  overdue: !row.acknowledged_at && !row.settled_at && row.ack_due_at <= now,
});

/** The pushes to one partner of the organisation, newest first (the partner page's "Pushes not acknowledged"). */
export async function partnerPushes(
  ctx: GateContext,
  organisationId: string,
  partnerId: string,
  options: { open?: boolean; limit?: number } = {},
): Promise<{ pushes: PushView[]; open: number; overdue: number; blocked: boolean }> {
  const now = ctx.now();
  const { rows } = await ctx.db.query<NoticeRow>(
    `select ${COLUMNS} from partner_notice
      where partner_id = $1 and organisation_id = $2
        and (not $3 or (acknowledged_at is null and settled_at is null))
      order by created_at desc, id limit $4`,
    [partnerId, organisationId, options.open ?? false, options.limit ?? 200],
  );
  const { rows: counts } = await ctx.db.query<{ open: number; overdue: number }>(
    `select count(*)::int as open, count(*) filter (where ack_due_at <= $3)::int as overdue from partner_notice
      where partner_id = $1 and organisation_id = $2 and acknowledged_at is null and settled_at is null`,
    [partnerId, organisationId, now],
  );
  const { open, overdue } = counts[0] ?? { open: 0, overdue: 0 };
  return { pushes: rows.map((r) => viewOf(r, now)), open, overdue, blocked: overdue > 0 };
}

/** Partners with notices past their time or given up on: one item each on the DPO's work list. */
export interface UnacknowledgedPartner {
  partnerId: string;
  partnerName: string;
  overdue: number;
  undelivered: number;
  /** The earliest acknowledgement time among them. */
  due: string;
}

export async function unacknowledgedPartners(
  ctx: GateContext,
  organisationId: string,
): Promise<UnacknowledgedPartner[]> {
  const { rows } = await ctx.db.query<{
    partner_id: string;
    name: string;
    overdue: number;
    undelivered: number;
    due: Date;
  }>(
    `select n.partner_id, p.name,
            count(*) filter (where n.ack_due_at <= $2)::int as overdue,
            count(*) filter (where n.delivery in ('failed', 'gone'))::int as undelivered,
            min(n.ack_due_at) as due
       from partner_notice n join partner p on p.id = n.partner_id
      where n.organisation_id = $1 and n.acknowledged_at is null and n.settled_at is null
      group by n.partner_id, p.name
     having count(*) filter (where n.ack_due_at <= $2 or n.delivery in ('failed', 'gone')) > 0
      order by min(n.ack_due_at), p.name`,
    [organisationId, ctx.now()],
  );
  return rows.map((r) => ({
    partnerId: r.partner_id,
    partnerName: r.name,
    overdue: r.overdue,
    undelivered: r.undelivered,
    due: r.due.toISOString(),
  }));
}

/**
 * True while the partner has a notice past its acknowledgement time, neither acknowledged nor settled by the DPO:
 * nothing new is released to it until it is (issue 17 item 4). Called by the release path before every release.
 */
export async function partnerBlocked(db: Sql, partnerId: string, now: Date): Promise<boolean> {
  const { rows } = await db.query<{ blocked: boolean }>(
    `select exists (select 1 from partner_notice
        where partner_id = $1 and acknowledged_at is null and settled_at is null and ack_due_at <= $2) as blocked`,
    [partnerId, now],
  );
  return rows[0]?.blocked ?? false;
}

/** Why the DPO settles a notice the partner has not acknowledged. */
export const SETTLE_REASONS = ['confirmed-otherwise', 'partner-holds-no-copy', 'partner-ended'] as const;
export type SettleReason = (typeof SETTLE_REASONS)[number];

/**
 * The DPO settles a notice without the partner's acknowledgement (it confirmed by other means, or holds nothing):
 * the notice leaves the work list and stops blocking releases. Ledgered with the DPO as actor.
 */
export async function settleNotice(
  ctx: GateContext,
  staff: { accountId: string; organisationId: string; role: Role },
  partnerId: string,
  id: string,
  reason: SettleReason,
): Promise<PushView> {
  if (!SETTLE_REASONS.includes(reason)) {
    throw new HavenError('settle-reason-invalid', `Give the reason: ${SETTLE_REASONS.join(', ')}.`, {
      status: 422,
    });
  }
  if (!UUID.test(id) || !UUID.test(partnerId)) throw noticeNotFound();
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<NoticeRow>(
      `select ${COLUMNS} from partner_notice where id = $1 and partner_id = $2 and organisation_id = $3 for update`,
      [id, partnerId, staff.organisationId],
    );
    const row = rows[0];
    if (!row) throw noticeNotFound();
    if (row.acknowledged_at || row.settled_at) {
      throw new HavenError('notice-settled', 'The notice is acknowledged or settled already.', {
        status: 409,
      });
    }
    const { rows: updated } = await tx.query<NoticeRow>(
      `update partner_notice set settled_at = $2, settled_by = $3, settled_reason = $4,
         pseudonym = case when change = 'erasure' then null else pseudonym end
        where id = $1 returning ${COLUMNS}`,
      [id, now, staff.accountId, reason],
    );
    await recordAuditEvents(tx, [
      {
        actor: {
          kind: 'staff',
          account: staff.accountId,
          organisation: staff.organisationId,
          role: staff.role,
          partner: partnerId,
        },
        action: 'partner.notice-settled',
        purpose: row.purpose ?? RIGHTS.name,
        subject: row.person_id,
        subjectType: 'person',
        decision: 'allow',
        reason,
      },
    ]);
    return viewOf(updated[0]!, now);
  });
}
