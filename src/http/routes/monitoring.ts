import { type TOptional, type TSchema, Type } from 'typebox';
import {
  ALERT_OUTCOMES,
  acknowledgeAlert,
  acknowledgedAlerts,
  alertEvidence,
  getAlert,
  openAlerts,
} from '../../governance/alerts.ts';
import type { Haven } from '../../haven.ts';
import { EXPLAINED_MAX_DAYS, explainedShare } from '../../monitoring/figures.ts';
import { DEFAULT_THRESHOLDS, loadThresholds, RULES, saveThresholds } from '../../monitoring/thresholds.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * The DPO's view of anomaly detection (AUD-6): alerts with their evidence (ledger entries) and acknowledgement, the
 * rules' thresholds (changed only after re-authentication), and the share of accesses the data explains. Everything
 * is the DPO's own organisation; nothing names a registered person.
 */
const Explanation = Type.Union([
  Type.Null(),
  Type.Object({
    code: Type.String({ description: 'Message code, `anomaly.<rule>`' }),
    params: Type.Record(Type.String(), Type.Number(), { description: 'Numbers the message uses' }),
  }),
]);
export const AlertSchema = Type.Object({
  id: Uuid,
  kind: Type.String({
    description: '`anomaly.<rule>` for the anomaly rules; `break-glass`, `verification-burst` …',
  }),
  subject: Type.Union([Type.Null(), Type.String()], {
    description: 'The staff account or partner it is about',
  }),
  raisedBy: Type.Union([Type.Null(), Type.String()]),
  raisedAt: Type.String({ format: 'date-time' }),
  evidence: Type.Array(Type.Integer(), { description: 'Ledger entry numbers' }),
  explanation: Explanation,
  suspended: Type.Boolean({ description: 'The account was suspended automatically' }),
  acknowledgedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  acknowledgedBy: Type.Union([Type.Null(), Type.String()]),
  outcome: Type.Union([Type.Null(), Type.String({ enum: [...ALERT_OUTCOMES] })]),
});
const EvidenceEntry = Type.Object({
  entry: Type.Integer(),
  time: Type.String({ format: 'date-time' }),
  action: Type.String(),
  purpose: Type.Union([Type.Null(), Type.String()]),
  fieldGroups: Type.Array(Type.String()),
  decision: Type.String({ enum: ['allow', 'deny'] }),
  reason: Type.String(),
});
const count = (description: string) => Type.Optional(Type.Number({ description }));
/**
 * In a request an emptied threshold is null and must reach the check as null, which refuses it as `missing`: with
 * a plain number type the validator would coerce null to 0, a value some thresholds accept.
 */
const countOrEmpty = (description: string) =>
  Type.Optional(
    Type.Unsafe<number | null>({
      type: ['number', 'null'],
      description: `${description}; null is refused (missing)`,
    }),
  );
const thresholdsSchema = <F extends TSchema>(field: (description: string) => TOptional<F>) =>
  Type.Object(
    {
      volumePValue: field(
        'Volume: an hour is unusual when P(X ≥ count) under the person’s own rate is below this (0–0.05]',
      ),
      volumeMinimum: field('Volume: never below this many accesses in an hour'),
      volumeDefaultPerHour: field('Volume: hourly rate assumed without enough history'),
      outsideCaseloadPerDay: field('Unexplained accesses by one person within 24 hours'),
      offHoursShare: field(
        'An hour of the day with less than this share of the person’s work is unusual (0–0.5)',
      ),
      offHoursMinimum: field('Accesses within one unusual hour'),
      baselineMinimumDays: field('Days of history before a baseline is trusted (1–28)'),
      fishingHitsPerSearch: field('Unexplained persons a search returns to count as fishing'),
      fishingSearchesPerHour: field('Fishing searches within one hour'),
      bulkPersonsPerHour: field('Persons exported or released within one hour'),
      denialsPerHour: field('Refused requests within one hour'),
      breakGlassPerWeek: field('Break-glass accesses started within 7 days'),
      suspendOn: Type.Optional(
        Type.Array(Type.String(), {
          description: `Rules whose alert suspends the account: ${RULES.join(', ')}`,
        }),
      ),
    },
    // Unknown names reach the check, which refuses them with alert-threshold-invalid like any other bad threshold.
    { additionalProperties: true },
  );
