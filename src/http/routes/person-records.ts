import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ERASURE_REASONS, type ErasureReason } from '../../gate/erasure.ts';
import type { Gate } from '../../gate/service.ts';
import type { Haven } from '../../haven.ts';
import { gateRequest, purposeHeaderSchema } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Role, Uuid } from '../schemas.ts';
import { ErasureReceipt } from './legal-holds.ts';

/** Consent, caseloads, corrections, break-glass, access history and erasure — each through the gate. */
const IdParams = Type.Object({ id: Uuid });
const Purpose = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });

const Correction = Type.Object({
  id: Uuid,
  personId: Uuid,
  purpose: Type.String(),
  fieldGroups: Type.Array(Type.String()),
  reason: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
  proposedBy: Uuid,
  proposedAt: Type.String({ format: 'date-time' }),
});
const CorrectionDetail = Type.Intersect([
  Correction,
  Type.Object({
    changes: Type.Array(
      Type.Object({
        group: Type.String(),
        field: Type.String(),
        current: Type.Unknown(),
        proposed: Type.Unknown(),
      }),
    ),
  }),
]);
const Grant = Type.Object({
  id: Uuid,
  accountId: Uuid,
  personId: Uuid,
  purpose: Type.String(),
  fieldGroups: Type.Array(Type.String()),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  endedEarlyAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  active: Type.Boolean(),
  reviewed: Type.Union([
    Type.Object({ outcome: Type.String(), at: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
});

export function personRecordRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;

  app.get(
    '/api/persons/:id/consents',
    {
      schema: {
        tags: ['consent'],
        summary: 'The person’s consent and legal-basis history (nothing is ever overwritten)',
        headers: purposeHeaderSchema,
        params: IdParams,
        response: {
          200: Type.Object({
            entries: Type.Array(
              Type.Object({
                id: Uuid,
                purpose: Type.String(),
                basis: Type.String(),
                action: Type.Union([Type.Literal('grant'), Type.Literal('withdraw')]),
                recordedAt: Type.String({ format: 'date-time' }),
                recordedBy: Type.Union([Uuid, Type.Null()]),
                expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      entries: await gate.basisHistory(gateRequest(request), (request.params as { id: string }).id),
    }),
  );

  app.post(
    '/api/persons/:id/consents',
    {
      schema: {
        tags: ['consent'],
        summary: 'Record the person’s consent, or another legal basis, for a purpose (PUR-3, PUR-5)',
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object({ purpose: Purpose, basis: Type.Ref('Basis') }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Uuid }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { purpose: string; basis: Parameters<Gate['giveBasis']>[3] };
      const result = await gate.giveBasis(
        gateRequest(request),
        (request.params as { id: string }).id,
        body.purpose,
        body.basis,
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/api/persons/:id/consents/withdraw',
    {
      schema: {
        tags: ['consent'],
        summary:
          'Record that the person withdraws consent for a purpose; it takes effect at the next access (PUR-4)',
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object({ purpose: Purpose }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Uuid }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { purpose } = request.body as { purpose: string };
      return reply
        .code(201)
        .send(
          await gate.withdrawConsent(gateRequest(request), (request.params as { id: string }).id, purpose),
        );
    },
  );

  for (const [method, assigned] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/api/persons/:id/caseload/:accountId',
      {
        schema: {
          tags: ['caseload'],
          summary: assigned
            ? 'Put the person in a caseworker’s caseload'
            : 'Take the person out of a caseworker’s caseload',
          headers: purposeHeaderSchema,
          params: Type.Object({ id: Uuid, accountId: Uuid }),
          response: { 200: Type.Object({ assignees: Type.Array(Uuid) }), ...errorResponses },
        },
      },
      async (request) => {
        const { id, accountId } = request.params as { id: string; accountId: string };
        return gate.setCaseload(gateRequest(request), id, accountId, assigned);
      },
    );
  }

  app.get(
    '/api/persons/:id/access-history',
    {
      schema: {
        tags: ['persons'],
        summary:
          'Who accessed the person’s record — organisation and role — when, why, and what was decided (AUD-5)',
        headers: purposeHeaderSchema,
        params: IdParams,
        response: {
          200: Type.Object({
            entries: Type.Array(
              Type.Object({
                time: Type.String({ format: 'date-time' }),
                organisation: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
                role: Type.Union([Role, Type.Null()]),
                action: Type.String(),
                purpose: Type.Union([Type.String(), Type.Null()]),
                fieldGroups: Type.Array(Type.String()),
                decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
                reason: Type.String(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      entries: await gate.viewAccessHistory(gateRequest(request), (request.params as { id: string }).id),
    }),
  );

  app.post(
    '/api/persons/:id/corrections',
    {
      schema: {
        tags: ['corrections'],
        summary: 'Propose a correction of recorded values; a supervisor other than you approves it (ACC-6)',
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object(
          {
            changes: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(MULTILINE)),
            reason: Type.String({
              pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
              description: 'e.g. spelling, wrong-date, document-seen',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Correction, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { changes: Record<string, unknown>; reason: string };
      const created = await gate.proposeCorrection(
        gateRequest(request),
        (request.params as { id: string }).id,
        body.changes,
        body.reason,
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/corrections',
    {
      schema: {
        tags: ['corrections'],
        summary: 'Corrections waiting for approval in your organisation',
        response: { 200: Type.Object({ corrections: Type.Array(Correction) }), ...errorResponses },
      },
    },
    async (request) => ({ corrections: await gate.listCorrections(gateRequest(request)) }),
  );

  for (const [suffix, decision] of [
    ['', undefined],
    ['/approve', 'approve'],
    ['/reject', 'reject'],
  ] as const) {
    const route = `/api/corrections/:id${suffix}`;
    const options = {
      schema: {
        tags: ['corrections'],
        summary: decision
          ? `${decision === 'approve' ? 'Approve and apply' : 'Reject'} a correction`
          : 'A correction with current and proposed values',
        headers: purposeHeaderSchema,
        params: IdParams,
        response: { 200: CorrectionDetail, ...errorResponses },
      },
    };
    const handler = async (request: FastifyRequest) =>
      gate.reviewCorrection(gateRequest(request), (request.params as { id: string }).id, decision);
    if (decision) app.post(route, options, handler);
    else app.get(route, options, handler);
  }

  app.post(
    '/api/persons/:id/break-glass',
    {
      schema: {
        tags: ['break-glass'],
        summary:
          'Emergency access to one person: justification, scope, time limit; the DPO is alerted (ACC-8)',
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object(
          {
            justification: Type.String({ minLength: 1, maxLength: 4000, ...MULTILINE }),
            minutes: Type.Optional(
              Type.Integer({ minimum: 5, maximum: 1440, description: 'Default 240 (4 hours)' }),
            ),
            fieldGroups: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Grant, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { justification: string; minutes?: number; fieldGroups?: string[] };
      return reply
        .code(201)
        .send(
          await gate.requestBreakGlass(gateRequest(request), (request.params as { id: string }).id, body),
        );
    },
  );

  app.get(
    '/api/break-glass',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Your break-glass grants (for the banner), or, for the DPO, those awaiting review',
        querystring: Type.Object(
          { scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('to-review')])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ grants: Type.Array(Grant) }), ...errorResponses },
      },
    },
    async (request) => ({
      grants: await gate.listBreakGlass(
        gateRequest(request),
        (request.query as { scope?: 'mine' | 'to-review' }).scope ?? 'mine',
      ),
    }),
  );

  app.post(
    '/api/break-glass/:id/end',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'End your break-glass grant now',
        params: IdParams,
        response: { 200: Grant, ...errorResponses },
      },
    },
    async (request) => gate.endBreakGlass(gateRequest(request), (request.params as { id: string }).id),
  );

  const Review = Type.Intersect([Grant, Type.Object({ justification: Type.String() })]);
  app.get(
    '/api/break-glass/:id',
    {
      config: { access: { kind: 'staff', roles: ['dpo'] } },
      schema: {
        tags: ['break-glass'],
        summary: 'A grant with its justification, for review (DPO)',
        params: IdParams,
        response: { 200: Review, ...errorResponses },
      },
    },
    async (request) => gate.reviewBreakGlass(gateRequest(request), (request.params as { id: string }).id),
  );
  app.post(
    '/api/break-glass/:id/review',
    {
      config: { access: { kind: 'staff', roles: ['dpo'] } },
      schema: {
        tags: ['break-glass'],
        summary: 'Record the review of a break-glass grant (DPO)',
        params: IdParams,
        body: Type.Object(
          {
            outcome: Type.Union([Type.Literal('justified'), Type.Literal('not-justified')]),
            notes: Type.Optional(Type.String({ maxLength: 4000, ...MULTILINE })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Review, ...errorResponses },
      },
    },
    async (request) =>
      gate.reviewBreakGlass(
        gateRequest(request),
        (request.params as { id: string }).id,
        request.body as { outcome: 'justified' | 'not-justified'; notes?: string },
      ),
  );

  app.delete(
    '/api/persons/:id',
    {
      config: { access: { kind: 'staff', reauth: true } },
      schema: {
        tags: ['persons'],
        summary:
          'Erase a person (DPO): their data key is destroyed, so no copy, backups included, can be read (ENC-4); refused while a legal hold is in force; answers with the receipt',
        params: IdParams,
        body: Type.Object(
          {
            reason: Type.Union(
              ERASURE_REASONS.map((r) => Type.Literal(r)) as [ReturnType<typeof Type.Literal>],
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Uuid,
            erasedAt: Type.String({ format: 'date-time' }),
            receipt: ErasureReceipt,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { reason } = request.body as { reason: ErasureReason };
      return gate.erasePerson(gateRequest(request), (request.params as { id: string }).id, reason);
    },
  );
}
