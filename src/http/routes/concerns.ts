import { Type } from 'typebox';
import {
  ACKNOWLEDGE_DAYS,
  ANSWER_MONTHS,
  CONCERN_TEXT_MAX,
  type ConcernReader,
  type ConcernView,
  concernStep,
  followUp,
  listConcerns,
  openConcern,
  raiseConcern,
} from '../../governance/concerns.ts';
import type { Haven } from '../../haven.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * The anonymous concern channel (GOV-4). The public routes are `anonymous`: Haven reads no cookie on them, keeps
 * no address for rate limiting (the proof-of-work challenge and a channel-wide limit throttle instead) and writes
 * no request log line. The follow-up code travels in the body, never in an address that a proxy might log.
 * The DPO and oversight read and answer concerns; a concern about the DPO reaches oversight only.
 */
const anonymous = { access: { kind: 'anonymous' }, rateLimit: false } as const;
const Day = Type.String({ description: 'YYYY-MM-DD: Haven keeps no time finer than the day' });
const Message = Type.Object({
  author: Type.Union([Type.Literal('sender'), Type.Literal('dpo'), Type.Literal('oversight')]),
  text: Type.String(),
  sentOn: Day,
});
const Clocks = {
  receivedOn: Day,
  acknowledgedOn: Type.Union([Day, Type.Null()]),
  answeredOn: Type.Union([Day, Type.Null()]),
  closedOn: Type.Union([Day, Type.Null()]),
  acknowledgeBy: Day,
  answerBy: Day,
};
const SenderView = Type.Object({ ...Clocks, messages: Type.Array(Message) });
const StaffSummary = Type.Object({
  id: Uuid,
  organisation: Type.Union([Type.String(), Type.Null()]),
  aboutDpo: Type.Boolean(),
  language: Type.String(),
  ...Clocks,
});
const StaffView = Type.Object({ ...StaffSummary.properties, messages: Type.Array(Message) });
const ConcernText = Type.String({ maxLength: CONCERN_TEXT_MAX, ...MULTILINE });
const FollowUpCode = Type.String({ minLength: 1, maxLength: 40 });

/** What the sender sees: the clocks and the exchange, not the internal id or who on staff read it. */
function forSender(view: ConcernView) {
  const { id: _id, organisation: _organisation, aboutDpo: _aboutDpo, language: _language, ...shown } = view;
  return shown;
}

