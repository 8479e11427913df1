import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import {
  checkHold,
  checkRelease,
  type HoldReason,
  type HoldState,
  holdBlocks,
  holdOpen,
  holdState,
  type ReleaseReason,
} from '../domain/retention/legal-holds.ts';
import type { Role } from '../domain/roles.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { StaffFacts } from '../policy/requests.ts';
import { openForPerson, sealForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decideOne, refusal, refuse } from './decide.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { loadPerson } from './person-facts.ts';
import { fixedPurpose } from './purposes.ts';
import { inTransaction, ok } from './transaction.ts';

/**
 * Legal holds through the gate (RET-1, ACC-6): placed on a person by a supervisor or the DPO, approved by a second
 * one, released early with a reason, over once their until date has passed. Each step a ledger event under the
 * fixed legal-hold purpose. The rules (reasons, states, expiry) are in src/domain/retention/legal-holds.ts;
 * erasure asks `blockingHolds` before it shreds anything.
 */

/** Keeping data for legal claims (GDPR 17(3)(e)) is no processing purpose a header can declare: the gate sets it. */
export const LEGAL_HOLD = fixedPurpose(
  'legal-hold',
  'Legal hold',
  'Keeping a person’s data that legal claims, an investigation or a court order need.',
);

export interface LegalHoldView {
  id: string;
  scope: 'person';
  personId: string;
  /** The categories of the person's data it keeps (RET-1); null: everything of them. */
  categories: string[] | null;
  reason: HoldReason;
  /** The words given when placed and released; only in the answer to the step itself, never in lists. */
  note: { hold?: string; release?: string } | null;
  untilOn: string | null;
  state: HoldState;
  /** Whether it stops an erasure today. */
  blocks: boolean;
  placedBy: string;
  placedOn: string;
  placedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: ReleaseReason | null;
}

interface HoldRow {
  id: string;
  organisation_id: string;
  scope: 'person';
  person_id: string;
  categories: string[] | null;
  reason: HoldReason;
  sealed_note: Buffer | null;
  until_on: string | null;
  placed_by: string;
  placed_on: string;
  placed_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  released_by: string | null;
  released_at: Date | null;
  release_reason: ReleaseReason | null;
}

const COLUMNS = `id, organisation_id, scope, person_id, categories, reason, sealed_note,
  to_char(until_on, 'YYYY-MM-DD') as until_on, placed_by, to_char(placed_on, 'YYYY-MM-DD') as placed_on, placed_at,
  approved_by, approved_at, released_by, released_at, release_reason`;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = (at: Date | string | null): string | null => (at === null ? null : new Date(at).toISOString());

function stateOf(row: HoldRow, today: string): HoldState {
  return holdState(
    {
      placedOn: row.placed_on,
      approved: row.approved_by !== null,
      untilOn: row.until_on,
      released: row.released_at !== null,
    },
    today,
  );
}

function view(row: HoldRow, today: string, note: LegalHoldView['note'] = null): LegalHoldView {
  const state = stateOf(row, today);
  return {
    id: row.id,
    scope: row.scope,
    personId: row.person_id,
    categories: row.categories,
    reason: row.reason,
    note,
    untilOn: row.until_on,
    state,
    blocks: holdBlocks(state),
    placedBy: row.placed_by,
    placedOn: row.placed_on,
    placedAt: iso(row.placed_at)!,
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    releasedBy: row.released_by,
    releasedAt: iso(row.released_at),
    releaseReason: row.release_reason,
  };
}

const scoped = (request: GateRequest): GateRequest => ({ ...request, purpose: LEGAL_HOLD.name });

