import { randomUUID } from 'node:crypto';
import { personTokens } from '../crypto/blind-index/person-tokens.ts';
import { checkCapture, todayAnywhere } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { StaffFacts } from '../policy/requests.ts';
import { openForPerson, readGroups, sealForPerson, writeGroups } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { recordChange } from './change-outbox.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import {
  decideGroups,
  decideOne,
  recordGroupDecisions,
  refusal,
  refuse,
  resolvePurpose,
  withheldOf,
} from './decide.ts';
import { throughGate } from './entry.ts';
import { basisFor } from './facts.ts';
import { loadPerson } from './person-facts.ts';
import { inTransaction, markLedgered, ok, refused } from './transaction.ts';

/**
 * Corrections (ACC-6, RIG-4): changing a recorded value is proposed by one staff member and approved by another —
 * a supervisor of the same organisation who is not the proposer. The proposed values are sealed under the
 * person's data key until then.
 */

const REASON = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface CorrectionSummary {
  id: string;
  personId: string;
  purpose: string;
  fieldGroups: string[];
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  proposedBy: string;
  proposedAt: string;
}

interface CorrectionRow {
  id: string;
  person_id: string;
  purpose: string;
  field_groups: string[];
  proposal: Buffer;
  reason: string;
  status: CorrectionSummary['status'];
  proposed_by: string;
  proposed_at: Date;
  proposer_role: Role;
  proposer_tier: number;
  proposer_organisation: string;
}

const summary = (row: CorrectionRow): CorrectionSummary => ({
  id: row.id,
  personId: row.person_id,
  purpose: row.purpose,
  fieldGroups: row.field_groups,
  reason: row.reason,
  status: row.status,
  proposedBy: row.proposed_by,
  proposedAt: row.proposed_at.toISOString(),
});

function staffOnly(request: GateRequest): HavenError | undefined {
  return request.actor.kind === 'staff'
    ? undefined
    : new HavenError('access-denied', 'Only staff propose or approve corrections.', {
        status: 403,
        reason: 'not-permitted',
      });
}

async function propose(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  changes: Record<string, unknown>,
  reason: string,
): Promise<CorrectionSummary> {
  const notStaff = staffOnly(request);
  if (notStaff) throw notStaff;
  if (!REASON.test(reason)) {
    throw new HavenError(
      'correction-reason-invalid',
      'Give the reason for the correction as a short code, e.g. spelling.',
      {
        status: 422,
      },
    );
  }
  const purpose = await resolvePurpose(ctx, request, 'correction.propose', personId);
  const captured = checkCapture(ctx.dictionary, purpose.name, changes, {
    requireAll: false,
    today: todayAnywhere(ctx.now()),
  });
  const groups = Object.keys(captured.groups);
  const actor = request.actor as Extract<GateRequest['actor'], { kind: 'staff' }>;
  return inTransaction<CorrectionSummary>(ctx.db, async (tx) => {
    const loaded = await loadPerson(tx, request, personId, 'correction.propose');
    if (!loaded.ok) return loaded;
    const { meta, facts } = loaded.value;
    const basis = await basisFor(tx, meta.id, purpose.name);
    const id = randomUUID();
    const proposer: StaffFacts = {
      type: 'Staff',
      id: actor.accountId,
      organisation: actor.organisationId,
      role: actor.role,
      tier: actor.tier,
    };
    const proposal = decideOne(
      ctx,
      actor,
      'propose-correction',
      { type: 'Correction', id, person: facts, proposer },
      purpose,
      basis,
    );
    // The proposer must be able to read what they correct; the write happens when another person approves.
    const reads = decideGroups(ctx, actor, 'read', purpose, facts, groups, basis);
    const denied = reads.filter((d) => !d.allowed);
    if (!proposal.allowed)
      denied.push({ group: groups[0] ?? 'record', allowed: false, reasons: proposal.reasons });
    if (denied.length > 0) {
      await recordGroupDecisions(tx, request, 'correction.propose', meta.id, denied);
      return refused(
        markLedgered(
          refusal(
            denied.flatMap((d) => d.reasons),
            withheldOf(denied),
            purpose,
          ),
        ),
      );
    }
    const sealed = await sealForPerson(ctx.vault, meta.id, `correction:${id}`, captured.groups);
    const { rows } = await tx.query<CorrectionRow>(
      `insert into correction (id, person_id, organisation_id, purpose, field_groups, proposal, reason, proposed_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning id, person_id, purpose, field_groups, proposal, reason, status, proposed_by, proposed_at`,
      [id, meta.id, meta.organisationId, purpose.name, groups, sealed, reason, actor.accountId],
    );
    await recordGroupDecisions(tx, request, 'correction.propose', meta.id, reads);
    return ok(summary(rows[0]!));
  });
}

async function loadCorrection(tx: Sql, id: string, lock: boolean): Promise<CorrectionRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await tx.query<CorrectionRow>(
    `select c.id, c.person_id, c.purpose, c.field_groups, c.proposal, c.reason, c.status, c.proposed_by, c.proposed_at,
            a.role as proposer_role, a.tier as proposer_tier, a.organisation_id as proposer_organisation
       from correction c join staff_account a on a.id = c.proposed_by
      where c.id = $1 ${lock ? 'for update of c' : ''}`,
    [id],
  );
  return rows[0];
}

