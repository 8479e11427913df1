import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import { NOTICE_LANGUAGES } from '../../domain/incidents/notice-words.ts';
import type { Haven } from '../../haven.ts';
import { EXPOSURE_KINDS } from '../../incidents/affected-exposures.ts';
import { computeForIncident } from '../../incidents/affected-service.ts';
import { readIncident } from '../../incidents/register.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * The people a breach affected (BRE-3) and the notices to them (BRE-2, GDPR 34): the DPO computes and issues
 * (issuing after re-authentication), oversight and auditors read the counts; the letters to print name people, so
 * only the DPO gets them. The person reads their own notices in the portal. No purpose header: the gate sets the
 * breach-response purpose itself.
 */

const Time = Type.String({ format: 'date-time' });
const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'People per key' });
const IdParams = Type.Object({ id: Uuid });

const AffectedSummary = Type.Object({
  incidentId: Uuid,
  source: Type.Object({
    kind: Type.String({ enum: ['account', 'partner', 'partner-credential'] }),
    id: Uuid,
    key: Type.Union([Type.Null(), Type.String()]),
  }),
  window: Type.Object({ from: Time, to: Time }),
  attribution: Type.String({
    enum: ['exact', 'partner-wide'],
    description:
      'partner-wide: the ledger names the partner, not which of its keys; all its events while the key was valid count',
  }),
  ledgerHead: Type.Integer({ description: 'The last ledger entry when computed' }),
  firstSeq: Type.Union([Type.Null(), Type.Integer()]),
  lastSeq: Type.Union([Type.Null(), Type.Integer()]),
  people: Type.Integer(),
  events: Type.Integer({ description: 'Ledger events that exposed data to the source' }),
  denied: Type.Integer({ description: 'Refused attempts in the window: nothing was exposed by them' }),
  byCategory: Counts,
  byExposure: Type.Record(Type.String({ enum: [...EXPOSURE_KINDS] }), Type.Integer()),
  computedAt: Time,
  computedBy: Uuid,
  digest: Type.String({ description: 'SHA-256 of the computation, also in its ledger event' }),
  notices: Type.Object({
    issued: Type.Integer(),
    portal: Type.Integer(),
    letters: Type.Integer(),
    read: Type.Integer(),
    printed: Type.Integer(),
    issuedAt: Type.Union([Type.Null(), Time]),
  }),
});

const Issued = Type.Object({
  incidentId: Uuid,
  drill: Type.Boolean({ description: 'A drill’s notices are drafts: never shown in the portal' }),
  issued: Type.Integer(),
  portal: Type.Integer(),
  letters: Type.Integer(),
  skipped: Type.Integer({ description: 'People erased since the computation' }),
  byLanguage: Counts,
});

const Notice = {
  id: Uuid,
  incidentId: Uuid,
  reference: Type.String(),
  organisation: Type.String(),
  language: Type.String({ enum: [...NOTICE_LANGUAGES] }),
  channel: Type.String({ enum: ['portal', 'letter'] }),
  sourceKind: Type.String({ enum: ['account', 'partner', 'partner-credential'] }),
  window: Type.Object({ from: Time, to: Time }),
  categories: Type.Array(Type.String()),
  onlyConfirmed: Type.Boolean({ description: 'The partner only learned that the person is registered' }),
  drill: Type.Boolean(),
  issuedAt: Time,
  contact: Type.Union([Type.Null(), Type.String()], {
    description: 'The incident’s contact point; null: the organisation’s data protection officer',
  }),
};
const Name = Type.Union([Type.Null(), Type.String()]);
const Letter = Type.Object({
  ...Notice,
  name: Type.Union([
    Type.Null(),
    Type.Object({ given: Name, family: Name, givenLatin: Name, familyLatin: Name }),
  ]),
});
const PortalNotice = Type.Object({ ...Notice, readAt: Type.Union([Type.Null(), Time]) });

