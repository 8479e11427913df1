import { type AccessRecord, accessHistory } from '../ledger/access-history.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { auditActor, type GateContext, type GateRequest } from './context.ts';
import { decideOne, recordRefusal, refusal, resolvePurpose } from './decide.ts';
import { loadPerson } from './person-facts.ts';
import { inTransaction, ok, refused } from './transaction.ts';

/** A person's access history (AUD-5) through the gate: who may see it is a policy decision, and seeing it is logged. */
export async function viewAccessHistory(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
): Promise<AccessRecord[]> {
  const purpose = await resolvePurpose(ctx, request, 'person.access-history', personId);
  return inTransaction<AccessRecord[]>(ctx.db, async (tx) => {
    const loaded = await loadPerson(tx, request, personId, 'person.access-history');
    if (!loaded.ok) return loaded;
    const decision = decideOne(
      ctx,
      request.actor,
      'view-access-history',
      { type: 'Person', person: loaded.value.facts },
      purpose,
    );
    if (!decision.allowed) {
      await recordRefusal(tx, request, 'person.access-history', personId, decision.reasons[0]!);
      return refused(refusal(decision.reasons));
    }
    const history = await accessHistory(tx, personId);
    await recordAuditEvents(tx, [
      {
        actor: auditActor(request.actor),
        action: 'person.access-history',
        purpose: purpose.name,
        subject: personId,
        subjectType: 'person',
        decision: 'allow',
        reason: 'ok',
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
    return ok(history);
  });
}
