import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { beginErasure, completeErasure, unfinishedErasures } from '../records/person-records.ts';
import { auditActor, type GateContext, type GateRequest } from './context.ts';
import { decideOne, recordRefusal, refusal } from './decide.ts';
import { loadPerson } from './person-facts.ts';
import type { ResolvedPurpose } from './purposes.ts';
import { inTransaction, ok, refused } from './transaction.ts';

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

/** Erasure serves the person's rights, not a processing purpose: it is decided under its own fixed purpose. */
const RIGHTS: ResolvedPurpose = {
  name: 'rights-request',
  definition: {
    name: 'rights-request',
    title: 'Rights of the person',
    description: 'Acting on a request of the person: access, correction, erasure, restriction, objection.',
    legalBases: ['legal-obligation'],
    consentRequired: false,
    dpiaRequired: false,
    retention: undefined,
    collect: [],
    require: [],
    prohibited: false,
  },
  prohibited: false,
  usable: true,
  legalBases: ['legal-obligation'],
};

export async function erasePerson(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  reason: ErasureReason,
): Promise<{ id: string; erasedAt: string }> {
  if (!ERASURE_REASONS.includes(reason)) {
    throw new HavenError('erasure-reason-invalid', `Give the reason: ${ERASURE_REASONS.join(', ')}.`, {
      status: 422,
    });
  }
  const rights: GateRequest = { ...request, purpose: RIGHTS.name };
  await inTransaction(ctx.db, async (tx) => {
    const loaded = await loadPerson(tx, rights, personId, 'person.erase', { lock: true });
    if (!loaded.ok) return loaded;
    const decision = decideOne(
      ctx,
      request.actor,
      'erase',
      { type: 'Person', person: loaded.value.facts },
      RIGHTS,
    );
    if (!decision.allowed) {
      await recordRefusal(tx, rights, 'person.erase', personId, decision.reasons[0]!);
      return refused(refusal(decision.reasons));
    }
    await beginErasure(tx, personId);
    await recordAuditEvents(tx, [
      {
        actor: auditActor(request.actor),
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
  });
  await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, personId));
  return { id: personId, erasedAt: ctx.now().toISOString() };
}

/** Finishes erasures a crash interrupted (run at start): their keys go, then their ciphertexts and tokens. */
export async function completeUnfinishedErasures(ctx: GateContext): Promise<number> {
  const pending = await unfinishedErasures(ctx.db);
  for (const id of pending) await ctx.db.transaction((tx) => completeErasure(ctx.vault, tx, id));
  return pending.length;
}
