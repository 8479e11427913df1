import { type AccessRecord, accessHistory } from '../ledger/access-history.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decidePersonAction } from './entry.ts';
import { ok } from './transaction.ts';

/** A person's access history (AUD-5) through the gate: who may see it is a policy decision, and seeing it is logged. */
export function viewAccessHistory(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
): Promise<AccessRecord[]> {
  const event = 'person.access-history';
  return decidePersonAction(
    ctx,
    request,
    { event, personId, action: 'view-access-history' },
    async (tx, { purpose }) => {
      // That the person questioned an access is for the DPO: a caseworker who reads the history does not learn it.
      const history = await accessHistory(tx, personId, { hide: ['portal.access-questioned'] });
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: event,
          purpose: purpose.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok(history);
    },
  );
}
