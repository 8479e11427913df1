import type { FastifyError, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { CATEGORIES } from '../../domain/dictionary/types.ts';
import { HavenError } from '../../domain/errors.ts';
import {
  INCIDENT_STATES,
  INCIDENT_TEXT_MAX,
  LATE_REASONS,
  NATURES,
  NO_NOTIFICATION_REASONS,
  NOTIFICATION_TEXT_MAX,
  PEOPLE_CATEGORIES,
  SOURCE_KINDS,
} from '../../domain/incidents/register.ts';
import type { Haven } from '../../haven.ts';
import {
  drillFigures,
  type IncidentActor,
  type IncidentChange,
  incidentRefusalLedgered,
  listIncidents,
  moveIncident,
  notificationDraft,
  notifyAuthority,
  openIncident,
  readIncident,
  recordNoNotification,
  updateIncident,
} from '../../incidents/index.ts';
import { clockView, incidentView } from '../../incidents/view.ts';
import { recordAuditEvent } from '../../ledger/events.ts';
import { sessionOf, staffActor } from '../access.ts';
import { refusalCode } from '../auth-audit.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * The incident register and the authority's clock (BRE-1, BRE-2; docs/incidents.md). The DPO manages it;
 * oversight reads it whole; the auditor reads codes, numbers and times, not the free texts (they may name
 * someone); other roles are refused, and another organisation's incidents are not found. Opening and editing
 * need no re-authentication (a breach is no time for friction, and both can be edited again); state changes
 * and the notification record, which the register keeps for good, do.
 */

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Type.Null(), Time]);
const Text = Type.Union([Type.Null(), Type.String({ maxLength: INCIDENT_TEXT_MAX, ...MULTILINE })]);
const Texts = Type.Object(
  {
    description: Type.Optional(Text),
    consequences: Type.Optional(Text),
    measuresTaken: Type.Optional(Text),
    measuresProposed: Type.Optional(Text),
    contactPoint: Type.Optional(Text),
  },
  { additionalProperties: false },
);
const Source = Type.Object(
  {
    kind: Type.String({ enum: [...SOURCE_KINDS] }),
    accountId: Type.Optional(Uuid),
    partnerId: Type.Optional(Uuid),
    keyId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:~-]{1,128}$' })),
    deviceId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' })),
  },
  { additionalProperties: false, description: 'What was compromised (BRE-3 computes the people affected)' },
);
const Details = {
  nature: Type.Optional(Type.Array(Type.String({ enum: [...NATURES] }), { maxItems: 3 })),
  dataCategories: Type.Optional(Type.Array(Type.String({ enum: [...CATEGORIES] }), { maxItems: 20 })),
  peopleCategories: Type.Optional(
    Type.Array(Type.String({ enum: [...PEOPLE_CATEGORIES] }), { maxItems: 10 }),
  ),
  peopleApprox: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100_000_000 })])),
  recordsApprox: Type.Optional(
    Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1_000_000_000 })]),
  ),
  highRisk: Type.Optional(Type.Boolean()),
  texts: Type.Optional(Texts),
  source: Type.Optional(Type.Union([Type.Null(), Source])),
  window: Type.Optional(
    Type.Object({ from: NullableTime, to: NullableTime }, { additionalProperties: false }),
  ),
};
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The version you saw' });