function staffOnly(request: GateRequest): Extract<GateRequest['actor'], { kind: 'staff' }> {
  if (request.actor.kind !== 'staff') {
    throw new HavenError('access-denied', 'Legal holds are placed and approved by staff.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  return request.actor;
}

async function event(
  tx: Sql,
  request: GateRequest,
  action: string,
  personId: string,
  reason: string,
): Promise<void> {
  await recordAuditEvents(tx, [
    {
      actor: auditActor(request.actor),
      ...policyOf(request),
      action,
      purpose: LEGAL_HOLD.name,
      subject: personId,
      subjectType: 'person',
      decision: 'allow',
      reason,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
  ]);
}

const noteContext = (holdId: string) => `legal-hold:${holdId}`;

async function openNote(ctx: GateContext, row: HoldRow): Promise<LegalHoldView['note']> {
  if (!row.sealed_note) return null;
  return openForPerson<{ hold?: string; release?: string }>(
    ctx.vault,
    row.person_id,
    noteContext(row.id),
    row.sealed_note,
  );
}

/** RET-1: a hold on one person, for a listed reason, until a day or until released; it blocks from now. */
export function placeLegalHold(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { reason?: unknown; note?: unknown; until?: unknown; categories?: unknown },
): Promise<LegalHoldView> {
  const action = 'legal-hold.place';
  return throughGate(ctx, scoped(request), action, personId, async () => {
    const staff = staffOnly(request);
    const today = dayOf(ctx.now());
    const hold = checkHold(input, today);
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'place-legal-hold', purpose: LEGAL_HOLD, lock: true },
      async (tx, allowed) => {
        const id = randomUUID();
        // The words may name the proceedings, and so the person: sealed under their key (ENC-1).
        const note = hold.note === null ? null : { hold: hold.note };
        const sealed = note === null ? null : await sealForPerson(ctx.vault, personId, noteContext(id), note);
        const { rows } = await tx.query<HoldRow>(
          `insert into legal_hold (id, organisation_id, scope, person_id, reason, sealed_note, until_on, placed_by,
             placed_on, categories)
           values ($1, $2, 'person', $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
          [
            id,
            allowed.meta.organisationId,
            personId,
            hold.reason,
            sealed,
            hold.untilOn,
            staff.accountId,
            today,
            hold.categories,
          ],
        );
        await event(tx, scoped(request), action, personId, hold.reason);
        return ok(view(rows[0]!, today, note));
      },
    );
  });
}

type HoldStep = { step: 'approve' } | { step: 'release'; reason?: unknown; note?: unknown };

/**
 * ACC-6: approval by a supervisor or DPO other than the placer (the policies decide, on the hold with its
 * placer); RET-1: an early release, with a listed reason. Both on a hold still open, the person's row locked.
 */
export function advanceLegalHold(
  ctx: GateContext,
  request: GateRequest,
  holdId: string,
  step: HoldStep,
): Promise<LegalHoldView> {
  const action = `legal-hold.${step.step}`;
  const request_ = scoped(request);
  return throughGate(ctx, request_, action, undefined, async () => {
    staffOnly(request);
    const release = step.step === 'release' ? checkRelease(step) : null;
    const found = ID.test(holdId)
      ? (
          await ctx.db.query<{ person_id: string }>(
            'select person_id from legal_hold where id = $1 and organisation_id = $2',
            [holdId, request.actor.organisationId],
          )
        ).rows[0]
      : undefined;
    if (!found) throw new HavenError('legal-hold-not-found', 'No such legal hold.', { status: 404 });
    const personId = found.person_id;
    return inTransaction<LegalHoldView>(ctx.db, async (tx) => {
      const loaded = await loadPerson(tx, request_, personId, action, { lock: true });
      if (!loaded.ok) return loaded;
      const { rows } = await tx.query<HoldRow>(`select ${COLUMNS} from legal_hold where id = $1 for update`, [
        holdId,
      ]);
      const row = rows[0]!;
      // The placer as the policies see them (ACC-6: the approver must be someone else).
      const { rows: placers } = await tx.query<{ role: Role; tier: number; organisation_id: string }>(
        'select role, tier, organisation_id from staff_account where id = $1',
        [row.placed_by],
      );
      const placer: StaffFacts = {
        type: 'Staff',
        id: row.placed_by,
        organisation: placers[0]!.organisation_id,
        role: placers[0]!.role,
        tier: placers[0]!.tier,
      };
      const decision =
        step.step === 'approve'
          ? decideOne(
              ctx,
              request.actor,
              'approve-legal-hold',
              { type: 'LegalHold', id: row.id, person: loaded.value.facts, placer },
              LEGAL_HOLD,
            )
          : decideOne(
              ctx,
              request.actor,
              'release-legal-hold',
              { type: 'Person', person: loaded.value.facts },
              LEGAL_HOLD,
            );
      if (!decision.allowed) {
        return refuse(
          tx,
          request_,
          action,
          personId,
          refusal(decision.reasons, undefined, LEGAL_HOLD),
          decision.reasons[0],
        );
      }
      const today = dayOf(ctx.now());
      const state = stateOf(row, today);
      if (!holdOpen(state) || (step.step === 'approve' && state !== 'pending')) {
        return refuse(
          tx,
          request_,
          action,
          personId,
          new HavenError(
            'legal-hold-state-invalid',
            `This legal hold is ${state}: it cannot be ${step.step}d.`,
            {
              status: 409,
            },
          ),
        );
      }
      const actor = staffOnly(request);
      let note: LegalHoldView['note'] = null;
      let updated: HoldRow;
      if (release) {
        note = await openNote(ctx, row);
        if (release.note !== null) note = { ...note, release: release.note };
        const sealed =
          note === null ? null : await sealForPerson(ctx.vault, personId, noteContext(row.id), note);
        updated = (
          await tx.query<HoldRow>(
            `update legal_hold set released_by = $2, released_at = $3, release_reason = $4, sealed_note = $5
              where id = $1 returning ${COLUMNS}`,
            [row.id, actor.accountId, ctx.now(), release.reason, sealed],
          )
        ).rows[0]!;
      } else {
        note = await openNote(ctx, row);
        updated = (
          await tx.query<HoldRow>(
            `update legal_hold set approved_by = $2, approved_at = $3 where id = $1 returning ${COLUMNS}`,
            [row.id, actor.accountId, ctx.now()],
          )
        ).rows[0]!;
      }
      await event(tx, request_, action, personId, release ? release.reason : row.reason);
      return ok(view(updated, today, note));
    });
  });
}

/** The holds that stop an erasure of this person today (pending or approved, not past their until date). */
export async function blockingHolds(tx: Sql, personId: string, today: string): Promise<LegalHoldView[]> {
  const { rows } = await tx.query<HoldRow>(
    `select ${COLUMNS} from legal_hold where person_id = $1 and released_at is null order by placed_at`,
    [personId],
  );
  return rows.map((row) => view(row, today)).filter((hold) => hold.blocks);
}

const RANK: Record<HoldState, number> = { active: 0, pending: 1, lapsed: 2, expired: 3, released: 4 };

/**
 * The organisation's holds, those in force first (RET-1): ids, reasons and dates, never the words. For the
 * supervisors and the DPO who place and approve them.
 */
export function listLegalHolds(ctx: GateContext, request: GateRequest): Promise<LegalHoldView[]> {
  return throughGate(ctx, scoped(request), 'legal-hold.list', undefined, async () => {
    const staff = staffOnly(request);
    if (!['supervisor', 'dpo'].includes(staff.role)) {
      throw new HavenError('access-denied', 'Legal holds are kept by supervisors and the DPO.', {
        status: 403,
        reason: 'not-permitted',
      });
    }
    const { rows } = await ctx.db.query<HoldRow>(
      `select ${COLUMNS} from legal_hold where organisation_id = $1 order by placed_at desc limit 1000`,
      [staff.organisationId],
    );
    const today = dayOf(ctx.now());
    return rows
      .map((row) => view(row, today))
      .sort((x, y) => RANK[x.state] - RANK[y.state] || y.placedAt.localeCompare(x.placedAt));
  });
}
