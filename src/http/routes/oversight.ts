import { Type } from 'typebox';
import { openAlerts } from '../../governance/alerts.ts';
import {
  organisationProfile,
  type ProfileChange,
  updateOrganisationProfile,
} from '../../governance/organisation-profile.ts';
import { worklist } from '../../governance/worklist.ts';
import type { Haven } from '../../haven.ts';
import { rightsWorkItems } from '../../rights/worklist.ts';
import { sessionOf, staffActor } from '../access.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE } from '../schemas.ts';

/**
 * What staff start their day with: the work list (rights requests by deadline, corrections to approve, DPIAs,
 * processors, concerns, policy changes, legal holds to approve, break-glass reviews and alerts that need them), the
 * break-glass overview oversight reads without personal data, the DPO's alerts, and the organisation's profile as
 * the record of processing names it.
 */
const WorkItem = Type.Object({
  kind: Type.String(),
  subject: Type.String(),
  ref: Type.Union([Type.String(), Type.Null()]),
  due: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
  details: Type.Array(Type.String()),
  dueAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'The exact due time (an incident’s 72 hours)' }),
  ),
});
const Profile = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  contact: Type.Union([Type.String(), Type.Null()]),
  dpoContact: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
});
// Null first: with type coercion on, a null tried against the string first would become "" (and be refused).
const ContactText = Type.Union([Type.Null(), Type.String({ maxLength: 500, ...MULTILINE })]);

export function oversightRoutes(app: HttpApp, haven: Haven): void {
  app.get(
    '/api/worklist',
    {
      schema: {
        tags: ['oversight'],
        summary: 'What needs your attention: decisions waiting on you and clocks running out (by role)',
        response: { 200: Type.Object({ items: Type.Array(WorkItem) }), ...errorResponses },
      },
    },
    async (request) => {
      const { account } = sessionOf(request);
      const governs = account.role === 'dpo' || account.role === 'oversight';
      const items = await worklist(
        {
          db: haven.db,
          states: await haven.gate.purposes.states(),
          breakGlass: governs ? () => haven.gate.breakGlassOverview(gateRequest(request)) : null,
          rights: () => rightsWorkItems(haven.gate, gateRequest(request)),
          partnerNotices: () => haven.gate.partnerNotices.unacknowledged(account.organisationId),
          legalHolds: ['supervisor', 'dpo'].includes(account.role)
            ? () => haven.gate.listLegalHolds(gateRequest(request))
            : null,
          breach: account.role === 'dpo' ? () => haven.gate.breachWork(gateRequest(request)) : null,
          reviews: ['supervisor', 'dpo', 'admin'].includes(account.role)
            ? () =>
                haven.reviews.workSummary({
                  accountId: account.id,
                  organisationId: account.organisationId,
                  role: account.role,
                })
            : null,
        },
        { accountId: account.id, organisationId: account.organisationId, role: account.role },
        haven.clock.now(),
      );
      return { items };
    },
  );

  app.get(
    '/api/break-glass-overview',
    {
      config: { access: { kind: 'staff', roles: ['dpo', 'oversight', 'auditor'] } },
      schema: {
        tags: ['oversight'],
        summary:
          'Break-glass use and its reviews over recent days, without whose record or why (ACC-8): for oversight',
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
      },
    },
    async (request) =>
      haven.gate.breakGlassOverview(gateRequest(request), (request.query as { days?: number }).days ?? 90),
  );

  app.get(
    '/api/alerts',
    {
      config: { access: { kind: 'staff', roles: ['dpo'] } },
      schema: {
        tags: ['break-glass'],
        summary: 'Open alerts for the DPO (break-glass use)',
        response: {
          200: Type.Object({
            alerts: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                subject: Type.Union([Type.String(), Type.Null()]),
                raisedBy: Type.Union([Type.String(), Type.Null()]),
                raisedAt: Type.String(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({ alerts: await openAlerts(haven.db, sessionOf(request).account.organisationId) }),
  );

  app.get(
    '/api/organisation',
    {
      schema: {
        tags: ['oversight'],
        summary: 'Your organisation as the record of processing names it (GDPR 30(1)(a))',
        response: { 200: Profile, ...errorResponses },
      },
    },
    async (request) => organisationProfile(haven.db, sessionOf(request).account.organisationId),
  );

  app.patch(
    '/api/organisation',
    {
      config: { access: { kind: 'staff', roles: ['admin'], reauth: true } },
      schema: {
        tags: ['oversight'],
        summary: 'Change the name, contact, DPO contact or country the record of processing shows',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            contact: Type.Optional(ContactText),
            dpoContact: Type.Optional(ContactText),
            country: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^[A-Z]{3}$' })])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Profile, ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return updateOrganisationProfile(
        haven.db,
        session.account.organisationId,
        request.body as ProfileChange,
        staffActor(session),
      );
    },
  );
}