const ThresholdsSchema = thresholdsSchema(count);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export function monitoringRoutes(app: HttpApp, haven: Haven): void {
  const dpo = { access: { kind: 'staff' as const, roles: ['dpo' as const] } };
  const org = (request: Parameters<typeof sessionOf>[0]) => sessionOf(request).account.organisationId;

  app.get(
    '/api/monitoring/alerts',
    {
      config: dpo,
      schema: {
        tags: ['monitoring'],
        summary:
          'The organisation’s alerts (DPO): open ones oldest first, or the 50 acknowledged last, with rule, evidence and outcome',
        querystring: Type.Object(
          { state: Type.Optional(Type.String({ enum: ['open', 'acknowledged'] })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ alerts: Type.Array(AlertSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const state = (request.query as { state?: string }).state ?? 'open';
      return {
        alerts:
          state === 'open'
            ? await openAlerts(haven.db, org(request))
            : await acknowledgedAlerts(haven.db, org(request)),
      };
    },
  );

  app.get(
    '/api/monitoring/alerts/:id',
    {
      config: dpo,
      schema: {
        tags: ['monitoring'],
        summary:
          'One alert with its evidence: the ledger entries the rule saw (what, when, how decided; no person)',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({ alert: AlertSchema, evidence: Type.Array(EvidenceEntry) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const alert = await getAlert(haven.db, org(request), (request.params as { id: string }).id);
      return { alert, evidence: await alertEvidence(haven.db, alert) };
    },
  );

  app.post(
    '/api/monitoring/alerts/:id/acknowledge',
    {
      config: dpo,
      schema: {
        tags: ['monitoring'],
        summary: 'Acknowledge an alert with what was found: misuse, justified, or a false alarm (DPO; once)',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ outcome: Type.String() }, { additionalProperties: false }),
        response: { 200: AlertSchema, ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return acknowledgeAlert(
        haven.db,
        session.account.organisationId,
        (request.params as { id: string }).id,
        (request.body as { outcome: string }).outcome,
        staffActor(session),
      );
    },
  );

  app.get(
    '/api/monitoring/thresholds',
    {
      config: dpo,
      schema: {
        tags: ['monitoring'],
        summary: 'The anomaly rules’ thresholds in force for the organisation, and the defaults',
        response: {
          200: Type.Object({
            thresholds: ThresholdsSchema,
            defaults: ThresholdsSchema,
            rules: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      thresholds: await loadThresholds(haven.db, org(request)),
      defaults: DEFAULT_THRESHOLDS,
      rules: [...RULES],
    }),
  );

  app.put(
    '/api/monitoring/thresholds',
    {
      config: { access: { ...dpo.access, reauth: true } },
      schema: {
        tags: ['monitoring'],
        summary:
          'Set the thresholds (DPO, recently re-authenticated): omitted ones take their defaults; any bad one refuses the whole set (alert-threshold-invalid)',
        body: thresholdsSchema(countOrEmpty),
        response: { 200: Type.Object({ thresholds: ThresholdsSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const thresholds = await saveThresholds(
        haven.db,
        session.account.organisationId,
        request.body,
        staffActor(session),
      );
      // This server's monitor uses them from its next round; others within a minute.
      await haven.monitor.refresh(true);
      return { thresholds };
    },
  );

  app.get(
    '/api/monitoring/explained',
    {
      config: dpo,
      schema: {
        tags: ['monitoring'],
        summary: `The share of staff accesses the data explains (caseload, rights request, correction, break-glass, own registration) per day, over a period of at most ${EXPLAINED_MAX_DAYS} days (the last 30 unless given)`,
        querystring: Type.Object(
          { from: Type.Optional(Day), to: Type.Optional(Day) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Day,
            to: Day,
            accesses: Type.Integer(),
            explained: Type.Integer(),
            share: Type.Union([Type.Null(), Type.Number()]),
            byReason: Type.Record(Type.String(), Type.Integer()),
            days: Type.Array(Type.Object({ day: Day, accesses: Type.Integer(), explained: Type.Integer() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as { from?: string; to?: string };
      const today = haven.clock.now().toISOString().slice(0, 10);
      const to = q.to ?? today;
      const from = q.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
      return explainedShare(haven.db, org(request), from, to);
    },
  );
}
