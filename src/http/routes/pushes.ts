import { Type } from 'typebox';
import { SETTLE_REASONS, type SettleReason } from '../../gate/partner-notices.ts';
import type { Haven } from '../../haven.ts';
import { partnerOf, sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * Pushes (issue 17 item 4; PUR-4, RIG-4, RET-2): partners acknowledge the notices they were sent, and pull the ones
 * their webhook missed; staff follow what each partner has not acknowledged, make the partner's webhook secret, and
 * the DPO settles a notice confirmed by other means. Notices name a person only by the partner's pseudonym, and
 * the staff view not at all.
 */
const Change = Type.Union([
  Type.Literal('correction'),
  Type.Literal('erasure'),
  Type.Literal('consent-withdrawn'),
  Type.Literal('objection'),
  Type.Literal('restriction'),
  Type.Literal('restriction-lifted'),
]);
const Action = Type.Union([
  Type.Literal('stop-using'),
  Type.Literal('request-again'),
  Type.Literal('erase'),
  Type.Literal('restrict'),
  Type.Literal('may-resume'),
]);
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Notice = Type.Object(
  {
    notice: Uuid,
    person: Type.Union([Type.String(), Type.Null()], { description: 'Your pseudonym for the person' }),
    change: Change,
    action: Action,
    purpose: Type.Union([Type.String(), Type.Null()]),
    fieldGroups: Type.Array(Type.String()),
    agreements: Type.Array(Uuid),
    changedAt: Time,
    acknowledgeBy: Time,
    acknowledgedAt: NullableTime,
  },
  { $id: 'PartnerNotice', description: 'A change a partner must act on (docs/partners.md, "Pushes")' },
);
const Push = Type.Object({
  id: Uuid,
  change: Change,
  action: Action,
  purpose: Type.Union([Type.String(), Type.Null()]),
  fieldGroups: Type.Array(Type.String()),
  agreements: Type.Array(Uuid),
  createdAt: Time,
  acknowledgeBy: Time,
  state: Type.Union([
    Type.Literal('pending'),
    Type.Literal('delivered'),
    Type.Literal('failed'),
    Type.Literal('gone'),
    Type.Literal('no-webhook'),
    Type.Literal('acknowledged'),
    Type.Literal('settled'),
  ]),
  attempts: Type.Integer(),
  lastAttemptAt: NullableTime,
  lastError: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: NullableTime,
  acknowledgedAt: NullableTime,
  settledAt: NullableTime,
  settledReason: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
});
const Params = Type.Object({ id: Uuid });

export function pushRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(Notice);
  const notices = haven.gate.partnerNotices;
  const readers = { kind: 'staff', roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'] } as const;
  const org = (request: Parameters<typeof sessionOf>[0]) => sessionOf(request).account.organisationId;

  app.post(
    '/api/partner/notices/:id/ack',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary:
          'Acknowledge a notice once you have acted on it; again is fine (same answer). Unknown or not yours: 404',
        params: Params,
        response: {
          200: Type.Object({ notice: Uuid, acknowledgedAt: Time }),
          ...errorResponses,
        },
      },
    },
    async (request) => notices.acknowledge(partnerOf(request), (request.params as { id: string }).id),
  );

  app.get(
    '/api/partner/notices',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary:
          'Your notices, oldest first: those not yet acknowledged (pending=true, the default), or your latest 200',
        querystring: Type.Object({ pending: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ notices: Type.Array(Type.Ref('PartnerNotice')) }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      notices: await notices.list(partnerOf(request), {
        pending: (request.query as { pending?: boolean }).pending ?? true,
      }),
    }),
  );

  app.get(
    '/api/partners/:id/pushes',
    {
      config: { access: readers },
      schema: {
        tags: ['sharing'],
        summary:
          'Notices pushed to a partner, newest first, and whether releases to it are blocked by one left unacknowledged',
        params: Params,
        querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            pushes: Type.Array(Push),
            open: Type.Integer(),
            overdue: Type.Integer(),
            blocked: Type.Boolean(),
            webhookUrl: Type.Union([Type.String(), Type.Null()]),
            secrets: Type.Array(
              Type.Object({ version: Type.Integer(), createdAt: Time, retiresAt: NullableTime }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      // Checks the partner is the organisation's (404 otherwise) before anything about its notices is read.
      const webhook = await haven.pushes.webhookStatus(org(request), id);
      const open = (request.query as { open?: boolean }).open;
      return {
        ...(await notices.pushes(org(request), id, open === undefined ? {} : { open })),
        ...webhook,
      };
    },
  );

  app.post(
    '/api/partners/:id/webhook-secret',
    {
      config: { access: { kind: 'staff', roles: ['dpo', 'admin'], reauth: true } },
      schema: {
        tags: ['sharing'],
        summary:
          'Make a new secret for the partner’s webhook (shown once: give it to the partner); the previous one signs for 24 more hours',
        params: Params,
        response: {
          201: Type.Object({
            secret: Type.String({ description: 'whsec_… (Standard Webhooks); Haven keeps it only sealed' }),
            version: Type.Integer(),
            createdAt: Time,
            previousRetiresAt: NullableTime,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const made = await haven.pushes.newWebhookSecret(
        session.account.organisationId,
        (request.params as { id: string }).id,
        { account: session.account.id, audit: staffActor(session) },
      );
      return reply.code(201).header('cache-control', 'no-store').send(made);
    },
  );

  app.post(
    '/api/partners/:id/pushes/:notice/settle',
    {
      config: { access: { kind: 'staff', roles: ['dpo'] } },
      schema: {
        tags: ['sharing'],
        summary:
          'Settle a notice the partner has not acknowledged (confirmed by other means): it stops blocking releases',
        params: Type.Object({ id: Uuid, notice: Uuid }),
        body: Type.Object(
          { reason: Type.Union(SETTLE_REASONS.map((r) => Type.Literal(r))) },
          { additionalProperties: false },
        ),
        response: { 200: Push, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = sessionOf(request);
      const { id, notice } = request.params as { id: string; notice: string };
      return notices.settle(
        { accountId: account.id, organisationId: account.organisationId, role: account.role },
        id,
        notice,
        (request.body as { reason: SettleReason }).reason,
      );
    },
  );
}
