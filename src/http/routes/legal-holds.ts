import { Type } from 'typebox';
import { CATEGORIES } from '../../domain/dictionary/types.ts';
import { ERASED_ITEMS, KEPT_GROUNDS, KEPT_ITEMS } from '../../domain/retention/erasure-account.ts';
import { HOLD_NOTE_MAX, HOLD_REASONS, RELEASE_REASONS } from '../../domain/retention/legal-holds.ts';
import type { Haven } from '../../haven.ts';
import { gateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * Legal holds (RET-1, ACC-6) and the erasure's preview and receipt (RIG-1, GDPR 12, 17). Holds run under the
 * gate's fixed legal-hold purpose, the preview and receipt under the rights purpose: no purpose header is read.
 */
// One of a fixed list, checked by the schema; the gate checks again (it is also reached without HTTP).
const literals = (list: readonly string[]) => Type.String({ enum: [...list] });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const When = Type.String({ format: 'date-time' });
const Note = Type.String({ minLength: 1, maxLength: HOLD_NOTE_MAX, ...MULTILINE });
const IdParams = Type.Object({ id: Uuid });
const HOLD_STATES = ['pending', 'active', 'lapsed', 'expired', 'released'];

const LegalHold = Type.Object({
  id: Uuid,
  scope: literals(['person']),
  personId: Uuid,
  categories: Type.Union([Type.Null(), Type.Array(Type.String())], {
    description: 'The categories of the person’s data it keeps; null: everything of them',
  }),
  reason: literals(HOLD_REASONS),
  note: Type.Union([
    Type.Null(),
    Type.Object({ hold: Type.Optional(Type.String()), release: Type.Optional(Type.String()) }),
  ]),
  untilOn: Type.Union([Type.Null(), Day]),
  state: literals(HOLD_STATES),
  blocks: Type.Boolean({ description: 'Whether it stops an erasure today' }),
  placedBy: Uuid,
  placedOn: Day,
  placedAt: When,
  approvedBy: Type.Union([Type.Null(), Uuid]),
  approvedAt: Type.Union([Type.Null(), When]),
  releasedBy: Type.Union([Type.Null(), Uuid]),
  releasedAt: Type.Union([Type.Null(), When]),
  releaseReason: Type.Union([Type.Null(), literals(RELEASE_REASONS)]),
});

const ErasedItem = Type.Object({
  item: literals(Object.keys(ERASED_ITEMS)),
  count: Type.Integer(),
  groups: Type.Optional(
    Type.Array(Type.Object({ group: Type.String(), categories: Type.Array(Type.String()) })),
  ),
  purposes: Type.Optional(Type.Array(Type.String())),
  what: Type.String(),
});
const KeptItem = Type.Object({
  item: literals(Object.keys(KEPT_ITEMS)),
  count: Type.Integer(),
  ground: literals(Object.keys(KEPT_GROUNDS)),
  why: Type.String(),
  what: Type.String(),
});
const ErasurePreview = Type.Object({
  personId: Uuid,
  canErase: Type.Boolean(),
  blockedBy: Type.Array(
    Type.Object({
      id: Uuid,
      reason: literals(HOLD_REASONS),
      state: literals(HOLD_STATES),
      untilOn: Type.Union([Type.Null(), Day]),
    }),
  ),
  erasureRequest: Type.Union([Type.Null(), Type.Object({ id: Uuid, state: Type.String(), dueOn: Day })]),
  erased: Type.Array(ErasedItem),
  kept: Type.Array(KeptItem),
});
export const ErasureReceipt = Type.Object({
  id: Uuid,
  personId: Uuid,
  erasedAt: When,
  reason: Type.String(),
  rightsRequestId: Type.Union([Type.Null(), Uuid]),
  erased: Type.Array(ErasedItem),
  kept: Type.Array(KeptItem),
});

export function legalHoldRoutes(app: HttpApp, haven: Haven): void {
  const gate = haven.gate;

  app.post(
    '/api/persons/:id/legal-holds',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Place a legal hold on a person (supervisor or DPO): it blocks erasure at once, and needs a second person’s approval within 7 days',
        params: IdParams,
        body: Type.Object(
          {
            reason: literals(HOLD_REASONS),
            note: Type.Optional(Note),
            until: Type.Optional(Day),
            categories: Type.Optional(
              Type.Array(literals(CATEGORIES), {
                minItems: 1,
                description:
                  'Keep only these categories (retention takes the rest, RET-1); absent: everything of the person',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: LegalHold, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await gate.placeLegalHold(
            gateRequest(request),
            (request.params as { id: string }).id,
            request.body as Record<string, unknown>,
          ),
        ),
  );

  app.post(
    '/api/legal-holds/:id/approve',
    {
      config: { access: { kind: 'staff', reauth: true } },
      schema: {
        tags: ['retention'],
        summary: 'Approve a legal hold: a supervisor or DPO other than whoever placed it (ACC-6)',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: LegalHold, ...errorResponses },
      },
    },
    async (request) =>
      gate.advanceLegalHold(gateRequest(request), (request.params as { id: string }).id, {
        step: 'approve',
      }),
  );

  app.post(
    '/api/legal-holds/:id/release',
    {
      config: { access: { kind: 'staff', reauth: true } },
      schema: {
        tags: ['retention'],
        summary: 'Release a legal hold early, with a listed reason (and a note for "other")',
        params: IdParams,
        body: Type.Object(
          { reason: literals(RELEASE_REASONS), note: Type.Optional(Note) },
          { additionalProperties: false },
        ),
        response: { 200: LegalHold, ...errorResponses },
      },
    },
    async (request) =>
      gate.advanceLegalHold(gateRequest(request), (request.params as { id: string }).id, {
        step: 'release',
        ...(request.body as { reason: string; note?: string }),
      }),
  );

  app.get(
    '/api/legal-holds',
    {
      schema: {
        tags: ['retention'],
        summary: 'The organisation’s legal holds, those in force first (supervisors and the DPO)',
        response: { 200: Type.Object({ holds: Type.Array(LegalHold) }), ...errorResponses },
      },
    },
    async (request) => ({ holds: await gate.listLegalHolds(gateRequest(request)) }),
  );

  app.get(
    '/api/persons/:id/erasure-preview',
    {
      schema: {
        tags: ['rights'],
        summary:
          'What erasing this person would erase, what must be kept and on which legal ground, and any legal hold that stops it (DPO)',
        params: IdParams,
        response: { 200: ErasurePreview, ...errorResponses },
      },
    },
    async (request) => gate.previewErasure(gateRequest(request), (request.params as { id: string }).id),
  );

  app.get(
    '/api/erasure-receipts/:id',
    {
      schema: {
        tags: ['rights'],
        summary:
          'The receipt of an erasure, to print for the person: what was erased and what was kept and why (no personal data)',
        params: IdParams,
        response: { 200: ErasureReceipt, ...errorResponses },
      },
    },
    async (request) => gate.erasureReceipt(gateRequest(request), (request.params as { id: string }).id),
  );
}