async function list(ctx: GateContext, request: GateRequest): Promise<CorrectionSummary[]> {
  const { rows } = await ctx.db.query<CorrectionRow>(
    `select id, person_id, purpose, field_groups, proposal, reason, status, proposed_by, proposed_at
       from correction where organisation_id = $1 and status = 'pending' order by proposed_at`,
    [request.actor.organisationId],
  );
  return rows.map(summary);
}

export interface CorrectionDetail extends CorrectionSummary {
  /** Per field: the recorded value and the proposed one. */
  changes: { group: string; field: string; current: unknown; proposed: unknown }[];
}

async function review(
  ctx: GateContext,
  request: GateRequest,
  correctionId: string,
  decision?: 'approve' | 'reject',
): Promise<CorrectionDetail> {
  const notStaff = staffOnly(request);
  if (notStaff) throw notStaff;
  const action = decision ? `correction.${decision}` : 'correction.view';
  const purpose = await resolvePurpose(ctx, request, action);
  return inTransaction<CorrectionDetail>(ctx.db, async (tx) => {
    const row = await loadCorrection(tx, correctionId, decision !== undefined);
    if (!row) {
      return refuse(
        tx,
        request,
        action,
        undefined,
        new HavenError('correction-not-found', 'No correction with that id is visible to you.', {
          status: 404,
        }),
      );
    }
    const loaded = await loadPerson(tx, request, row.person_id, action, { lock: decision !== undefined });
    if (!loaded.ok) return loaded;
    const { meta, facts } = loaded.value;
    const basis = await basisFor(tx, meta.id, purpose.name);
    const proposer: StaffFacts = {
      type: 'Staff',
      id: row.proposed_by,
      organisation: row.proposer_organisation,
      role: row.proposer_role,
      tier: row.proposer_tier,
    };
    const approval = decideOne(
      ctx,
      request.actor,
      'approve-correction',
      { type: 'Correction', id: row.id, person: facts, proposer },
      purpose,
      basis,
    );
    const reads = decideGroups(ctx, request.actor, 'read', purpose, facts, row.field_groups, basis);
    const denied = reads.filter((d) => !d.allowed);
    if (!approval.allowed)
      denied.push({ group: row.field_groups[0] ?? 'record', allowed: false, reasons: approval.reasons });
    if (denied.length > 0) {
      await recordGroupDecisions(tx, request, action, meta.id, denied);
      return refused(
        markLedgered(
          refusal(
            denied.flatMap((d) => d.reasons),
            withheldOf(denied),
            purpose,
          ),
        ),
      );
    }
    if (decision && row.status !== 'pending') {
      return refused(
        new HavenError('correction-decided', `This correction was already ${row.status}.`, { status: 409 }),
      );
    }
    const proposed = await openForPerson<Record<string, Record<string, unknown>>>(
      ctx.vault,
      meta.id,
      `correction:${row.id}`,
      row.proposal,
    );
    const current = await readGroups(ctx.vault, tx, meta, row.field_groups);
    const changes = Object.entries(proposed).flatMap(([group, fields]) =>
      Object.entries(fields).map(([field, value]) => ({
        group,
        field,
        current: current[group]?.[field] ?? null,
        proposed: value,
      })),
    );
    await recordGroupDecisions(tx, request, action, meta.id, reads);
    let status = row.status;
    if (decision === 'approve') {
      const merged: Record<string, Record<string, unknown>> = {};
      for (const group of row.field_groups) merged[group] = { ...current[group], ...proposed[group] };
      await writeGroups(
        ctx.vault,
        tx,
        meta,
        merged,
        personTokens(ctx.index, ctx.dictionary, meta.organisationId, merged),
      );
      await recordChange(ctx, tx, {
        personId: meta.id,
        organisationId: meta.organisationId,
        change: 'correction',
        purpose: purpose.name,
        fieldGroups: row.field_groups,
      });
      status = 'approved';
    } else if (decision === 'reject') {
      status = 'rejected';
    }
    if (decision) {
      await tx.query('update correction set status = $2, decided_by = $3, decided_at = now() where id = $1', [
        row.id,
        status,
        (request.actor as { accountId: string }).accountId,
      ]);
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: 'person.correct',
          purpose: purpose.name,
          subject: meta.id,
          subjectType: 'person',
          fieldGroups: row.field_groups,
          decision: decision === 'approve' ? 'allow' : 'deny',
          reason: decision === 'approve' ? 'approved' : 'rejected',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
    }
    return ok({ ...summary(row), status, changes });
  });
}

export function proposeCorrection(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  changes: Record<string, unknown>,
  reason: string,
): Promise<CorrectionSummary> {
  return throughGate(ctx, request, 'correction.propose', personId, () =>
    propose(ctx, request, personId, changes, reason),
  );
}

export function listCorrections(ctx: GateContext, request: GateRequest): Promise<CorrectionSummary[]> {
  return throughGate(ctx, request, 'correction.list', undefined, () => list(ctx, request));
}

/**
 * Shows or decides a pending correction. The reviewer must be allowed to approve it (a supervisor, not the
 * proposer) and to read the groups it touches, for the declared purpose. `decision` applies or rejects it.
 */
export function reviewCorrection(
  ctx: GateContext,
  request: GateRequest,
  correctionId: string,
  decision?: 'approve' | 'reject',
): Promise<CorrectionDetail> {
  const action = decision ? `correction.${decision}` : 'correction.view';
  return throughGate(ctx, request, action, undefined, () => review(ctx, request, correctionId, decision));
}