export function concernRoutes(app: HttpApp, haven: Haven): void {
  const { keys, throttle } = haven.concerns;

  app.get(
    '/api/public/concerns/challenge',
    {
      config: anonymous,
      schema: {
        tags: ['concerns'],
        summary:
          'A challenge to solve before sending a concern (SHA-256 of "challenge:nonce" with `difficulty` leading zero bits)',
        response: {
          200: Type.Object({
            challenge: Type.String(),
            difficulty: Type.Integer(),
            acknowledgeDays: Type.Integer(),
            answerMonths: Type.Integer(),
          }),
        },
      },
    },
    async () => ({ ...throttle.challenge(), acknowledgeDays: ACKNOWLEDGE_DAYS, answerMonths: ANSWER_MONTHS }),
  );

  app.post(
    '/api/public/concerns',
    {
      config: anonymous,
      schema: {
        tags: ['concerns'],
        summary:
          'Raise a concern anonymously: keep the follow-up code it returns, the only way to read the answer',
        body: Type.Object(
          {
            challenge: Type.String({ maxLength: 200 }),
            nonce: Type.String({ maxLength: 64 }),
            text: ConcernText,
            aboutDpo: Type.Boolean({ description: 'The concern is about the DPO: only oversight reads it' }),
            organisation: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
            language: Type.String({ pattern: '^[a-z]{2,3}$' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            followUpCode: Type.String(),
            receivedOn: Day,
            acknowledgeBy: Day,
            answerBy: Day,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        challenge: string;
        nonce: string;
        text: string;
        aboutDpo: boolean;
        organisation?: string;
        language: string;
      };
      throttle.admit(body.challenge, body.nonce);
      const raised = await raiseConcern(haven.db, keys, body, haven.clock.now());
      return reply.code(201).send(raised);
    },
  );

  app.post(
    '/api/public/concerns/follow-up',
    {
      config: anonymous,
      schema: {
        tags: ['concerns'],
        summary: 'Read the answers to your concern with its follow-up code',
        body: Type.Object({ code: FollowUpCode }, { additionalProperties: false }),
        response: { 200: SenderView, ...errorResponses },
      },
    },
    async (request) => forSender(await followUp(haven.db, keys, (request.body as { code: string }).code)),
  );

  app.post(
    '/api/public/concerns/reply',
    {
      config: anonymous,
      schema: {
        tags: ['concerns'],
        summary: 'Write back on your concern with its follow-up code',
        body: Type.Object({ code: FollowUpCode, text: ConcernText }, { additionalProperties: false }),
        response: { 200: SenderView, ...errorResponses },
      },
    },
    async (request) => {
      const { code, text } = request.body as { code: string; text: string };
      return forSender(
        await concernStep(haven.db, keys, { kind: 'sender-reply', code, text }, haven.clock.now()),
      );
    },
  );

  const readers = { kind: 'staff', roles: ['dpo', 'oversight'] } as const;
  const readerOf = (request: Parameters<typeof sessionOf>[0]): ConcernReader => {
    const { account } = sessionOf(request);
    return { role: account.role === 'dpo' ? 'dpo' : 'oversight', organisationId: account.organisationId };
  };

  app.get(
    '/api/concerns',
    {
      config: { access: readers },
      schema: {
        tags: ['concerns'],
        summary:
          'Concerns for you: open ones first, with their clocks (7 days to acknowledge, 3 months to answer)',
        response: { 200: Type.Object({ concerns: Type.Array(StaffSummary) }), ...errorResponses },
      },
    },
    async (request) => ({ concerns: await listConcerns(haven.db, readerOf(request)) }),
  );

  app.get(
    '/api/concerns/:id',
    {
      config: { access: readers },
      schema: {
        tags: ['concerns'],
        summary: 'Read a concern and its exchange (the reading is an audit event)',
        params: Type.Object({ id: Uuid }),
        response: { 200: StaffView, ...errorResponses },
      },
    },
    async (request) =>
      openConcern(
        haven.db,
        keys,
        readerOf(request),
        (request.params as { id: string }).id,
        staffActor(sessionOf(request)),
      ),
  );

  for (const kind of ['acknowledge', 'close'] as const) {
    app.post(
      `/api/concerns/:id/${kind}`,
      {
        config: { access: readers },
        schema: {
          tags: ['concerns'],
          summary: kind === 'acknowledge' ? 'Acknowledge receipt (within 7 days)' : 'Close the concern',
          params: Type.Object({ id: Uuid }),
          response: { 200: StaffView, ...errorResponses },
        },
      },
      async (request) =>
        concernStep(
          haven.db,
          keys,
          {
            kind,
            reader: readerOf(request),
            id: (request.params as { id: string }).id,
            actor: staffActor(sessionOf(request)),
          },
          haven.clock.now(),
        ),
    );
  }

  app.post(
    '/api/concerns/:id/answer',
    {
      config: { access: readers },
      schema: {
        tags: ['concerns'],
        summary: 'Answer the sender (they read it with their code); acknowledges the concern too',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ text: ConcernText }, { additionalProperties: false }),
        response: { 200: StaffView, ...errorResponses },
      },
    },
    async (request) =>
      concernStep(
        haven.db,
        keys,
        {
          kind: 'answer',
          reader: readerOf(request),
          id: (request.params as { id: string }).id,
          actor: staffActor(sessionOf(request)),
          text: (request.body as { text: string }).text,
        },
        haven.clock.now(),
      ),
  );
}
