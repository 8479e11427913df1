import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import { RIGHTS_KINDS } from '../../domain/rights/requests.ts';
import { raiseConcern } from '../../governance/concerns.ts';
import type { Haven } from '../../haven.ts';
import { addressWait, recordAddressFailure } from '../../identity/throttle.ts';
import { AccessAnswerSchema } from '../../rights/access-answer-schema.ts';
import { portalCookieName } from '../access.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * The person portal's API (issue 16 item 4): sign-in with the card code and PIN, then the person's own record
 * only — the person comes from the session, never from the URL. And, for staff, the card's issue at the desk.
 */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const PortalRequest = Type.Object({
  id: Uuid,
  kind: Type.String(),
  purpose: Type.Union([Type.Null(), Type.String()]),
  state: Type.String(),
  receivedOn: Day,
  dueOn: Day,
  answerReady: Type.Boolean(),
});
const Overview = Type.Object({
  organisation: Type.String(),
  purposes: Type.Array(
    Type.Object({
      purpose: Type.String(),
      basis: Type.String(),
      state: Type.String({ enum: ['given', 'withdrawn'] }),
      since: Day,
      withdrawable: Type.Boolean(),
      noticeGiven: Type.Union([
        Type.Null(),
        Type.Object({ version: Type.String(), language: Type.Union([Type.Null(), Type.String()]) }),
      ]),
      noticeCurrent: Type.Union([Type.Null(), Type.String()]),
    }),
  ),
  requests: Type.Array(PortalRequest),
});
const HistoryEntry = Type.Object({
  entry: Type.Integer(),
  time: Type.String({ format: 'date-time' }),
  actorKind: Type.String(),
  organisation: Type.Union([Type.Null(), Type.Object({ id: Uuid, name: Type.String() })]),
  role: Type.Union([Type.Null(), Type.String()]),
  action: Type.String(),
  purpose: Type.Union([Type.Null(), Type.String()]),
  fieldGroups: Type.Array(Type.String()),
  decision: Type.String({ enum: ['allow', 'deny'] }),
  reason: Type.String(),
});
const Language = Type.String({ pattern: '^[a-z]{2,3}$', description: 'ISO 639 code of the page language' });