const ClockSchema = Type.Object({
  state: Type.String({ enum: ['running', 'overdue', 'notified', 'notified-late', 'not-required'] }),
  dueAt: Time,
  leftMs: Type.Union([Type.Null(), Type.Number()]),
  lateMs: Type.Number(),
});
const TextsOut = Type.Union([
  Type.Null(),
  Type.Object({
    description: Type.Union([Type.Null(), Type.String()]),
    consequences: Type.Union([Type.Null(), Type.String()]),
    measuresTaken: Type.Union([Type.Null(), Type.String()]),
    measuresProposed: Type.Union([Type.Null(), Type.String()]),
    contactPoint: Type.Union([Type.Null(), Type.String()]),
  }),
]);
const IncidentSchema = Type.Object({
  id: Uuid,
  reference: Type.String(),
  drill: Type.Boolean(),
  state: Type.String({ enum: [...INCIDENT_STATES] }),
  version: Type.Integer(),
  awareAt: Time,
  recordedAt: Time,
  recordedBy: Uuid,
  nature: Type.Array(Type.String()),
  dataCategories: Type.Array(Type.String()),
  peopleCategories: Type.Array(Type.String()),
  peopleApprox: Type.Union([Type.Null(), Type.Integer()]),
  recordsApprox: Type.Union([Type.Null(), Type.Integer()]),
  highRisk: Type.Boolean(),
  texts: TextsOut,
  source: Type.Union([Type.Null(), Source]),
  window: Type.Object({ from: NullableTime, to: NullableTime }),
  steps: Type.Object({
    confirmedAt: NullableTime,
    containedAt: NullableTime,
    closedAt: NullableTime,
    affectedComputedAt: NullableTime,
  }),
  notification: Type.Union([
    Type.Null(),
    Type.Object({
      at: Time,
      to: Type.String(),
      text: Type.Union([Type.Null(), Type.String()]),
      by: Uuid,
      lateReason: Type.Union([Type.Null(), Type.String()]),
      lateNote: Type.Union([Type.Null(), Type.String()]),
      drill: Type.Boolean(),
    }),
  ]),
  noNotificationReason: Type.Union([Type.Null(), Type.String()]),
  clock: ClockSchema,
});
const StepFigures = Type.Object({
  confirmed: Type.Union([Type.Null(), Type.Integer()]),
  affectedComputed: Type.Union([Type.Null(), Type.Integer()]),
  noticesDrafted: Type.Union([Type.Null(), Type.Integer()]),
  contained: Type.Union([Type.Null(), Type.Integer()]),
  notified: Type.Union([Type.Null(), Type.Integer()]),
  closed: Type.Union([Type.Null(), Type.Integer()]),
});
const StepSummary = Type.Object({
  reached: Type.Integer(),
  medianMinutes: Type.Union([Type.Null(), Type.Integer()]),
  maxMinutes: Type.Union([Type.Null(), Type.Integer()]),
});
const DrillFiguresSchema = Type.Object({
  organisationId: Uuid,
  year: Type.Integer(),
  drills: Type.Array(
    Type.Object({
      id: Uuid,
      reference: Type.String(),
      awareAt: Time,
      state: Type.String(),
      steps: StepFigures,
      inTime: Type.Union([Type.Null(), Type.Boolean()]),
    }),
  ),
  summary: Type.Object({
    drills: Type.Integer(),
    inTime: Type.Integer(),
    steps: Type.Object({
      confirmed: StepSummary,
      affectedComputed: StepSummary,
      noticesDrafted: StepSummary,
      contained: StepSummary,
      notified: StepSummary,
      closed: StepSummary,
    }),
  }),
});
const IdParams = Type.Object({ id: Uuid });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function incidentRoutes(app: HttpApp, haven: Haven): void {
  const keys = haven.incidents.keys;
  const manager = { kind: 'staff', roles: ['dpo'] } as const;
  const sensitive = { kind: 'staff', roles: ['dpo'], reauth: true } as const;
  const readers = { kind: 'staff', roles: ['dpo', 'oversight', 'auditor'] } as const;
  const actorOf = (request: Parameters<typeof sessionOf>[0]): IncidentActor => {
    const session = sessionOf(request);
    return {
      account: session.account.id,
      organisation: session.account.organisationId,
      audit: staffActor(session),
      requestId: request.id,
    };
  };
  /**
   * AUD-1: refusals the register's changes do not ledger themselves — the schema's (invalid-request) and a read of
   * another organisation's incident (not-found) — are deny events too, about the incident named or else the
   * organisation. The access hook ledgers its own (not signed in, wrong role, re-authentication).
   */
  const refusals = (action: string) => ({
    onError: async (request: FastifyRequest, _reply: unknown, error: FastifyError | HavenError) => {
      if (haven.refusals.hasRecorded(request.id) || incidentRefusalLedgered(error)) return;
      if (error instanceof HavenError && haven.gate.alreadyLedgered(error)) return;
      const code = refusalCode(error);
      const session = request.session;
      if (code === undefined || !session) return;
      const id = (request.params as { id?: unknown } | undefined)?.id;
      await recordAuditEvent(haven.db, {
        time: now(),
        actor: staffActor(session),
        action: `incident.${action}`,
        ...(typeof id === 'string' && UUID.test(id)
          ? { subject: id, subjectType: 'incident' as const }
          : { subject: session.account.organisationId, subjectType: 'organisation' as const }),
        decision: 'deny',
        reason: code,
        requestId: request.id,
      });
    },
  });
  // The auditor verifies the register without reading its words (they may name someone).
  const withTexts = (request: Parameters<typeof sessionOf>[0]) =>
    sessionOf(request).account.role !== 'auditor';
  const now = () => haven.clock.now();
  /**
   * A change to one incident (its details, state, notification or why none): the id in the path, the version
   * seen in the body, the incident back as the register now has it.
   */
  const changeRoute = <Body>(
    route: {
      method: 'PATCH' | 'POST';
      url: string;
      access: typeof manager | typeof sensitive;
      action: string;
    },
    summary: string,
    body: TSchema,
    change: IncidentChange<Body>,
  ) =>
    app.route({
      method: route.method,
      url: route.url,
      config: { access: route.access },
      ...refusals(route.action),
      schema: {
        tags: ['incidents'],
        summary,
        params: IdParams,
        body,
        response: { 200: IncidentSchema, ...errorResponses },
      },
      handler: async (request) => {
        const { id } = request.params as { id: string };
        const changed = await change(haven.db, keys, actorOf(request), id, request.body as Body, now());
        return incidentView(changed, now());
      },
    });

  app.get(
    '/api/incidents',
    {
      config: { access: readers },
      ...refusals('list'),
      schema: {
        tags: ['incidents'],
        summary: 'The organisation’s incidents and drills, each with its 72-hour clock (BRE-1, BRE-2)',
        querystring: Type.Object(
          {
            drill: Type.Optional(Type.Boolean()),
            year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2999 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ incidents: Type.Array(IncidentSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as { drill?: boolean; year?: number };
      const incidents = await listIncidents(haven.db, keys, sessionOf(request).account.organisationId, {
        ...query,
        withTexts: withTexts(request),
      });
      const at = now();
      return { incidents: incidents.map((i) => incidentView(i, at)) };
    },
  );

  app.get(
    '/api/incidents/clock',
    {
      config: { access: manager },
      ...refusals('clock'),
      schema: {
        tags: ['incidents'],
        summary:
          'The DPO’s banner: incidents (not drills) whose authority notification is still open, with time left or overdue',
        response: {
          200: Type.Object({
            open: Type.Array(
              Type.Object({ id: Uuid, reference: Type.String(), awareAt: Time, clock: ClockSchema }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const incidents = await listIncidents(haven.db, keys, sessionOf(request).account.organisationId, {
        drill: false,
        clockOpen: true,
        withTexts: false,
      });
      const at = now();
      return {
        open: incidents
          .map((i) => ({
            id: i.id,
            reference: i.reference,
            awareAt: i.awareAt.toISOString(),
            clock: clockView(i, at),
          }))
          .sort((a, b) => a.clock.dueAt.localeCompare(b.clock.dueAt)),
      };
    },
  );

  app.get(
    '/api/incidents/drills/figures',
    {
      config: { access: readers },
      ...refusals('drill-figures'),
      schema: {
        tags: ['incidents'],
        summary:
          'Drills of a year (this year unless given): how long each step took, per drill and in summary',
        querystring: Type.Object(
          { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2999 })) },
          { additionalProperties: false },
        ),
        response: { 200: DrillFiguresSchema, ...errorResponses },
      },
    },
    async (request) => {
      const year = (request.query as { year?: number }).year ?? now().getUTCFullYear();
      // The breach-response steps (people computed, notices drafted) through the gate, as this reader (BRE-3).
      return drillFigures(haven.db, sessionOf(request).account.organisationId, year, (ids) =>
        haven.gate.breachSteps(gateRequest(request), ids),
      );
    },
  );

  app.post(
    '/api/incidents',
    {
      config: { access: manager },
      ...refusals('open'),
      schema: {
        tags: ['incidents'],
        summary:
          'Open an incident (suspected), or a drill of one: awareness time and nature required; the clock starts at awareness',
        body: Type.Object(
          { awareAt: Time, drill: Type.Optional(Type.Boolean()), ...Details },
          { additionalProperties: false },
        ),
        response: { 201: IncidentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const opened = await openIncident(
        haven.db,
        keys,
        actorOf(request),
        request.body as Record<string, unknown>,
        now(),
      );
      return reply.code(201).send(incidentView(opened, now()));
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      config: { access: readers },
      ...refusals('read'),
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its clock',
        params: IdParams,
        response: { 200: IncidentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const incident = await readIncident(haven.db, keys, sessionOf(request).account.organisationId, id, {
        withTexts: withTexts(request),
      });
      return incidentView(incident, now());
    },
  );

  app.get(
    '/api/incidents/:id/draft',
    {
      config: { access: manager },
      ...refusals('draft'),
      schema: {
        tags: ['incidents'],
        summary: 'The generated notification to the authority (GDPR 33(3) order), for the DPO to edit',
        params: IdParams,
        response: { 200: Type.Object({ text: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return {
        text: await notificationDraft(haven.db, keys, sessionOf(request).account.organisationId, id, now()),
      };
    },
  );

  changeRoute(
    { method: 'PATCH', url: '/api/incidents/:id', access: manager, action: 'update' },
    'Change an incident’s details (any of them) naming the version you saw; not once closed',
    Type.Object(
      { version: Version, awareAt: Type.Optional(Time), ...Details },
      { additionalProperties: false },
    ),
    updateIncident,
  );

  changeRoute(
    { method: 'POST', url: '/api/incidents/:id/state', access: sensitive, action: 'state' },
    'Move an incident: suspected → confirmed or closed; confirmed → contained; contained → confirmed or closed (the DPO, recently re-authenticated). Closing needs the measures taken and the authority told or why not',
    Type.Object(
      { to: Type.String({ enum: [...INCIDENT_STATES] }), version: Version },
      { additionalProperties: false },
    ),
    moveIncident,
  );

  changeRoute(
    { method: 'POST', url: '/api/incidents/:id/notification', access: sensitive, action: 'notify' },
    'Record the notification to the supervisory authority: when, to which authority, what was said; after 72 hours with a reason. A drill’s is recorded as a drill (the DPO, recently re-authenticated)',
    Type.Object(
      {
        version: Version,
        at: Time,
        to: Type.String({ minLength: 1, maxLength: 200 }),
        text: Type.String({ minLength: 1, maxLength: NOTIFICATION_TEXT_MAX, ...MULTILINE }),
        lateReason: Type.Optional(Type.Union([Type.Null(), Type.String({ enum: [...LATE_REASONS] })])),
        lateNote: Type.Optional(
          Type.Union([Type.Null(), Type.String({ maxLength: INCIDENT_TEXT_MAX, ...MULTILINE })]),
        ),
      },
      { additionalProperties: false },
    ),
    notifyAuthority,
  );

  changeRoute(
    {
      method: 'POST',
      url: '/api/incidents/:id/no-notification',
      access: sensitive,
      action: 'no-notification',
    },
    'Record why the authority is not told (GDPR 33(1): unlikely to result in a risk, or no personal-data breach); the clock stops (the DPO, recently re-authenticated)',
    Type.Object(
      { version: Version, reason: Type.String({ enum: [...NO_NOTIFICATION_REASONS] }) },
      { additionalProperties: false },
    ),
    recordNoNotification,
  );
}
