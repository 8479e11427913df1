import { Type } from 'typebox';
import { formatRetentionRule } from '../../domain/dictionary/index.ts';
import { openAlerts } from '../../governance/alerts.ts';
import type { Haven } from '../../haven.ts';
import { decidePolicyChange, listPolicyVersions, proposePolicies } from '../../policy/policy-store.ts';
import type { StaffFacts } from '../../policy/requests.ts';
import { describePurpose, updatePurpose } from '../../workflows/purpose-register.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE } from '../schemas.ts';

/** The purpose register, the data dictionary, the access policies and the DPO's alerts. */
const PurposeBody = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  legalBases: Type.Array(Type.String()),
  consentRequired: Type.Boolean(),
  dpiaRequired: Type.Boolean(),
  retention: Type.Union([Type.String(), Type.Null()]),
  collect: Type.Array(Type.String()),
  require: Type.Array(Type.Array(Type.String())),
  status: Type.String(),
  dpia: Type.Object({ status: Type.String(), expiresAt: Type.Union([Type.String(), Type.Null()]) }),
  usable: Type.Boolean(),
});
const VersionBody = Type.Object({
  version: Type.Integer(),
  sha256: Type.String(),
  status: Type.String(),
  proposedBy: Type.Union([Type.String(), Type.Null()]),
  proposedAt: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  files: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export function governanceRoutes(app: HttpApp, haven: Haven): void {
  const staffFacts = (request: Parameters<typeof sessionOf>[0]): StaffFacts => {
    const a = sessionOf(request).account;
    return { type: 'Staff', id: a.id, organisation: a.organisationId, role: a.role, tier: a.tier };
  };

  app.get(
    '/api/purposes',
    {
      schema: {
        tags: ['purposes'],
        summary:
          'The purpose register: what each purpose may collect, on which legal bases, and whether it is usable',
        response: { 200: Type.Object({ purposes: Type.Array(PurposeBody) }), ...errorResponses },
      },
    },
    async () => {
      const now = new Date();
      const states = await haven.gate.purposes.states();
      return {
        purposes: [...states.values()].map((state) =>
          describePurpose(
            state,
            now,
            state.definition.retention ? formatRetentionRule(state.definition.retention) : null,
          ),
        ),
      };
    },
  );

  app.patch(
    '/api/purposes/:name',
    {
      config: { access: { kind: 'staff', roles: ['dpo'], reauth: true } },
      schema: {
        tags: ['purposes'],
        summary: 'Suspend or resume a purpose, or record its DPIA (DPO; PUR-6)',
        params: Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }),
        body: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
            dpia: Type.Optional(
              Type.Object(
                {
                  status: Type.Union([
                    Type.Literal('approved'),
                    Type.Literal('rejected'),
                    Type.Literal('required'),
                  ]),
                  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PurposeBody, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const session = sessionOf(request);
      await updatePurpose(
        haven.db,
        haven.gate.purposes,
        name,
        request.body as Parameters<typeof updatePurpose>[3],
        {
          ...staffActor(session),
          account: session.account.id,
        },
      );
      const state = (await haven.gate.purposes.states()).get(name)!;
      return describePurpose(
        state,
        new Date(),
        state.definition.retention ? formatRetentionRule(state.definition.retention) : null,
      );
    },
  );

  app.get(
    '/api/dictionary',
    {
      schema: {
        tags: ['purposes'],
        summary: 'The data dictionary: fields, field groups and their tiers, purposes (MIN-1)',
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async () => {
      const d = haven.dictionary;
      return {
        name: d.name,
        version: d.version,
        groups: d.groups.map((g) => ({
          name: g.name,
          label: g.label,
          tier: g.tier,
          description: g.description ?? null,
        })),
        fields: d.fields.map((f) => ({
          name: f.name,
          label: f.label,
          description: f.description ?? null,
          group: f.group,
          tier: f.tier,
          category: f.category,
          spec: f.spec,
          purposes: f.purposes,
          index: f.index,
        })),
      };
    },
  );

  const governors = { kind: 'staff', roles: ['dpo', 'admin', 'auditor'] } as const;
  app.get(
    '/api/policies',
    {
      config: { access: governors },
      schema: {
        tags: ['policies'],
        summary: 'Versions of the access policies (Cedar), with their files',
        response: {
          200: Type.Object({ active: Type.Integer(), versions: Type.Array(VersionBody) }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      active: haven.gate.policies().version,
      versions: await listPolicyVersions(haven.db, true),
    }),
  );

  app.post(
    '/api/policies',
    {
      config: { access: { kind: 'staff', roles: ['dpo', 'admin'], reauth: true } },
      schema: {
        tags: ['policies'],
        summary: 'Propose a new version of the policy files; another DPO or admin must approve it (ACC-2)',
        body: Type.Object(
          {
            files: Type.Record(
              Type.String({ pattern: '^[a-z0-9-]+\\.cedar$' }),
              Type.String({ maxLength: 100_000, ...MULTILINE }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: VersionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { files } = request.body as { files: Record<string, string> };
      const proposed = await proposePolicies(
        haven.db,
        files,
        staffFacts(request),
        staffActor(sessionOf(request)),
      );
      return reply.code(201).send(proposed);
    },
  );

  for (const [verb, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    app.post(
      `/api/policies/:version/${verb}`,
      {
        config: { access: { kind: 'staff', roles: ['dpo', 'admin'], reauth: true } },
        schema: {
          tags: ['policies'],
          summary: approve
            ? 'Approve and activate a proposed policy version (not your own)'
            : 'Reject a proposed policy version',
          // policy_version.version is a PostgreSQL integer: a larger number is no version, not a server error.
          params: Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }),
          response: { 200: VersionBody, ...errorResponses },
        },
      },
      async (request) => {
        const { version } = request.params as { version: number };
        const result = await decidePolicyChange(
          haven.db,
          haven.gate.policies(),
          version,
          staffFacts(request),
          staffActor(sessionOf(request)),
          approve,
        );
        if (result.engine) haven.setPolicies(result.engine);
        return result.version;
      },
    );
  }

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
    async (request) => {
      return { alerts: await openAlerts(haven.db, sessionOf(request).account.organisationId) };
    },
  );
}
