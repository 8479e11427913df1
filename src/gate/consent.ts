import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { PolicyAction } from '../policy/requests.ts';
import { openForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { type BasisInput, checkBasis, checkNoticeVersion } from './basis-input.ts';
import { appendBasis, checkWitness } from './basis-store.ts';
import { recordChange } from './change-outbox.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { refusal, refuse } from './decide.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { ok } from './transaction.ts';

/**
 * Consent and other legal bases over time (PUR-3 – PUR-5). Giving and withdrawing are rows added to the history;
 * a withdrawal takes effect on the very next access (the gate reads the latest row on every request).
 */

export interface BasisEntry {
  id: string;
  purpose: string;
  basis: string;
  action: 'grant' | 'withdraw';
  recordedAt: string;
  recordedBy: string | null;
  expiresAt: string | null;
  /** Notice version and language, method, witness, guardian; or the justification of another basis. */
  details: Record<string, unknown> | null;
}

function changeBasis(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  action: Extract<PolicyAction, 'give-consent' | 'withdraw-consent'>,
  forPurpose: string,
  write: (tx: Sql) => Promise<{ basis: string; id: string }>,
): Promise<{ id: string }> {
  const event = action === 'give-consent' ? 'consent.give' : 'consent.withdraw';
  return decidePersonAction(ctx, request, { event, personId, action }, async (tx, allowed) => {
    const target = await ctx.purposes.resolve(forPurpose, ctx.now(), tx);
    // Consent can only be given for a purpose that is itself allowed to run (PUR-2, PUR-6).
    if (target.prohibited || (action === 'give-consent' && !target.usable)) {
      const reason = target.prohibited ? 'purpose-prohibited' : 'purpose-not-usable';
      return refuse(tx, request, event, personId, refusal([reason]));
    }
    const written = await write(tx);
    if (action === 'withdraw-consent') {
      await recordChange(ctx, tx, {
        personId,
        organisationId: allowed.meta.organisationId,
        change: 'consent-withdrawn',
        purpose: target.name,
      });
    }
    await recordAuditEvents(tx, [
      {
        actor: auditActor(request.actor),
        ...policyOf(request),
        action: event,
        purpose: target.name,
        subject: personId,
        subjectType: 'person',
        decision: 'allow',
        reason: written.basis,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
    return ok({ id: written.id });
  });
}

/** Records consent (or another legal basis) of a person for a purpose. */
export function giveBasis(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  forPurpose: string,
  input: BasisInput,
): Promise<{ id: string }> {
  return throughGate(ctx, request, 'consent.give', personId, async () => {
    const checked = checkBasis(input, ctx.now());
    const definition = ctx.dictionary.purpose(forPurpose);
    if (
      definition &&
      !definition.legalBases.includes(checked.kind as (typeof definition.legalBases)[number])
    ) {
      throw new HavenError('legal-basis-not-allowed', 'That purpose does not accept this legal basis.', {
        status: 422,
        reason: 'PUR-5',
      });
    }
    // An unknown purpose has no definition and is refused when it is resolved.
    if (definition) checkNoticeVersion(ctx.notices, forPurpose, checked);
    return changeBasis(ctx, request, personId, 'give-consent', forPurpose, async (tx) => {
      await checkWitness(tx, request.actor, checked);
      return {
        basis: checked.kind,
        id: await appendBasis(ctx, tx, {
          personId,
          purpose: forPurpose,
          basis: checked.kind,
          action: 'grant',
          details: checked.details,
          expiresAt: checked.expiresAt,
          recordedBy: request.actor.kind === 'staff' ? request.actor.accountId : null,
        }),
      };
    });
  });
}

/** PUR-4: a withdrawal, as easy as giving: one call, effective immediately. */
export async function withdrawConsent(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  forPurpose: string,
): Promise<{ id: string }> {
  return changeBasis(ctx, request, personId, 'withdraw-consent', forPurpose, async (tx) => ({
    basis: 'consent',
    id: await appendBasis(ctx, tx, {
      personId,
      purpose: forPurpose,
      basis: 'consent',
      action: 'withdraw',
      recordedBy: request.actor.kind === 'staff' ? request.actor.accountId : null,
    }),
  }));
}

/** The whole history of a person's consents and legal bases, details included, for those who may see it. */
export function basisHistory(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
): Promise<BasisEntry[]> {
  return decidePersonAction(
    ctx,
    request,
    { event: 'consent.history', personId, action: 'view-consents' },
    async (tx, { purpose }) => {
      const entries = await readBasisEntries(ctx, tx, personId);
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: 'consent.history',
          purpose: purpose.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok(entries);
    },
  );
}

/** A person's bases, newest first, details unsealed; for a caller that has already been allowed to see them. */
export async function readBasisEntries(ctx: GateContext, tx: Sql, personId: string): Promise<BasisEntry[]> {
  const { rows } = await tx.query<{
    id: string;
    purpose: string;
    basis: string;
    action: 'grant' | 'withdraw';
    details: Buffer | null;
    recorded_by: string | null;
    recorded_at: Date;
    expires_at: Date | null;
  }>(
    `select id, purpose, basis, action, details, recorded_by, recorded_at, expires_at
         from processing_basis where person_id = $1 order by recorded_at desc, id`,
    [personId],
  );
  const entries: BasisEntry[] = [];
  for (const row of rows) {
    entries.push({
      id: row.id,
      purpose: row.purpose,
      basis: row.basis,
      action: row.action,
      recordedAt: row.recorded_at.toISOString(),
      recordedBy: row.recorded_by,
      expiresAt: row.expires_at?.toISOString() ?? null,
      details: row.details ? await openForPerson(ctx.vault, personId, `basis:${row.id}`, row.details) : null,
    });
  }
  return entries;
}
