import { Type } from 'typebox';
import type { Role as StaffRole } from '../../domain/roles.ts';
import type { Haven } from '../../haven.ts';
import type { Session } from '../../identity/sessions.ts';
import { GRANT_KINDS, type ReviewActor } from '../../reviews/grants.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Role, Uuid } from '../schemas.ts';

/**
 * Access recertification (ACC-7; docs/access-reviews.md): a reviewer's grants with their use, approve and revoke
 * (re-authenticated), campaigns, training records, break-glass eligibility and who reviews whom.
 */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const When = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IdParams = Type.Object({ id: Uuid });

const Grant = Type.Object(
  {
    id: Uuid,
    organisationId: Uuid,
    kind: Type.String({ enum: [...GRANT_KINDS] }),
    accountId: Nullable(Uuid),
    account: Nullable(Type.String({ description: 'The holder’s email (staff, not a registered person)' })),
    accountRole: Nullable(Role),
    agreementId: Nullable(Uuid),
    agreement: Nullable(Type.String({ description: 'The agreement’s title' })),
    scope: Type.String({ description: 'The role, the tier, or empty' }),
    grantedAt: When,
    reviewDue: Day,
    reviewedAt: Nullable(When),
    state: Type.String({ enum: ['active', 'lapsed', 'revoked', 'replaced'] }),
    endedAt: Nullable(When),
    reviewerId: Nullable(Uuid),
  },
  { $id: 'AccessGrant' },
);

const Usage = Type.Object({
  since: When,
  until: When,
  lastUse: Nullable(When),
  volume: Type.Integer({ description: 'Ledger events that used the grant in the period' }),
  people: Type.Integer({ description: 'Different people those events were about' }),
  actions: Type.Array(Type.Object({ action: Type.String(), count: Type.Integer() })),
});

const ReviewEntry = Type.Object({
  grant: Grant,
  usage: Nullable(Usage),
  campaign: Nullable(
    Type.Object({ id: Uuid, decision: Nullable(Type.String({ enum: ['approved', 'revoked'] })) }),
  ),
  trainingCurrent: Nullable(Type.Boolean()),
});

const Campaign = Type.Object({
  id: Uuid,
  startedBy: Uuid,
  startedAt: When,
  dueBy: Day,
  state: Type.String({ enum: ['open', 'closed'] }),
  items: Type.Integer(),
  decided: Type.Integer(),
  approved: Type.Integer(),
  revoked: Type.Integer(),
});

const TrainingRecord = Type.Object({
  id: Uuid,
  accountId: Uuid,
  course: Type.String(),
  completedOn: Day,
  expiresOn: Day,
  recordedAt: When,
});

const StaffTraining = Type.Object({
  accountId: Uuid,
  account: Type.String(),
  role: Role,
  tier: Type.Integer(),
  latest: Nullable(TrainingRecord),
  state: Type.String({ enum: ['current', 'expired', 'missing'] }),
  needed: Type.Boolean({
    description: 'Holds tier 3–4 or break-glass eligibility, which need current training',
  }),
  reviewerId: Nullable(Uuid),
});

function reviewActor(session: Session): ReviewActor & { accountId: string } {
  return {
    accountId: session.account.id,
    organisationId: session.account.organisationId,
    role: session.account.role as StaffRole,
    audit: staffActor(session),
  };
}

