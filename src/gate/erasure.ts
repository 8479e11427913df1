import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { beginErasure, completeErasure, unfinishedErasures } from '../records/person-records.ts';
import { recordChange } from './change-outbox.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { refuse } from './decide.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { type ErasureReceipt, writeReceipt } from './erasure-account.ts';
import { blockingHolds } from './legal-holds.ts';
import { RIGHTS } from './rights-purpose.ts';
import { ok } from './transaction.ts';

/**
 * Erasure (ENC-4, RIG-1): decided by the DPO for a documented reason, recorded in the ledger with the decision,
 * then carried out by crypto-shredding — the person's data key is deleted first, so from that moment no copy of
 * their data, backups included, can be read. A tombstone keeps the id and the time, nothing else. A legal hold in
 * force (RET-1) stops it before anything is touched; done, it leaves a receipt of what went and what stayed.
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
): Promise<{ id: string; erasedAt: string; receipt: ErasureReceipt }> {
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
  const receipt = await decidePersonAction<ErasureReceipt>(
    ctx,
    request,
    { event: 'person.erase', personId, action: 'erase', purpose: RIGHTS, lock: true },
    async (tx, allowed) => {
      // RET-1, GDPR 17(3)(e): the hold wins. Placing one locks the person's row too, so none slips in between.
      const holds = await blockingHolds(tx, personId, dayOf(ctx.now()));
      if (holds.length > 0) {
        return refuse(
          tx,
          { ...request, purpose: RIGHTS.name },
          'person.erase',
          personId,
          new HavenError(
            'legal-hold-active',
            `A legal hold is in force (${holds.map((h) => `${h.reason}, ${h.state}`).join('; ')}): nothing is erased until it is released or ends.`,
            { status: 409 },
          ),
        );
      }
      await beginErasure(tx, personId);
      await recordChange(ctx, tx, {
        personId,
        organisationId: allowed.meta.organisationId,
        change: 'erasure',
      });
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
      const receipt = await writeReceipt(ctx, tx, request, {
        personId,
        organisationId: allowed.meta.organisationId,
        reason,
      });
      // A released or expired hold stays on record (accountability); its words, like a request's, go.
      await tx.query('update legal_hold set sealed_note = null where person_id = $1', [personId]);
      return ok(receipt);
    },
  );
  await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, personId));
  return { id: personId, erasedAt: receipt.erasedAt, receipt };
}

/** Finishes erasures a crash interrupted (run at start): their keys go, then their ciphertexts and tokens. */
export async function completeUnfinishedErasures(ctx: GateContext): Promise<number> {
  const pending = await unfinishedErasures(ctx.db);
  for (const id of pending) await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, id));
  return pending.length;
}
