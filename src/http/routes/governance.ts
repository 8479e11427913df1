import { Type } from 'typebox';
import { formatRetentionRule } from '../../domain/dictionary/index.ts';
import type { PurposeState } from '../../gate/purposes.ts';
import { describePurpose, updatePurpose } from '../../governance/purpose-register.ts';
import type { Haven } from '../../haven.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses } from '../schemas.ts';

/** The purpose register and the data dictionary (PUR-1, MIN-1); DPIAs, policies and the rest have their own files. */
const Criterion = Type.Object({ criterion: Type.String(), because: Type.String() });
const PurposeBody = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  legalBases: Type.Array(Type.String()),
  consentRequired: Type.Boolean(),
  retention: Type.Union([Type.String(), Type.Null()]),
  collect: Type.Array(Type.String()),
  require: Type.Array(Type.Array(Type.String())),
  status: Type.String(),
  dpia: Type.Object({
    required: Type.Boolean(),
    criteria: Type.Array(Criterion, { description: 'The WP248 criteria the purpose meets, and why (GOV-2)' }),
    rule: Type.Union([Type.String(), Type.Null()]),
    state: Type.String({ description: 'not-required, approved, none or expired (PUR-6)' }),
    inForce: Type.Union([
      Type.Object({ id: Type.String(), version: Type.Integer(), reviewDate: Type.String() }),
      Type.Null(),
    ]),
    latest: Type.Union([
      Type.Object({ id: Type.String(), version: Type.Integer(), status: Type.String() }),
      Type.Null(),
    ]),
  }),
  usable: Type.Boolean(),
});

export function governanceRoutes(app: HttpApp, haven: Haven): void {
  const describe = (state: PurposeState) =>
    describePurpose(
      state,
      haven.clock.now(),
      state.definition.retention ? formatRetentionRule(state.definition.retention) : null,
    );

  app.get(
    '/api/purposes',
    {
      schema: {
        tags: ['purposes'],
        summary:
          'The purpose register: what each purpose may collect, on which legal bases, whether it needs a DPIA and whether it is usable',
        response: { 200: Type.Object({ purposes: Type.Array(PurposeBody) }), ...errorResponses },
      },
    },
    async () => ({ purposes: [...(await haven.gate.purposes.states()).values()].map(describe) }),
  );

  app.patch(
    '/api/purposes/:name',
    {
      config: { access: { kind: 'staff', roles: ['dpo'], reauth: true } },
      schema: {
        tags: ['purposes'],
        summary: 'Suspend or resume a purpose (DPO; PUR-1). Its DPIA is kept in the DPIA register.',
        params: Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }),
        body: Type.Object(
          { status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]) },
          { additionalProperties: false },
        ),
        response: { 200: PurposeBody, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      await updatePurpose(
        haven.db,
        haven.gate.purposes,
        name,
        request.body as { status: 'active' | 'suspended' },
        staffActor(sessionOf(request)),
      );
      return describe((await haven.gate.purposes.states()).get(name)!);
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
}
