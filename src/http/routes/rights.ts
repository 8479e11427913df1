import { Type } from 'typebox';
import {
  CHANNELS,
  REFUSAL_REASONS,
  RIGHTS_KINDS,
  STAFF_IDENTITY_CHECKS,
} from '../../domain/rights/requests.ts';
import type { Haven } from '../../haven.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * Rights requests (RIG-1 – RIG-5), staff side: taken down for a person, then identity, work, extension, answer or
 * refusal. Always under the rights purpose: no purpose header is read.
 */
// One of a fixed list, checked by the schema; the gate checks again (it is also reached without HTTP).
const literals = (list: readonly string[]) => Type.String({ enum: [...list] });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const RightsRequest = Type.Object({
  id: Uuid,
  personId: Uuid,
  kind: literals(RIGHTS_KINDS),
  channel: literals(CHANNELS),
  purpose: Type.Union([Type.Null(), Type.String()]),
  state: Type.String(),
  receivedOn: Day,
  dueOn: Day,
  extended: Type.Boolean(),
  overdue: Type.Boolean(),
  identity: Type.Union([Type.Null(), Type.Object({ check: Type.String(), strength: Type.Integer() })]),
  assignee: Type.Union([Type.Null(), Uuid]),
  refusalReason: Type.Union([Type.Null(), Type.String()]),
});
const IdParams = Type.Object({ id: Uuid });
const Counts = Type.Record(Type.String(), Type.Integer());
const Figures = Type.Object({
  month: Type.String(),
  received: Type.Object({ total: Type.Integer(), byKind: Counts, byChannel: Counts }),
  extended: Type.Integer(),
  answered: Type.Object({
    total: Type.Integer(),
    late: Type.Integer(),
    medianDays: Type.Union([Type.Null(), Type.Number()]),
  }),
  refused: Type.Object({ total: Type.Integer(), byReason: Counts }),
  now: Type.Object({ on: Day, open: Type.Integer(), overdue: Type.Integer() }),
});
const Empty = Type.Object({}, { additionalProperties: false });

export function rightsRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;

  app.post(
    '/api/persons/:id/rights-requests',
    {
      schema: {
        tags: ['rights'],
        summary: 'Take down a request of the person (RIG-1): its deadline is one calendar month from today',
        params: IdParams,
        body: Type.Object(
          {
            kind: literals(RIGHTS_KINDS),
            channel: literals(CHANNELS),
            purpose: Type.Optional(
              Type.String({
                pattern: '^[a-z][a-z0-9-]{0,62}$',
                description: 'For an objection: the purpose',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: RightsRequest, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await gate.receiveRightsRequest(
            gateRequest(request),
            (request.params as { id: string }).id,
            request.body as { kind: string; channel: string; purpose?: string },
          ),
        ),
  );

  app.get(
    '/api/rights-requests',
    {
      schema: {
        tags: ['rights'],
        summary: 'The organisation’s rights requests, open ones first by deadline, overdue marked (RIG-2)',
        querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ requests: Type.Array(RightsRequest) }), ...errorResponses },
      },
    },
    async (request) => ({
      requests: await gate.listRightsRequests(gateRequest(request), {
        open: (request.query as { open?: boolean }).open ?? false,
      }),
    }),
  );

  app.get(
    '/api/rights-requests/figures',
    {
      config: { access: { kind: 'staff', roles: ['dpo', 'oversight'] } },
      schema: {
        tags: ['rights'],
        summary:
          'A month of rights requests in counts, for the DPO and oversight: received by kind and channel, extended, answered (late, median days), refused by reason; open and overdue today',
        querystring: Type.Object(
          { month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }) },
          { additionalProperties: false },
        ),
        response: { 200: Figures, ...errorResponses },
      },
    },
    async (request) => gate.rightsFigures(gateRequest(request), (request.query as { month: string }).month),
  );

  app.get(
    '/api/rights-requests/:id',
    {
      schema: {
        tags: ['rights'],
        summary: 'One rights request, for staff who may handle it (a caseworker: in their caseload)',
        params: IdParams,
        response: { 200: RightsRequest, ...errorResponses },
      },
    },
    async (request) => gate.showRightsRequest(gateRequest(request), (request.params as { id: string }).id),
  );

  const steps = {
    'identity-check': {
      summary: 'Record how the person’s identity was checked; its strength is recorded with it',
      body: Type.Object({ check: literals(STAFF_IDENTITY_CHECKS) }, { additionalProperties: false }),
      step: (body: Record<string, unknown>) => ({ step: 'identity' as const, check: body.check }),
    },
    start: {
      summary: 'Start work on it: refused while the identity checked is too weak for its kind',
      body: Empty,
      step: () => ({ step: 'start' as const }),
    },
    extend: {
      summary:
        'Extend it once by one or two months, within the first month, with a reason told to the person',
      body: Type.Object(
        {
          months: Type.Integer({ minimum: 1, maximum: 2 }),
          reason: Type.String({ minLength: 1, maxLength: 2000, ...MULTILINE }),
          personNotified: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      step: (body: Record<string, unknown>) => ({
        step: 'extend' as const,
        months: body.months,
        reason: body.reason,
        personNotified: body.personNotified,
      }),
    },
    answer: {
      summary: 'Record that it was answered',
      body: Empty,
      step: () => ({ step: 'answer' as const }),
    },
    refuse: {
      summary: 'Refuse it, naming a reason from the list and saying why (RIG-5)',
      body: Type.Object(
        {
          reason: literals(REFUSAL_REASONS),
          note: Type.String({ minLength: 1, maxLength: 2000, ...MULTILINE }),
        },
        { additionalProperties: false },
      ),
      step: (body: Record<string, unknown>) => ({
        step: 'refuse' as const,
        reason: body.reason,
        note: body.note,
      }),
    },
  } as const;
  for (const [path, spec] of Object.entries(steps)) {
    app.post(
      `/api/rights-requests/:id/${path}`,
      {
        schema: {
          tags: ['rights'],
          summary: spec.summary,
          params: IdParams,
          body: spec.body,
          response: { 200: RightsRequest, ...errorResponses },
        },
      },
      async (request) =>
        gate.advanceRightsRequest(
          gateRequest(request),
          (request.params as { id: string }).id,
          spec.step((request.body ?? {}) as Record<string, unknown>),
        ),
    );
  }
}