export function reviewRoutes(app: HttpApp, haven: Haven): void {
  const reviewers = { kind: 'staff', roles: ['supervisor', 'dpo'] } as const;
  const reviewersReauth = { kind: 'staff', roles: ['supervisor', 'dpo'], reauth: true } as const;
  const governors = { kind: 'staff', roles: ['dpo', 'admin'] } as const;
  const adminReauth = { kind: 'staff', roles: ['admin'], reauth: true } as const;

  app.get(
    '/api/reviews/grants',
    {
      config: { access: reviewers },
      schema: {
        tags: ['access reviews'],
        summary:
          'The grants you review (your staff’s; for the DPO, those nobody else reviews) with their use',
        response: { 200: Type.Object({ entries: Type.Array(ReviewEntry) }), ...errorResponses },
      },
    },
    async (request) => ({ entries: await haven.reviews.reviewList(reviewActor(sessionOf(request))) }),
  );

  app.post(
    '/api/reviews/grants/:id/approve',
    {
      config: { access: reviewersReauth },
      schema: {
        tags: ['access reviews'],
        summary: 'Approve a grant until a new review date (never your own; re-authentication)',
        params: IdParams,
        body: Type.Object({ reviewDue: Day }, { additionalProperties: false }),
        response: { 200: Grant, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { reviewDue } = request.body as { reviewDue: string };
      return haven.reviews.approve(reviewActor(sessionOf(request)), id, reviewDue);
    },
  );

  app.post(
    '/api/reviews/grants/:id/revoke',
    {
      config: { access: reviewersReauth },
      schema: {
        tags: ['access reviews'],
        summary:
          'Revoke a grant: its access ends before the next request (never your own; re-authentication)',
        params: IdParams,
        response: { 200: Grant, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return haven.reviews.revoke(reviewActor(sessionOf(request)), id);
    },
  );

  app.get(
    '/api/reviews/campaigns',
    {
      config: { access: governors },
      schema: {
        tags: ['access reviews'],
        summary: 'Review campaigns of your organisation, newest first, with their progress',
        response: { 200: Type.Object({ campaigns: Type.Array(Campaign) }), ...errorResponses },
      },
    },
    async (request) => ({
      campaigns: await haven.reviews.campaigns(sessionOf(request).account.organisationId),
    }),
  );

  app.post(
    '/api/reviews/campaigns',
    {
      config: { access: governors },
      schema: {
        tags: ['access reviews'],
        summary: 'Start a review campaign: every active grant goes before its reviewer',
        body: Type.Object({ dueBy: Type.Optional(Day) }, { additionalProperties: false }),
        response: { 201: Campaign, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { dueBy } = request.body as { dueBy?: string };
      const campaign = await haven.reviews.startCampaign(
        reviewActor(sessionOf(request)),
        dueBy === undefined ? {} : { dueBy },
      );
      return reply.code(201).send(campaign);
    },
  );

  app.get(
    '/api/reviews/training',
    {
      config: { access: { kind: 'staff', roles: ['supervisor', 'dpo', 'admin'] } },
      schema: {
        tags: ['access reviews'],
        summary: 'Data-protection training of active staff (a supervisor: of the staff they review)',
        response: { 200: Type.Object({ staff: Type.Array(StaffTraining) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const staff = await haven.reviews.training(session.account.organisationId);
      return {
        staff:
          session.account.role === 'supervisor'
            ? staff.filter((s) => s.reviewerId === session.account.id)
            : staff,
      };
    },
  );

  app.post(
    '/api/reviews/training',
    {
      config: { access: governors },
      schema: {
        tags: ['access reviews'],
        summary: 'Record a staff member’s data-protection training',
        body: Type.Object(
          {
            accountId: Uuid,
            course: Type.String({ minLength: 1, maxLength: 200 }),
            completedOn: Day,
            expiresOn: Day,
          },
          { additionalProperties: false },
        ),
        response: { 201: TrainingRecord, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        accountId: string;
        course: string;
        completedOn: string;
        expiresOn: string;
      };
      const record = await haven.reviews.recordTraining(reviewActor(sessionOf(request)), body);
      return reply.code(201).send(record);
    },
  );

  app.post(
    '/api/reviews/break-glass-eligibility',
    {
      config: { access: adminReauth },
      schema: {
        tags: ['access reviews'],
        summary: 'Make a trained caseworker or supervisor eligible for break-glass (re-authentication)',
        body: Type.Object({ accountId: Uuid }, { additionalProperties: false }),
        response: { 201: Grant, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accountId } = request.body as { accountId: string };
      const grant = await haven.reviews.grantBreakGlass(reviewActor(sessionOf(request)), accountId);
      return reply.code(201).send(grant);
    },
  );

  app.put(
    '/api/reviews/reviewers/:id',
    {
      config: { access: { kind: 'staff', roles: ['admin'] } },
      schema: {
        tags: ['access reviews'],
        summary: 'Set who reviews an account’s grants (a supervisor or DPO; null: the DPO)',
        params: IdParams,
        body: Type.Object({ reviewerId: Nullable(Uuid) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { reviewerId } = request.body as { reviewerId: string | null };
      await haven.reviews.setReviewer(reviewActor(sessionOf(request)), id, reviewerId);
      return reply.code(204).send(null);
    },
  );
}
