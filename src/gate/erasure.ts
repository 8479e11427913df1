import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { beginErasure, completeErasure, unfinishedErasures } from '../records/person-records.ts';
import { recordChange } from './change-outbox.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { RIGHTS } from './rights-purpose.ts';
import { ok } from './transaction.ts';

/**
 * Erasure (ENC-4, RIG-1): decided by the DPO for a documented reason, recorded in the ledger with the decision,
 * then carried out by crypto-shredding — the person's data key is deleted first, so from that moment no copy of
 * their data, backups included, can be read. A tombstone keeps the id and the time, nothing else.
 */

export const ERASURE_REASONS = [
  'erasure-request',
  'retention-due',
  'duplicate-record',
  'unlawful-processing',
] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

export async function erasePerson(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  reason: ErasureReason,
): Promise<{ id: string; erasedAt: string }> {
  if (!ERASURE_REASONS.includes(reason)) {
    const error = new HavenError(
      'erasure-reason-invalid',
      `Give the reason: ${ERASURE_REASONS.join(', ')}.`,
      {
        status: 422,
      },
    );
    // Refused before the transaction: ledgered here, under the rights purpose (AUD-1).
    await throughGate(ctx, { ...request, purpose: RIGHTS.name }, 'person.erase', personId, () =>
      Promise.reject(error),
    );
  }
  await decidePersonAction(
    ctx,
    request,
    { event: 'person.erase', personId, action: 'erase', purpose: RIGHTS, lock: true },
    async (tx, allowed) => {
      await beginErasure(tx, personId);
      await recordChange(tx, { personId, organisationId: allowed.meta.organisationId, change: 'erasure' });
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: 'person.erase',
          purpose: RIGHTS.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason,
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok(undefined);
    },
  );
  await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, personId));
  return { id: personId, erasedAt: ctx.now().toISOString() };
}

/** Finishes erasures a crash interrupted (run at start): their keys go, then their ciphertexts and tokens. */
export async function completeUnfinishedErasures(ctx: GateContext): Promise<number> {
  const pending = await unfinishedErasures(ctx.db);
  for (const id of pending) await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, id));
  return pending.length;
}
