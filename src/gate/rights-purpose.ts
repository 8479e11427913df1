import { recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateRequest, policyOf } from './context.ts';
import { fixedPurpose } from './purposes.ts';

/**
 * Acting on a person's own request (RIG-1 – RIG-5) — erasure included — serves the person's rights, not a
 * processing purpose: it is decided under this fixed purpose, which no header can declare.
 */
export const RIGHTS = fixedPurpose(
  'rights-request',
  'Rights of the person',
  'Acting on a request of the person: access, correction, erasure, restriction, objection.',
);

/** A step taken on a person's request, under the rights purpose, in the caller's transaction (AUD-1). */
export async function recordRightsEvent(
  tx: Sql,
  request: GateRequest,
  action: string,
  personId: string,
  details: { reason?: string; fieldGroups?: string[]; digest?: string } = {},
): Promise<void> {
  await recordAuditEvents(tx, [
    {
      actor: auditActor(request.actor),
      ...policyOf(request),
      action,
      purpose: RIGHTS.name,
      subject: personId,
      subjectType: 'person',
      decision: 'allow',
      reason: details.reason ?? 'ok',
      ...(details.fieldGroups ? { fieldGroups: details.fieldGroups } : {}),
      ...(details.digest ? { digest: details.digest } : {}),
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
  ]);
}
