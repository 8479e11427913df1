import { Type } from 'typebox';
import type { Haven } from '../../haven.ts';
import { REDACTION_REASONS } from '../../rights/access-answer.ts';
import { AccessAnswerSchema } from '../../rights/access-answer-schema.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * The answer to an access or portability request (RIG-3), staff side: composed by the assignee, reviewed with
 * redactions by a second staff member, released by answering the request (POST /api/rights-requests/:id/answer).
 */
const IdParams = Type.Object({ id: Uuid });
const Redaction = Type.Object(
  { path: Type.String({ maxLength: 200 }), reason: Type.String({ enum: [...REDACTION_REASONS] }) },
  { additionalProperties: false },
);
const AnswerView = Type.Object({
  requestId: Uuid,
  state: Type.String({ enum: ['composed', 'reviewed', 'released'] }),
  composedBy: Uuid,
  composedAt: Type.String({ format: 'date-time' }),
  reviewedBy: Type.Union([Type.Null(), Uuid]),
  answer: AccessAnswerSchema,
  redactions: Type.Array(Redaction),
  digest: Type.Union([Type.Null(), Type.String({ pattern: '^[0-9a-f]{64}$' })]),
});

export function accessAnswerRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;
  const id = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.post(
    '/api/rights-requests/:id/access-answer',
    {
      schema: {
        tags: ['rights'],
        summary:
          'Compose the answer from everything held on the person (the assignee only, while the request is worked on); composing again clears the review',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: AnswerView, ...errorResponses },
      },
    },
    async (request) => gate.composeAccessAnswer(gateRequest(request), id(request)),
  );

  app.get(
    '/api/rights-requests/:id/access-answer',
    {
      schema: {
        tags: ['rights'],
        summary: 'The answer as it stands; once released, as the person received it (the portable JSON)',
        params: IdParams,
        response: { 200: AnswerView, ...errorResponses },
      },
    },
    async (request) => gate.viewAccessAnswer(gateRequest(request), id(request)),
  );

  app.post(
    '/api/rights-requests/:id/access-answer/review',
    {
      schema: {
        tags: ['rights'],
        summary:
          'Review the answer as a second staff member, withholding values that would endanger someone else, each with its reason (GDPR 15(4))',
        params: IdParams,
        body: Type.Object(
          {
            composedAt: Type.String({
              format: 'date-time',
              description: 'When the package read was composed: a review of an older one is refused',
            }),
            redactions: Type.Array(Redaction, { maxItems: 500 }),
            released: Type.Optional(
              Type.Array(Type.String({ maxLength: 200 }), {
                maxItems: 500,
                description:
                  'Values of reviewed categories (family, health, case notes, protection, biometrics, location) the reviewer releases on purpose',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnswerView, ...errorResponses },
      },
    },
    async (request) =>
      gate.reviewAccessAnswer(
        gateRequest(request),
        id(request),
        request.body as { redactions: unknown; released?: unknown; composedAt: unknown },
      ),
  );
}
