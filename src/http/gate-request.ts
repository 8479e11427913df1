import type { FastifyRequest } from 'fastify';
import type { GateRequest } from '../gate/context.ts';
import { partnerOf, sessionOf } from './access.ts';

/** The purpose travels on every call to personal data in this header (PUR-1); a call without it is refused. */
export const PURPOSE_HEADER = 'x-haven-purpose';

/** Who and why, from the signed-in session and the declared purpose, for one call through the gate. */
export function gateRequest(request: FastifyRequest): GateRequest {
  const session = sessionOf(request);
  const header = request.headers[PURPOSE_HEADER];
  return {
    actor: {
      kind: 'staff',
      accountId: session.account.id,
      organisationId: session.account.organisationId,
      role: session.account.role,
      tier: session.account.tier,
      assurance: session.assurance,
    },
    purpose: typeof header === 'string' ? header.trim() : undefined,
    requestId: request.id,
  };
}

export const purposeHeaderSchema = {
  type: 'object',
  properties: {
    [PURPOSE_HEADER]: {
      type: 'string',
      description:
        'The purpose of this access, from the purpose register (PUR-1). Required: there is no default.',
    },
  },
} as const;

/** A partner's machine client through the gate: it receives under its agreements, and reads nothing itself. */
export function partnerGateRequest(request: FastifyRequest): GateRequest {
  const partner = partnerOf(request);
  return {
    actor: {
      kind: 'partner',
      partnerId: partner.partnerId,
      organisationId: partner.organisationId,
      partnerKind: partner.kind,
      actsFor: partner.actsForCountry ?? '',
    },
    purpose: undefined,
    requestId: request.id,
  };
}
