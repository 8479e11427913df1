import { Type } from 'typebox';
import type { DpiaContent } from '../../domain/dpia/dpia.ts';
import { riskLevel } from '../../domain/dpia/dpia.ts';
import { HavenError } from '../../domain/errors.ts';
import {
  createDpia,
  type DpiaActor,
  decideDpia,
  dpiaVersions,
  listDpias,
  reviseDpia,
  submitDpia,
  updateDraft,
} from '../../governance/dpias.ts';
import { organisationProfile } from '../../governance/organisation-profile.ts';
import { listProcessors } from '../../governance/processors.ts';
import { describeProcessing } from '../../governance/record-of-processing.ts';
import type { Haven } from '../../haven.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * DPIAs (GOV-2, PUR-6) over HTTP. Supervisors, DPOs and administrators write them; a DPO who is not the author
 * approves them (ACC-6); oversight and auditors read them. What Haven knows about the processing is added to each
 * DPIA it shows (`context`): the purpose's data categories and tiers, legal bases, retention, recipients, the
 * processors that serve it and the WP248 criteria that make the DPIA necessary.
 */
const Text = Type.String({ maxLength: 20_000, ...MULTILINE });
const Rating = Type.Object(
  {
    likelihood: Type.Integer({ minimum: 1, maximum: 4 }),
    severity: Type.Integer({ minimum: 1, maximum: 4 }),
  },
  { additionalProperties: false },
);
const Content = Type.Object(
  {
    description: Text,
    necessity: Text,
    proportionality: Text,
    risks: Type.Array(
      Type.Object(
        {
          event: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
          description: Text,
          rating: Rating,
          measures: Type.Array(Type.String({ maxLength: 2000, ...MULTILINE }), { maxItems: 50 }),
          residual: Rating,
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    consultation: Type.Union([
      Type.Object({ sought: Type.Literal(true), summary: Text }, { additionalProperties: false }),
      Type.Object({ sought: Type.Literal(false), reason: Text }, { additionalProperties: false }),
    ]),
    reviewDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  },
  {
    $id: 'DpiaContent',
    additionalProperties: false,
    description: 'What the assessor writes; at least the three feared events as risks (CNIL method)',
  },
);
const VersionBody = Type.Object({}, { additionalProperties: true, description: 'A version of a DPIA' });
const Params = Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export function dpiaRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(Content);
  const authors = { kind: 'staff', roles: ['supervisor', 'dpo', 'admin'] } as const;
  const readers = { kind: 'staff', roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'] } as const;
  const actorOf = (request: Parameters<typeof sessionOf>[0]): DpiaActor => {
    const session = sessionOf(request);
    return { account: session.account.id, audit: staffActor(session) };
  };

  app.get(
    '/api/dpias',
    {
      config: { access: readers },
      schema: {
        tags: ['dpias'],
        summary: 'Every DPIA with its newest version and the version in force',
        response: {
          200: Type.Object({
            dpias: Type.Array(
              Type.Object({ latest: VersionBody, inForce: Type.Union([VersionBody, Type.Null()]) }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({ dpias: await listDpias(haven.db) }),
  );

  app.post(
    '/api/dpias',
    {
      config: { access: authors },
      schema: {
        tags: ['dpias'],
        summary: 'Start the DPIA of a purpose (a draft; a purpose has one DPIA, then revisions)',
        body: Type.Object(
          { purpose: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }), content: Type.Ref('DpiaContent') },
          { additionalProperties: false },
        ),
        response: { 201: VersionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { purpose: string; content: DpiaContent };
      const created = await createDpia(haven.db, haven.dictionary, body, actorOf(request), haven.clock.now());
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/dpias/:id',
    {
      config: { access: readers },
      schema: {
        tags: ['dpias'],
        summary: 'A DPIA: every version (newest first) and what Haven knows of the processing it assesses',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            versions: Type.Array(VersionBody),
            context: Type.Object({}, { additionalProperties: true }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const versions = await dpiaVersions(haven.db, id);
      const subject = versions[0]!.subject;
      const state = (await haven.gate.purposes.states()).get(subject);
      if (!state)
        throw new HavenError('dpia-not-found', 'That DPIA’s purpose is no longer in the register.', {
          status: 404,
        });
      const d = state.definition;
      const organisation = sessionOf(request).account.organisationId;
      const now = haven.clock.now();
      const { country } = await organisationProfile(haven.db, organisation);
      const processing = describeProcessing(
        state,
        { dictionary: haven.dictionary, policies: haven.gate.policies() },
        { id: organisation, country },
        await listProcessors(haven.db, organisation, now),
        now,
      );
      return {
        versions: versions.map((v) => ({
          ...v,
          riskLevels: (v.content.risks ?? []).map((r) => ({
            event: r.event,
            before: r.rating ? riskLevel(r.rating) : null,
            after: r.residual ? riskLevel(r.residual) : null,
          })),
        })),
        context: {
          ...processing,
          fields: haven.dictionary
            .fieldsReadableFor(d.name)
            .map((f) => ({ name: f.name, label: f.label, category: f.category, tier: f.tier })),
          need: { required: state.dpia.required, rule: state.dpia.rule, criteria: state.dpia.criteria },
        },
      };
    },
  );

  app.put(
    '/api/dpias/:id/versions/:version',
    {
      config: { access: authors },
      schema: {
        tags: ['dpias'],
        summary: 'Edit a draft (its author only)',
        params: Params,
        body: Type.Object({ content: Type.Ref('DpiaContent') }, { additionalProperties: false }),
        response: { 200: VersionBody, ...errorResponses },
      },
    },
    async (request) => {
      const { id, version } = request.params as { id: string; version: number };
      const { content } = request.body as { content: DpiaContent };
      return updateDraft(haven.db, id, version, content, actorOf(request), haven.clock.now());
    },
  );

  app.post(
    '/api/dpias/:id/versions/:version/submit',
    {
      config: { access: authors },
      schema: {
        tags: ['dpias'],
        summary: 'Submit a complete draft for a DPO’s approval',
        params: Params,
        response: { 200: VersionBody, ...errorResponses },
      },
    },
    async (request) => {
      const { id, version } = request.params as { id: string; version: number };
      return submitDpia(haven.db, id, version, actorOf(request), haven.clock.now());
    },
  );

  for (const [verb, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    app.post(
      `/api/dpias/:id/versions/:version/${verb}`,
      {
        config: { access: { kind: 'staff', roles: ['dpo'], reauth: true } },
        schema: {
          tags: ['dpias'],
          summary: approve
            ? 'Approve a submitted DPIA with the DPO’s opinion (not your own): the purpose may be used until its review date'
            : 'Reject a submitted DPIA, saying why',
          params: Params,
          body: Type.Object(
            {
              opinion: Type.Optional(Type.String({ maxLength: 20_000, ...MULTILINE })),
              note: Type.Optional(Type.String({ maxLength: 4000, ...MULTILINE })),
            },
            { additionalProperties: false },
          ),
          response: { 200: VersionBody, ...errorResponses },
        },
      },
      async (request) => {
        const { id, version } = request.params as { id: string; version: number };
        const body = (request.body ?? {}) as { opinion?: string; note?: string };
        const decided = await decideDpia(
          haven.db,
          id,
          version,
          { approve, ...body },
          actorOf(request),
          haven.clock.now(),
        );
        haven.gate.purposes.invalidate();
        return decided;
      },
    );
  }

  app.post(
    '/api/dpias/:id/revise',
    {
      config: { access: authors },
      schema: {
        tags: ['dpias'],
        summary: 'Start a new version from the newest one (to review, renew or correct it)',
        params: Type.Object({ id: Uuid }),
        response: { 201: VersionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return reply.code(201).send(await reviseDpia(haven.db, id, actorOf(request)));
    },
  );
}