export function portalRoutes(app: HttpApp, haven: Haven): void {
  const portal = haven.gate.portal;
  const person = { access: { kind: 'person' } } as const;
  const session = (request: FastifyRequest) => {
    if (!request.personSession)
      throw new HavenError('portal-not-signed-in', 'Sign in with your card and PIN.', { status: 401 });
    return request.personSession;
  };
  // A per-address limit on failures, apart from staff sign-in's, so guessing cards cannot lock staff out.
  const addressOf = (ip: string) => `portal:${ip}`;

  app.post(
    '/api/me/sign-in',
    {
      config: {
        access: { kind: 'public' },
        rateLimit: { max: haven.config.signInRateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['portal'],
        summary:
          'Sign in to the person portal with the card code and PIN; the same answer for a wrong code and a wrong PIN',
        body: Type.Object(
          { code: Type.String({ maxLength: 40 }), pin: Type.String({ maxLength: 16 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ csrfToken: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const address = addressOf(request.ip);
      const wait = await addressWait(haven.identity, haven.db, address);
      if (wait > 0) {
        throw new HavenError(
          'too-many-attempts',
          'Too many wrong tries from this network. Wait and try again.',
          {
            status: 429,
            retryAfter: wait,
          },
        );
      }
      const body = request.body as { code: string; pin: string };
      try {
        const { token, session: signedIn } = await portal.signIn({ ...body, requestId: request.id });
        reply.setCookie(portalCookieName(haven), token, {
          httpOnly: true,
          secure: haven.config.secureCookies,
          sameSite: 'strict',
          path: '/',
        });
        return { csrfToken: signedIn.csrfToken };
      } catch (error) {
        if (error instanceof HavenError && error.status === 401) {
          await recordAddressFailure(haven.identity, haven.db, address);
        }
        throw error;
      }
    },
  );

  app.post(
    '/api/me/sign-out',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary: 'Sign out of the portal',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await portal.signOut(session(request));
      reply.clearCookie(portalCookieName(haven), {
        path: '/',
        secure: haven.config.secureCookies,
        sameSite: 'strict',
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary:
          'The person’s own overview: purposes with the notice given and the current one, consents, requests',
        response: { 200: Overview, ...errorResponses },
      },
    },
    async (request) => portal.overview(session(request)),
  );

  app.post(
    '/api/me/consents/:purpose/withdraw',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary:
          'Withdraw consent for a purpose, in one step (PUR-4): the next staff access under it is refused',
        params: Type.Object({ purpose: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }),
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ purpose: Type.String(), withdrawnOn: Day }), ...errorResponses },
      },
    },
    async (request) =>
      portal.withdrawConsent(session(request), (request.params as { purpose: string }).purpose),
  );

  app.get(
    '/api/me/access-history',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary:
          'Who accessed the record (AUD-5): organisation, role, purpose, date; refusals too; never staff names',
        querystring: Type.Object(
          { before: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ history: Type.Array(HistoryEntry) }), ...errorResponses },
      },
    },
    async (request) => ({
      history: await portal.accessHistory(session(request), request.query as { before?: number }),
    }),
  );

  app.post(
    '/api/me/access-history/:entry/concern',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary:
          '“I don’t recognise this”: raise a concern with the DPO about one entry of the history; returns the follow-up code',
        params: Type.Object({ entry: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          { words: Type.Optional(Type.String({ maxLength: 2000 })), language: Language },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ followUpCode: Type.String(), acknowledgeBy: Day, answerBy: Day }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { entry: number } = request.params as { entry: number };
      const { words, language } = request.body as { words?: string; language: string };
      const { entry, organisationSlug } = await portal.historyEntry(session(request), number);
      // The entry names the person to the DPO through the ledger. The person's own words follow, each line quoted,
      // so they can never pass for the line Haven writes (another entry number, say).
      const quoted = (words ?? '')
        .trim()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => `> ${line}`);
      const text = [
        `A registered person does not recognise this access to their record (ledger entry ${entry.entry}):`,
        `${entry.time} · ${entry.organisation?.name ?? '—'} · ${entry.role ?? '—'} · ${entry.purpose ?? '—'} · ${entry.action} · ${entry.decision}`,
        ...(quoted.length > 0 ? ['', 'In their words:', ...quoted] : []),
      ].join('\n');
      // An access by the DPO is questioned before oversight, not before the DPO (GOV-4).
      const raised = await raiseConcern(
        haven.db,
        haven.concerns.keys,
        {
          text,
          aboutDpo: entry.role === 'dpo',
          ...(organisationSlug ? { organisation: organisationSlug } : {}),
          language,
        },
        haven.clock.now(),
      );
      return reply.code(201).send(raised);
    },
  );

  app.post(
    '/api/me/requests',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary: 'Make a request (RIG-1): free, any number; the card and PIN count as its identity check',
        body: Type.Object(
          {
            kind: Type.String({ enum: [...RIGHTS_KINDS] }),
            purpose: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PortalRequest, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await portal.request(session(request), request.body as { kind: string })),
  );

  app.get(
    '/api/me/requests/:id/answer',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary: 'Download the answer to an answered access or portability request (JSON, GDPR 20)',
        params: Type.Object({ id: Uuid }),
        response: { 200: AccessAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await portal.answer(session(request), (request.params as { id: string }).id);
      reply.header('content-disposition', 'attachment; filename="my-data-haven.json"');
      return answer;
    },
  );

  app.post(
    '/api/persons/:id/card',
    {
      config: { access: { kind: 'staff' } },
      schema: {
        tags: ['rights'],
        summary:
          'Issue the person’s card (again) with the PIN they choose now: the code is shown once; the old code and portal sessions end',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ pin: Type.String({ maxLength: 16 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ code: Type.String(), issuedAt: Type.String({ format: 'date-time' }) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(
          await haven.gate.issueCard(
            gateRequest(request),
            (request.params as { id: string }).id,
            request.body as { pin: string },
          ),
        ),
  );
}