export function incidentAffectedRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;
  const dpo = { kind: 'staff', roles: ['dpo'] } as const;
  const readers = { kind: 'staff', roles: ['dpo', 'oversight', 'auditor'] } as const;
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  /** The incident's contact point (sealed in the register), for the notices' "who to ask". */
  const contacts = async (organisationId: string, incidentIds: readonly string[]) => {
    const found = new Map<string, string | null>();
    for (const id of new Set(incidentIds)) {
      const incident = await readIncident(haven.db, haven.incidents.keys, organisationId, id, {
        withTexts: true,
      });
      found.set(id, incident.texts?.contactPoint ?? null);
    }
    return found;
  };

  app.post(
    '/api/incidents/:id/affected',
    {
      config: { access: dpo },
      schema: {
        tags: ['incidents'],
        summary:
          'Compute the people the incident’s compromised source exposed in its window, from the ledger (BRE-3); replaces an earlier computation until notices are issued',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: AffectedSummary, ...errorResponses },
      },
    },
    async (request) =>
      computeForIncident(
        {
          db: haven.db,
          gate,
          dictionary: haven.dictionary,
          incidentKeys: haven.incidents.keys,
          now: () => haven.clock.now(),
        },
        gateRequest(request),
        idOf(request),
      ),
  );

  app.get(
    '/api/incidents/:id/affected',
    {
      config: { access: readers },
      schema: {
        tags: ['incidents'],
        summary:
          'The people affected, in numbers: by category and by kind of exposure, and the notices’ progress (no one is named); 404 affected-not-computed before the first computation',
        params: IdParams,
        response: { 200: AffectedSummary, ...errorResponses },
      },
    },
    async (request) => {
      const summary = await gate.affectedSummary(gateRequest(request), idOf(request));
      if (!summary)
        throw new HavenError('affected-not-computed', 'The people affected have not been computed yet.', {
          status: 404,
        });
      return summary;
    },
  );

  app.post(
    '/api/incidents/:id/notices',
    {
      config: { access: { ...dpo, reauth: true } },
      schema: {
        tags: ['incidents'],
        summary:
          'Issue a notice to each person affected by a high-risk breach (GDPR 34), in their language, by portal or letter; once. A drill’s are drafts',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Issued, ...errorResponses },
      },
    },
    async (request) => gate.issueBreachNotices(gateRequest(request), idOf(request)),
  );

  app.get(
    '/api/incidents/:id/letters',
    {
      config: { access: dpo },
      schema: {
        tags: ['incidents'],
        summary:
          'The letters to print, one per person without the portal (all=true: every notice), with their names — each name read is in the ledger',
        params: IdParams,
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Array(Letter), ...errorResponses },
      },
    },
    async (request) => {
      const staff = gateRequest(request);
      const letters = await gate.breachLetters(staff, idOf(request), {
        all: (request.query as { all?: boolean }).all === true,
      });
      const contact = await contacts(staff.actor.organisationId, [idOf(request)]);
      return letters.map((l) => ({ ...l, contact: contact.get(l.incidentId) ?? null }));
    },
  );

  app.post(
    '/api/incidents/:id/letters/printed',
    {
      config: { access: dpo },
      schema: {
        tags: ['incidents'],
        summary: 'Record that these letters were printed (the notices’ progress and the work list follow it)',
        params: IdParams,
        body: Type.Object(
          { notices: Type.Array(Uuid, { minItems: 1, maxItems: 100_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ printed: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) =>
      gate.markLettersPrinted(
        gateRequest(request),
        idOf(request),
        (request.body as { notices: string[] }).notices,
      ),
  );

  const person = { access: { kind: 'person' } } as const;

  const personSession = (request: FastifyRequest) => {
    if (!request.personSession)
      throw new HavenError('portal-not-signed-in', 'Sign in with your card and PIN.', { status: 401 });
    return request.personSession;
  };

  app.get(
    '/api/me/breach-notices',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary: 'The notices of breaches that affected me (never a drill’s)',
        response: { 200: Type.Array(PortalNotice), ...errorResponses },
      },
    },
    async (request) => {
      const session = personSession(request);
      const notices = await gate.portal.breachNotices(session);
      const contact = await contacts(
        session.organisationId,
        notices.map((n) => n.incidentId),
      );
      return notices.map((n) => ({ ...n, contact: contact.get(n.incidentId) ?? null }));
    },
  );

  app.post(
    '/api/me/breach-notices/:id/read',
    {
      config: person,
      schema: {
        tags: ['portal'],
        summary: 'I read this notice (the first time is kept)',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ readAt: Time }), ...errorResponses },
      },
    },
    async (request) => gate.portal.readBreachNotice(personSession(request), idOf(request)),
  );
}
