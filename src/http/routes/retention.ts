import { Type } from 'typebox';
import { DEFAULT_CASE_STATES, TRANSITION_REASONS } from '../../domain/retention/rules.ts';
import { PREVIEW_MAX_DAYS } from '../../gate/retention-preview.ts';
import type { Haven } from '../../haven.ts';
import { queueSweep } from '../../retention/sweep-job.ts';
import { gateRequest, purposeHeaderSchema } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * Case states and the retention preview (RET-1). A case-state change is made under the purpose declared in the
 * header (the work it belongs to); the preview runs under the gate's fixed retention purpose.
 */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const IdParams = Type.Object({ id: Uuid });
const StateName = Type.String({
  pattern: '^[a-z][a-z-]{0,62}$',
  description: 'A case state of the lifecycle in force',
});
const Reason = Type.String({ enum: [...TRANSITION_REASONS] });

const Transition = Type.Object({
  id: Uuid,
  from: StateName,
  to: StateName,
  on: Day,
  by: Uuid,
  reason: Type.Union([Type.Null(), Reason]),
  recordedAt: Type.String({ format: 'date-time' }),
});
const CaseState = Type.Object({
  personId: Uuid,
  state: StateName,
  sinceOn: Day,
  caseClosedOn: Type.Union([Type.Null(), Day]),
  claimDecidedOn: Type.Union([Type.Null(), Day]),
  transitions: Type.Optional(Type.Array(Transition)),
});
const PreviewItem = Type.Object({
  personId: Uuid,
  group: Type.String(),
  categories: Type.Array(Type.String()),
  fields: Type.Array(Type.String()),
  rule: Type.String(),
  by: Type.String({ enum: ['class', 'person'] }),
  dueOn: Day,
  goesOn: Day,
  heldBy: Type.Array(Uuid),
});
const Preview = Type.Object({
  today: Day,
  days: Type.Integer(),
  until: Day,
  counts: Type.Array(
    Type.Object({ goesOn: Day, category: Type.String(), items: Type.Integer(), held: Type.Integer() }),
  ),
  totals: Type.Object({ persons: Type.Integer(), items: Type.Integer(), held: Type.Integer() }),
  items: Type.Array(PreviewItem),
  truncated: Type.Boolean(),
});

const Disposal = Type.Object({
  group: Type.String({ description: "A field group, or '*': whole persons" }),
  rule: Type.String(),
  categories: Type.Array(Type.String()),
  items: Type.Integer(),
});
const Sweep = Type.Object({
  id: Uuid,
  onDay: Day,
  trigger: Type.String({ enum: ['schedule', 'staff', 'command'] }),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  state: Type.String({ enum: ['running', 'done', 'failed'] }),
  personsErased: Type.Integer(),
  groupsErased: Type.Integer(),
  held: Type.Integer(),
  disposals: Type.Array(Disposal),
});
const Sweeps = Type.Object({
  sweeps: Type.Array(Sweep),
  lastDrill: Type.Union([
    Type.Null(),
    Type.Object({ at: Type.String({ format: 'date-time' }), pass: Type.Boolean(), digest: Type.String() }),
  ]),
});

export function retentionRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;

  app.post(
    '/api/persons/:id/case-state',
    {
      schema: {
        tags: ['retention'],
        summary: `Move a person's case to another state (${DEFAULT_CASE_STATES.map((s) => s.name).join(', ')}) on a day, with a reason code; a ledger event`,
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object(
          { state: StateName, reason: Type.Optional(Reason), on: Type.Optional(Day) },
          { additionalProperties: false },
        ),
        response: { 200: CaseState, ...errorResponses },
      },
    },
    async (request) =>
      gate.changeCaseState(
        gateRequest(request),
        (request.params as { id: string }).id,
        request.body as Record<string, unknown>,
      ),
  );

  app.get(
    '/api/persons/:id/case-state',
    {
      schema: {
        tags: ['retention'],
        summary: "A person's case state and every change of it, newest first",
        headers: purposeHeaderSchema,
        params: IdParams,
        response: { 200: CaseState, ...errorResponses },
      },
    },
    async (request) => gate.caseStateHistory(gateRequest(request), (request.params as { id: string }).id),
  );

  app.get(
    '/api/retention/preview',
    {
      schema: {
        tags: ['retention'],
        summary:
          'What the retention rules make due within N days (30 unless given), by person and class, and what a legal hold keeps (supervisors and the DPO): ids and counts, never values',
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 0, maximum: PREVIEW_MAX_DAYS })) },
          { additionalProperties: false },
        ),
        response: { 200: Preview, ...errorResponses },
      },
    },
    async (request) =>
      gate.retentionPreview(gateRequest(request), { days: (request.query as { days?: number }).days ?? 30 }),
  );

  app.get(
    '/api/retention/sweeps',
    {
      schema: {
        tags: ['retention'],
        summary:
          'The last 20 retention sweeps with the organisation’s disposal figures, and the last restore drill (supervisors and the DPO): counts only',
        response: { 200: Sweeps, ...errorResponses },
      },
    },
    async (request) => gate.retentionSweeps(gateRequest(request)),
  );

  app.post(
    '/api/retention/sweeps',
    {
      config: { access: { kind: 'staff', reauth: true } },
      schema: {
        tags: ['retention'],
        summary:
          'Run the retention sweep now (the DPO, recently re-authenticated): it erases what is due today and cannot be undone; answers at once with the sweep’s id',
        body: Type.Object({}, { additionalProperties: false }),
        response: { 202: Type.Object({ sweepId: Uuid }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await gate.requestRetentionSweep(gateRequest(request), queueSweep(haven.jobs))),
  );
}
