import { Type } from 'typebox';
import { LIFT_REASONS } from '../../domain/rights/restriction.ts';
import type { Haven } from '../../haven.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * Restriction of processing (GDPR 18, RIG-1), staff side: imposed by answering a restriction request
 * (POST /api/rights-requests/{id}/answer), lifted here by a supervisor or the DPO once the person was told.
 * Under the rights purpose: no purpose header is read.
 */
const Restriction = Type.Object({
  id: Uuid,
  personId: Uuid,
  requestId: Uuid,
  imposedAt: Type.String({ format: 'date-time' }),
  imposedBy: Type.Union([Type.Null(), Uuid]),
  liftedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  liftedBy: Type.Union([Type.Null(), Uuid]),
  liftReason: Type.Union([Type.Null(), Type.String({ enum: [...LIFT_REASONS] })]),
});

export function restrictionRoutes(app: HttpApp, haven: Haven): void {
  app.post(
    '/api/persons/:id/restriction/lift',
    {
      schema: {
        tags: ['rights'],
        summary: 'Lift the restriction of processing in force, after telling the person (GDPR 18(3))',
        description:
          'Supervisors and the DPO. Refused without personNotified: true (restriction-lift-invalid), and when no ' +
          'restriction is in force (person-not-restricted, 409). The words, if any, are sealed under the person’s key.',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            reason: Type.String({ enum: [...LIFT_REASONS] }),
            note: Type.Optional(
              Type.String({ maxLength: 2000, description: 'Required for reason other', ...MULTILINE }),
            ),
            personNotified: Type.Boolean({ description: 'The person was told before the lift' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Restriction, ...errorResponses },
      },
    },
    async (request) =>
      haven.gate.liftRestriction(
        gateRequest(request),
        (request.params as { id: string }).id,
        request.body as { reason: string; note?: string; personNotified: boolean },
      ),
  );
}
