import { Type } from 'typebox';
import type { Haven } from '../../haven.ts';
import { BUILTIN_POLICY_FILES } from '../../policy/compile.ts';
import {
  decidePolicyChange,
  listPolicyVersions,
  proposePolicies,
  proposeRollback,
} from '../../policy/policy-store.ts';
import type { StaffFacts } from '../../policy/requests.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE } from '../schemas.ts';

/**
 * Policy changes an approver can judge (ACC-2): versions of the Cedar files, proposed by one DPO or administrator
 * and approved by another only after seeing the change's impact — the text diff and every decision of the
 * authorization matrix it turns from deny to allow and back. Rolling back is a proposal like any other. The
 * built-in layer is shown, never editable.
 */
const VersionBody = Type.Object({
  version: Type.Integer(),
  sha256: Type.String(),
  status: Type.String(),
  proposedBy: Type.Union([Type.String(), Type.Null()]),
  proposedAt: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  rollbackOf: Type.Union([Type.Integer(), Type.Null()]),
  files: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const Files = Type.Record(
  Type.String({ pattern: '^[a-z0-9-]+\\.cedar$' }),
  Type.String({ maxLength: 100_000, ...MULTILINE }),
);
const ImpactBody = Type.Object(
  {
    state: Type.Union([Type.Literal('ready'), Type.Literal('computing'), Type.Literal('queued')]),
    cells: Type.Optional(Type.Integer({ description: 'While computing: cells of the matrix done so far' })),
    ahead: Type.Optional(Type.Integer({ description: 'While queued: proposals computed before this one' })),
    impact: Type.Optional(
      Type.Object(
        {
          base: Type.Integer(),
          proposed: Type.Integer(),
          cells: Type.Integer(),
          toAllow: Type.Integer(),
          toDeny: Type.Integer(),
          reasonsChanged: Type.Integer(),
          groups: Type.Array(Type.Object({}, { additionalProperties: true })),
          truncated: Type.Boolean(),
          files: Type.Array(Type.Object({}, { additionalProperties: true })),
          sha256: Type.String({ description: 'Send it back when approving: it shows this is what you saw' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { description: 'What the change does: its text diff and the matrix decisions it flips (ACC-2)' },
);
const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export function policyRoutes(app: HttpApp, haven: Haven): void {
  const staffFacts = (request: Parameters<typeof sessionOf>[0]): StaffFacts => {
    const a = sessionOf(request).account;
    return { type: 'Staff', id: a.id, organisation: a.organisationId, role: a.role, tier: a.tier };
  };
  const readers = { kind: 'staff', roles: ['dpo', 'admin', 'auditor', 'oversight'] } as const;
  const deciders = { kind: 'staff', roles: ['dpo', 'admin'], reauth: true } as const;

  app.get(
    '/api/policies',
    {
      config: { access: readers },
      schema: {
        tags: ['policies'],
        summary:
          'Versions of the access policies (Cedar) with their files, and the built-in layer no change can edit',
        response: {
          200: Type.Object({
            active: Type.Integer(),
            builtin: Type.Record(Type.String(), Type.String()),
            versions: Type.Array(VersionBody),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      active: haven.gate.policies().version,
      builtin: { ...BUILTIN_POLICY_FILES },
      versions: await listPolicyVersions(haven.db, true),
    }),
  );

  app.post(
    '/api/policies',
    {
      config: { access: deciders },
      schema: {
        tags: ['policies'],
        summary: 'Propose a new version of the policy files; another DPO or admin must approve it (ACC-2)',
        body: Type.Object(
          { files: Files, note: Type.Optional(Type.String({ maxLength: 4000, ...MULTILINE })) },
          { additionalProperties: false },
        ),
        response: { 201: VersionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { files, note } = request.body as { files: Record<string, string>; note?: string };
      const proposed = await proposePolicies(
        haven.db,
        files,
        staffFacts(request),
        staffActor(sessionOf(request)),
        {
          ...(note ? { note } : {}),
        },
      );
      // Start computing its impact now; the approver will ask for it.
      await haven.policyImpacts.of(proposed.version, haven.gate.policies());
      return reply.code(201).send(proposed);
    },
  );

  app.get(
    '/api/policies/:version/impact',
    {
      config: { access: readers },
      schema: {
        tags: ['policies'],
        summary: 'What a proposed version changes: the text diff and every matrix decision it flips (ACC-2)',
        params: VersionParams,
        response: { 200: ImpactBody, 202: ImpactBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { version } = request.params as { version: number };
      const answer = await haven.policyImpacts.of(version, haven.gate.policies());
      return reply.code(answer.state === 'ready' ? 200 : 202).send(answer);
    },
  );

  app.post(
    '/api/policies/:version/approve',
    {
      config: { access: deciders },
      schema: {
        tags: ['policies'],
        summary: 'Approve and activate a proposed version (not your own), after seeing its impact',
        params: VersionParams,
        body: Type.Object(
          {
            impactSha256: Type.String({
              pattern: '^[0-9a-f]{64}$',
              description: 'The sha256 of the impact you saw',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: VersionBody, ...errorResponses },
      },
    },
    async (request) => {
      const { version } = request.params as { version: number };
      const { impactSha256 } = request.body as { impactSha256: string };
      const result = await decidePolicyChange(
        haven.db,
        haven.gate.policies(),
        version,
        staffFacts(request),
        staffActor(sessionOf(request)),
        true,
        impactSha256,
      );
      if (result.engine) haven.setPolicies(result.engine);
      return result.version;
    },
  );

  app.post(
    '/api/policies/:version/reject',
    {
      config: { access: deciders },
      schema: {
        tags: ['policies'],
        summary: 'Reject a proposed policy version',
        params: VersionParams,
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
        false,
      );
      return result.version;
    },
  );

  app.post(
    '/api/policies/:version/rollback',
    {
      config: { access: deciders },
      schema: {
        tags: ['policies'],
        summary:
          'Propose going back to an earlier version: a change like any other, approved by a second person',
        params: VersionParams,
        body: Type.Object(
          { note: Type.Optional(Type.String({ maxLength: 4000, ...MULTILINE })) },
          { additionalProperties: false },
        ),
        response: { 201: VersionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { version } = request.params as { version: number };
      const { note } = (request.body ?? {}) as { note?: string };
      const proposed = await proposeRollback(
        haven.db,
        version,
        staffFacts(request),
        staffActor(sessionOf(request)),
        note,
      );
      await haven.policyImpacts.of(proposed.version, haven.gate.policies());
      return reply.code(201).send(proposed);
    },
  );
}
