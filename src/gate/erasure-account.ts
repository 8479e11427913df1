import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import { type ErasedItem, erased, type KeptItem, kept } from '../domain/retention/erasure-account.ts';
import type { HoldReason, HoldState } from '../domain/retention/legal-holds.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { blockingHolds } from './legal-holds.ts';
import { RIGHTS, recordRightsEvent } from './rights-purpose.ts';
import { ok } from './transaction.ts';

/**
 * What an erasure of one person takes and keeps (RIG-1, GDPR 12, 17), counted from the tables — the preview
 * before it, the receipt after. Counts, field groups and categories only: the account reads no sealed value.
 */

interface Counts {
  groups: string[];
  tokens: number;
  bases: number;
  purposes: string[];
  caseload: number;
  corrections: number;
  break_glass: number;
  restrictions: number;
  answers: number;
  card: number;
  requests: number;
  request_notes: number;
  holds: number;
  hold_notes: number;
  breach: number;
  events: number;
  changes: number;
}

async function counts(tx: Sql, personId: string): Promise<Counts> {
  const n = (table: string) => `(select count(*)::int from ${table} where person_id = $1)`;
  const { rows } = await tx.query<Counts>(
    `select
       (select coalesce(array_agg(field_group order by field_group), '{}') from person_group where person_id = $1)
         as groups,
       ${n('person_token')} as tokens,
       ${n('processing_basis')} as bases,
       (select coalesce(array_agg(distinct purpose order by purpose), '{}') from processing_basis
         where person_id = $1) as purposes,
       ${n('caseload_assignment')} as caseload,
       ${n('correction')} as corrections,
       ${n('break_glass')} as break_glass,
       ${n('restriction')} as restrictions,
       ${n('access_answer')} as answers,
       ${n('person_card')} + ${n('person_session')} as card,
       ${n('rights_request')} as requests,
       (select count(sealed_note)::int from rights_request where person_id = $1) as request_notes,
       ${n('legal_hold')} as holds,
       (select count(sealed_note)::int from legal_hold where person_id = $1) as hold_notes,
       ${n('audit_event')} as events,
       ${n('incident_affected_person')} + ${n('breach_notice')} as breach,
       ${n('change_outbox')} as changes`,
    [personId],
  );
  return rows[0]!;
}

/** The account as it stands in `tx`. `pending` counts what the erasure itself will add (its event, its notice). */
async function account(
  ctx: GateContext,
  tx: Sql,
  personId: string,
  pending: { events: number; changes: number },
): Promise<{ erased: ErasedItem[]; kept: KeptItem[] }> {
  const c = await counts(tx, personId);
  const groups = c.groups.map((group) => ({
    group,
    categories: [...new Set(ctx.dictionary.fieldsOfGroup(group).map((f) => f.category))].sort(),
  }));
  const biometric = groups.filter((g) => g.categories.includes('biometric'));
  const items: ErasedItem[] = [
    erased('data-key', 1),
    erased('field-groups', groups.length, { groups }),
    ...(biometric.length > 0 ? [erased('biometrics', biometric.length, { groups: biometric })] : []),
    erased('processing-bases', c.bases, { purposes: c.purposes }),
    erased('search-tokens', c.tokens),
    erased('caseload', c.caseload),
    erased('corrections', c.corrections),
    erased('break-glass', c.break_glass),
    erased('restriction', c.restrictions),
    erased('access-answers', c.answers),
    erased('portal-card', c.card),
    erased('rights-request-notes', c.request_notes),
    erased('legal-hold-notes', c.hold_notes),
  ];
  return {
    erased: items.filter((item) => item.count > 0),
    kept: [
      kept('tombstone', 1),
      kept('ledger-events', c.events + pending.events),
      kept('disposal-record', 1),
      kept('rights-requests', c.requests),
      kept('change-notices', c.changes + pending.changes),
      kept('legal-holds', c.holds),
      kept('breach-records', c.breach),

      kept('erasure-receipt', 1),
    ].filter((item) => item.count > 0),
  };
}

/** The erasure request (RIG-1) this erasure answers: the person's latest one being worked on, if any. */
async function erasureRequest(
  tx: Sql,
  personId: string,
): Promise<{ id: string; state: string; dueOn: string } | null> {
  const { rows } = await tx.query<{ id: string; state: string; due_on: string }>(
    `select id, state, to_char(due_on, 'YYYY-MM-DD') as due_on from rights_request
      where person_id = $1 and kind = 'erasure' and state in ('in-progress', 'extended')
      order by received_on desc, due_on desc limit 1`,
    [personId],
  );
  const row = rows[0];
  return row ? { id: row.id, state: row.state, dueOn: row.due_on } : null;
}

export interface ErasurePreview {
  personId: string;
  /** False while a legal hold blocks it (`blockedBy`). */
  canErase: boolean;
  blockedBy: { id: string; reason: HoldReason; state: HoldState; untilOn: string | null }[];
  /** The erasure request the erasure would answer. */
  erasureRequest: { id: string; state: string; dueOn: string } | null;
  erased: ErasedItem[];
  kept: KeptItem[];
}

/**
 * RIG-1: before erasing, the DPO sees what will be erased, what must be kept and on which ground, and whether a
 * legal hold stops it. Decided as the erasure itself is (the same action): it changes nothing, and its event in
 * the ledger says that it was looked at.
 */
