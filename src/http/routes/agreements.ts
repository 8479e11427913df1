import { Type } from 'typebox';
import type { AgreementAction, AgreementProposal } from '../../domain/sharing/agreements.ts';
import type { Haven } from '../../haven.ts';
import { changeAgreement, getAgreement, listAgreements, proposeAgreement } from '../../sharing/agreements.ts';
import type { SharingActor } from '../../sharing/partners.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * Data-sharing agreements (SHA-1). Supervisors, the DPO and administrators propose them; only a DPO approves, and
 * never the proposer (ACC-6, enforced in code and by the database) — the DPO approves sharing agreements
 * (architecture.md). Stopping data is quick: a DPO or an administrator suspends; resuming and terminating are the
 * DPO's. Auditors and oversight read them.
 */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Code = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
const Status = Type.Union(
  ['proposed', 'pending-start', 'active', 'expired', 'suspended', 'terminated'].map((s) => Type.Literal(s)),
);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const AgreementBody = Type.Object(
  {
    id: Uuid,
    organisationId: Uuid,
    partnerId: Uuid,
    partnerName: Type.String(),
    title: Type.String(),
    purposes: Type.Array(Type.String()),
    fields: Type.Array(Type.String()),
    legalBasis: Type.String(),
    startsOn: Day,
    endsOn: Day,
    partnerRetention: Type.String({ description: 'How long the partner may keep what it receives' }),
    onwardSharingBanned: Type.Boolean(),
    onwardSharingReason: Nullable(Type.String()),
    dpias: Type.Union([
      Type.Array(Type.Object({ purpose: Type.String(), id: Uuid, version: Type.Integer(), reviewDate: Day })),
      Type.Null(),
    ]),
    state: Type.Union(['proposed', 'approved', 'suspended', 'terminated'].map((s) => Type.Literal(s))),
    status: Status,
    proposedBy: Uuid,
    proposedAt: Type.String(),
    approvedBy: Nullable(Type.String()),
    approvedAt: Nullable(Type.String()),
    suspendedBy: Nullable(Type.String()),
    suspendedAt: Nullable(Type.String()),
    suspensionReason: Nullable(Type.String()),
    terminatedBy: Nullable(Type.String()),
    terminatedAt: Nullable(Type.String()),
    terminationReason: Nullable(Type.String()),
    updatedAt: Type.String(),
  },
  {
    $id: 'Agreement',
    description:
      'A data-sharing agreement; status is its state with today’s date (pending-start, active, expired)',
  },
);
const Proposal = Type.Object(
  {
    partnerId: Uuid,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    purposes: Type.Array(Code, { minItems: 1, maxItems: 20 }),
    fields: Type.Array(Code, { minItems: 1, maxItems: 500 }),
    legalBasis: Code,
    startsOn: Day,
    endsOn: Day,
    partnerRetention: Type.String({ maxLength: 40, description: 'e.g. "6 months"' }),
    onwardSharingBanned: Type.Optional(Type.Boolean({ default: true })),
    onwardSharingReason: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000, ...MULTILINE }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Uuid });
const Reason = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, ...MULTILINE }) },
  { additionalProperties: false },
);

export function agreementRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(AgreementBody);
  const readers = { kind: 'staff', roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'] } as const;
  const actorOf = (request: Parameters<typeof sessionOf>[0]): SharingActor => {
    const session = sessionOf(request);
    return { account: session.account.id, audit: staffActor(session) };
  };
  const org = (request: Parameters<typeof sessionOf>[0]) => sessionOf(request).account.organisationId;
  const one = { 200: Type.Ref('Agreement'), ...errorResponses };

  app.get(
    '/api/agreements',
    {
      config: { access: readers },
      schema: {
        tags: ['sharing'],
        summary: 'Agreements of your organisation, newest first; partnerId narrows to one partner',
        querystring: Type.Object({ partnerId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: Type.Object({ agreements: Type.Array(Type.Ref('Agreement')) }), ...errorResponses },
      },
    },
    async (request) => ({
      agreements: await listAgreements(haven.db, org(request), haven.clock.now(), {
        ...((request.query as { partnerId?: string }).partnerId
          ? { partnerId: (request.query as { partnerId: string }).partnerId }
          : {}),
      }),
    }),
  );

  app.post(
    '/api/agreements',
    {
      config: { access: { kind: 'staff', roles: ['supervisor', 'dpo', 'admin'] } },
      schema: {
        tags: ['sharing'],
        summary:
          'Propose an agreement: each field readable by each purpose, a basis each purpose accepts; refused with an origin-state authority (SHA-3)',
        body: Proposal,
        response: { 201: Type.Ref('Agreement'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as AgreementProposal & { partnerId: string };
      const proposed = await proposeAgreement(
        haven.db,
        haven.dictionary,
        org(request),
        { ...body, onwardSharingBanned: body.onwardSharingBanned !== false },
        actorOf(request),
        haven.clock.now(),
      );
      return reply.code(201).send(proposed);
    },
  );

  app.get(
    '/api/agreements/:id',
    {
      config: { access: readers },
      schema: { tags: ['sharing'], summary: 'One agreement', params: Params, response: one },
    },
    async (request) =>
      getAgreement(haven.db, org(request), (request.params as { id: string }).id, haven.clock.now()),
  );

  const change = (
    action: AgreementAction,
    roles: readonly ('dpo' | 'admin')[],
    summary: string,
    withReason: boolean,
    reauth = false,
  ) =>
    app.post(
      `/api/agreements/:id/${action}`,
      {
        config: { access: { kind: 'staff', roles, reauth } },
        schema: {
          tags: ['sharing'],
          summary,
          params: Params,
          ...(withReason ? { body: Reason } : {}),
          response: one,
        },
      },
      async (request) =>
        changeAgreement(
          haven.db,
          haven.gate.purposes,
          org(request),
          (request.params as { id: string }).id,
          action,
          withReason ? (request.body as { reason: string }).reason : undefined,
          actorOf(request),
          haven.clock.now(),
        ),
    );
  change(
    'approve',
    ['dpo'],
    'Approve a proposed agreement: a DPO who did not propose it, while each purpose’s DPIA is in force (ACC-6, GOV-2)',
    false,
    true,
  );
  change(
    'suspend',
    ['dpo', 'admin'],
    'Suspend an agreement: nothing more goes out under it from the next request',
    true,
  );
  change('resume', ['dpo'], 'Resume a suspended agreement (its DPIAs checked again)', false);
  change('terminate', ['dpo'], 'Terminate an agreement (or withdraw a proposal); final', true);
}