export function previewErasure(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
): Promise<ErasurePreview> {
  const action = 'person.erasure-preview';
  return decidePersonAction(
    ctx,
    request,
    { event: action, personId, action: 'erase', purpose: RIGHTS },
    async (tx) => {
      const holds = await blockingHolds(tx, personId, dayOf(ctx.now()));
      const { erased, kept: keptItems } = await account(ctx, tx, personId, { events: 1, changes: 1 });
      await recordRightsEvent(tx, request, action, personId, {
        reason: holds.length > 0 ? 'legal-hold-active' : 'ok',
      });
      return ok({
        personId,
        canErase: holds.length === 0,
        blockedBy: holds.map((h) => ({ id: h.id, reason: h.reason, state: h.state, untilOn: h.untilOn })),
        erasureRequest: await erasureRequest(tx, personId),
        erased,
        kept:
          holds.length > 0
            ? [kept('held-data', holds.length), ...keptItems.filter((k) => k.item !== 'disposal-record')]
            : keptItems,
      });
    },
  );
}

export interface ErasureReceipt {
  id: string;
  /** The tombstone's id: random, it says nothing of the person. */
  personId: string;
  erasedAt: string;
  reason: string;
  /** The erasure request it answered, if one was being worked on. */
  rightsRequestId: string | null;
  erased: ErasedItem[];
  kept: KeptItem[];
}

/**
 * Writes the receipt in the erasure's transaction, after its ledger event and partner notice (so they count),
 * before anything is shredded; answers the erasure request it fulfils (GDPR 12(3): the person is told).
 */
export async function writeReceipt(
  ctx: GateContext,
  tx: Sql,
  request: GateRequest,
  input: { personId: string; organisationId: string; reason: string },
): Promise<ErasureReceipt> {
  const linked = await erasureRequest(tx, input.personId);
  const { erased, kept: keptItems } = await account(ctx, tx, input.personId, {
    events: linked ? 1 : 0,
    changes: 0,
  });
  const receipt: ErasureReceipt = {
    id: randomUUID(),
    personId: input.personId,
    erasedAt: ctx.now().toISOString(),
    reason: input.reason,
    rightsRequestId: linked?.id ?? null,
    erased,
    kept: keptItems,
  };
  await tx.query(
    `insert into erasure_receipt (id, person_id, organisation_id, erased_at, erased_by, reason, rights_request_id,
       erased, kept)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      receipt.id,
      receipt.personId,
      input.organisationId,
      receipt.erasedAt,
      request.actor.kind === 'staff' ? request.actor.accountId : null,
      receipt.reason,
      receipt.rightsRequestId,
      JSON.stringify(receipt.erased),
      JSON.stringify(receipt.kept),
    ],
  );
  if (linked) {
    await tx.query(
      `update rights_request set state = 'answered', closed_at = now(), updated_at = now() where id = $1`,
      [linked.id],
    );
    await recordAuditEvents(tx, [
      {
        actor: auditActor(request.actor),
        ...policyOf(request),
        action: 'rights.answer',
        purpose: RIGHTS.name,
        subject: input.personId,
        subjectType: 'person',
        decision: 'allow',
        reason: 'erasure',
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
  }
  return receipt;
}

interface ReceiptRow {
  id: string;
  person_id: string;
  erased_at: Date;
  reason: string;
  rights_request_id: string | null;
  erased: ErasedItem[] | string;
  kept: KeptItem[] | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * A stored receipt, to print again for the person (GDPR 12). It holds no personal value, and its person is
 * erased, so there is no record to decide on: it is shown to the organisation's DPO and supervisors.
 */
export function erasureReceipt(
  ctx: GateContext,
  request: GateRequest,
  receiptId: string,
): Promise<ErasureReceipt> {
  const scoped = { ...request, purpose: RIGHTS.name };
  return throughGate(ctx, scoped, 'erasure.receipt', undefined, async () => {
    if (request.actor.kind !== 'staff' || !['supervisor', 'dpo'].includes(request.actor.role)) {
      throw new HavenError('access-denied', 'Erasure receipts are kept by supervisors and the DPO.', {
        status: 403,
        reason: 'not-permitted',
      });
    }
    const { rows } = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(receiptId)
      ? await ctx.db.query<ReceiptRow>(
          `select id, person_id, erased_at, reason, rights_request_id, erased, kept from erasure_receipt
            where id = $1 and organisation_id = $2`,
          [receiptId, request.actor.organisationId],
        )
      : { rows: [] };
    const row = rows[0];
    if (!row) throw new HavenError('erasure-receipt-not-found', 'No such erasure receipt.', { status: 404 });
    await recordAuditEvents(ctx.db, [
      {
        actor: auditActor(request.actor),
        ...policyOf(request),
        action: 'erasure.receipt',
        purpose: RIGHTS.name,
        subject: row.person_id,
        subjectType: 'person',
        decision: 'allow',
        reason: 'ok',
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
    return {
      id: row.id,
      personId: row.person_id,
      erasedAt: new Date(row.erased_at).toISOString(),
      reason: row.reason,
      rightsRequestId: row.rights_request_id,
      erased: json(row.erased),
      kept: json(row.kept),
    };
  });
}
