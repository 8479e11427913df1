import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import {
  CHANNELS,
  type Channel,
  checkRefusal,
  dueDate,
  extendedDueDate,
  type IdentityCheck,
  identityEnough,
  identityStrength,
  isOverdue,
  move,
  type RequestState,
  RIGHTS_KINDS,
  type RightsKind,
  STAFF_IDENTITY_CHECKS,
} from '../domain/rights/requests.ts';
import { openForPerson, sealForPerson } from '../records/person-records.ts';
import { releaseAccessAnswer } from './access-answer.ts';
import { appendBasis } from './basis-store.ts';

import { recordChange } from './change-outbox.ts';
import type { GateContext, GateRequest } from './context.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { imposeRestriction } from './restriction.ts';
import { RIGHTS, recordRightsEvent } from './rights-purpose.ts';
import { ok } from './transaction.ts';

/**
 * Rights requests (RIG-1 – RIG-5) as audited objects: taken down by whoever the person asks, their identity
 * checked with a recorded strength, worked on, extended once, answered or refused with a reason — each step a
 * ledger event, decided under the rights purpose for the person concerned, against the legal deadline. The rules
 * themselves (deadlines, states, strengths) are in src/domain/rights/requests.ts.
 */
export interface RightsRequestView {
  id: string;
  personId: string;
  kind: RightsKind;
  channel: Channel;
  /** For an objection: the purpose objected to. */
  purpose: string | null;
  state: RequestState;
  receivedOn: string;
  dueOn: string;
  extended: boolean;
  overdue: boolean;
  identity: { check: IdentityCheck; strength: number } | null;
  assignee: string | null;
  refusalReason: string | null;
}

interface RequestRow {
  id: string;
  person_id: string;
  organisation_id: string;
  kind: RightsKind;
  channel: Channel;
  purpose: string | null;
  state: RequestState;
  received_on: string;
  due_on: string;
  extended: boolean;
  identity_check: IdentityCheck | null;
  identity_strength: number | null;
  assignee: string | null;
  refusal_reason: string | null;
  sealed_note: Buffer | null;
}

const COLUMNS = `id, person_id, organisation_id, kind, channel, purpose, state, to_char(received_on, 'YYYY-MM-DD') as received_on,
  to_char(due_on, 'YYYY-MM-DD') as due_on, extended, identity_check, identity_strength, assignee, refusal_reason,
  sealed_note`;

const view = (row: RequestRow, today: string): RightsRequestView => ({
  id: row.id,
  personId: row.person_id,
  kind: row.kind,
  channel: row.channel,
  purpose: row.purpose,
  state: row.state,
  receivedOn: row.received_on,
  dueOn: row.due_on,
  extended: row.extended,
  overdue: isOverdue({ state: row.state, dueOn: row.due_on }, today),
  identity:
    row.identity_check && row.identity_strength
      ? { check: row.identity_check, strength: row.identity_strength }
      : null,
  assignee: row.assignee,
  refusalReason: row.refusal_reason,
});

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function oneOf<T extends string>(list: readonly T[], value: unknown, code: string, what: string): T {
  if (!list.includes(value as T))
    throw new HavenError(code, `${what}: one of ${list.join(', ')}.`, { status: 422 });
  return value as T;
}

/** RIG-1: a request taken down, from any channel, for free and without limit; its deadline starts today. */
export function receiveRightsRequest(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { kind: unknown; channel: unknown; purpose?: unknown },
): Promise<RightsRequestView> {
  const action = 'rights.receive';
  return throughGate(ctx, { ...request, purpose: RIGHTS.name }, action, personId, async () => {
    const kind = oneOf(RIGHTS_KINDS, input.kind, 'rights-kind-invalid', 'The kind of request');
    const channel = oneOf(CHANNELS, input.channel, 'rights-channel-invalid', 'How it came in');
    const objectedTo = kind === 'objection' ? objectionPurpose(ctx, input.purpose) : null;
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'receive-rights-request', purpose: RIGHTS },
      async (tx, allowed) => {
        const today = dayOf(ctx.now());
        const receivedBy = request.actor.kind === 'staff' ? request.actor.accountId : null;
        const { rows } = await tx.query<RequestRow>(
          `insert into rights_request (id, person_id, organisation_id, kind, channel, purpose, received_on, due_on,
             received_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
          [
            randomUUID(),
            personId,
            allowed.meta.organisationId,
            kind,
            channel,
            objectedTo,
            today,

            dueDate(today),
            receivedBy,
          ],
        );
        await recordRightsEvent(tx, request, action, personId, { reason: kind });
        return ok(view(rows[0]!, today));
      },
    );
  });
}

/** GDPR 21: an objection is to a purpose that may rest on legitimate interest. */
export function objectionPurpose(ctx: GateContext, purpose: unknown): string {
  const definition = typeof purpose === 'string' ? ctx.dictionary.purpose(purpose) : undefined;
  if (!definition || definition.prohibited || !definition.legalBases.includes('legitimate-interest')) {
    throw new HavenError(
      'objection-purpose-invalid',
      'An objection names a purpose that may process data on legitimate interest.',
      { status: 422 },
    );
  }
  return definition.name;
}

/** The person a request of the actor's organisation is about; another organisation's is not found (404). */
export async function personOf(ctx: GateContext, request: GateRequest, requestId: string): Promise<string> {
  const found = ID.test(requestId)
    ? (
        await ctx.db.query<{ person_id: string }>(
          'select person_id from rights_request where id = $1 and organisation_id = $2',
          [requestId, request.actor.organisationId],
        )
      ).rows[0]
    : undefined;
  if (!found) throw new HavenError('rights-request-not-found', 'No such request.', { status: 404 });
  return found.person_id;
}

type Step =
  | { step: 'identity'; check: unknown }
  | { step: 'start' }
  | { step: 'extend'; months: unknown; reason: unknown; personNotified: unknown }
  | { step: 'answer' }
  | { step: 'refuse'; reason: unknown; note: unknown };

/**
 * One step of a request's life (RIG-2, RIG-5). The request's person is decided on like any other access: the
 * staff member must be allowed to handle requests for that person, in their organisation.
 */
export function advanceRightsRequest(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
  step: Step,
): Promise<RightsRequestView> {
  const action = `rights.${step.step}`;
  const scoped = { ...request, purpose: RIGHTS.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const personId = await personOf(ctx, request, requestId);
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'handle-rights-request', purpose: RIGHTS, lock: true },
      async (tx) => {
        const { rows } = await tx.query<RequestRow>(
          `select ${COLUMNS} from rights_request where id = $1 for update`,
          [requestId],
        );
        const row = rows[0]!;
        const today = dayOf(ctx.now());
        const next = await apply(ctx, request, row, step, today);
        const { rows: updated } = await tx.query<RequestRow>(
          `update rights_request set state = $2, due_on = $3, extended = $4, identity_check = $5,
             identity_strength = $6, identity_checked_by = coalesce($7, identity_checked_by), assignee = $8,
             refusal_reason = $9, sealed_note = $10,
             closed_at = case when $2 in ('answered', 'refused') then now() else null end, updated_at = now()
           where id = $1 returning ${COLUMNS}`,
          [
            row.id,
            next.state,
            next.due_on,
            next.extended,
            next.identity_check,
            next.identity_strength,
            step.step === 'identity' && request.actor.kind === 'staff' ? request.actor.accountId : null,
            next.assignee,
            next.refusal_reason,
            next.sealed_note,
          ],
        );
        if (next.state === 'answered' && row.kind === 'objection' && row.purpose) {
          // Upheld: processing for that purpose on legitimate interest ends at the next access (consent, if any,
          // still holds), and partners holding copies are to be told.
          await appendBasis(ctx, tx, {
            personId,
            purpose: row.purpose,
            basis: 'legitimate-interest',
            action: 'withdraw',
            recordedBy: request.actor.kind === 'staff' ? request.actor.accountId : null,
          });
          await recordChange(ctx, tx, {
            personId,
            organisationId: row.organisation_id,
            change: 'objection',
            purpose: row.purpose,
          });
        }
        if (next.state === 'answered' && row.kind === 'restriction') {
          // GDPR 18: from the next decision on, only the rights purpose and legal claims reach the person's data.
          await imposeRestriction(ctx, tx, request, {
            personId,
            organisationId: row.organisation_id,
            requestId: row.id,
          });
        }
        // RIG-3: data is given only as a reviewed package; the ledger keeps the digest of what was given.
        const digest =
          next.state === 'answered' && (row.kind === 'access' || row.kind === 'portability')
            ? await releaseAccessAnswer(ctx, tx, row.id)
            : undefined;
        await recordRightsEvent(tx, request, action, personId, {
          reason: next.refusal_reason ?? row.kind,
          digest,
        });
        return ok(view(updated[0]!, today));
      },
    );
  });
}

/** The row after `step`, or a refusal with its code; nothing is written here. */
async function apply(
  ctx: GateContext,
  request: GateRequest,
  row: RequestRow,
  step: Step,
  today: string,
): Promise<RequestRow> {
  const staff = request.actor.kind === 'staff' ? request.actor : null;
  switch (step.step) {
    case 'identity': {
      const check = oneOf(
        STAFF_IDENTITY_CHECKS,
        step.check,
        'identity-check-invalid',
        'How identity was checked (card and PIN are checked by the portal itself)',
      );
      const strength = identityStrength(check, staff?.assurance ?? null);
      return {
        ...row,
        state: move(row.state, 'identity-checked'),
        identity_check: check,
        identity_strength: strength,
      };
    }
    case 'start': {
      const state = move(row.state, 'in-progress');
      // RIG-1: enough identity for what is asked, checked on record — whatever else is known of the person.
      if (!identityEnough(row.kind, row.identity_strength ?? 0)) {
        throw new HavenError(
          'identity-too-weak',
          `A ${row.kind} request needs the card with its PIN, or a check in person by staff signed in with a passkey.`,
          { status: 409 },
        );
      }
      return { ...row, state, assignee: staff?.accountId ?? null };
    }
    case 'extend': {
      move(row.state, 'extended');
      const reason = typeof step.reason === 'string' ? step.reason : '';
      const due = extendedDueDate(
        { receivedOn: row.received_on, extended: row.extended },
        { months: step.months as number, reason, personNotified: step.personNotified === true },
        today,
      );
      const sealed = await note(ctx, row, { extension: reason.trim() });
      return { ...row, state: 'extended', due_on: due, extended: true, sealed_note: sealed };
    }
    case 'answer': {
      const state = move(row.state, 'answered');
      // GDPR 17: an erasure request is answered by the erasure itself (its receipt), never by a bare "done".
      if (row.kind === 'erasure') {
        throw new HavenError(
          'erasure-not-done',
          'Erase the person: the erasure answers this request and gives its receipt (or refuse it with a reason).',
          { status: 409 },
        );
      }
      return { ...row, state };
    }
    case 'refuse': {
      move(row.state, 'refused');
      const refusal = checkRefusal(step.reason, step.note);
      const sealed = await note(ctx, row, { refusal: refusal.note.trim() });
      return { ...row, state: 'refused', refusal_reason: refusal.reason, sealed_note: sealed };
    }
  }
}

/** The request's words (extension, refusal), sealed under the person's key: they may describe the person. */
async function note(ctx: GateContext, row: RequestRow, add: Record<string, string>): Promise<Buffer> {
  const context = `rights-request:${row.id}`;
  const before = row.sealed_note
    ? await openForPerson<Record<string, string>>(ctx.vault, row.person_id, context, row.sealed_note)
    : {};
  return sealForPerson(ctx.vault, row.person_id, context, { ...before, ...add });
}

/**
 * The organisation's requests, open ones first by deadline (RIG-2): ids, kinds and dates, never what the person
 * said. For those who handle requests; a caseworker, for their caseload.
 */
export function listRightsRequests(
  ctx: GateContext,
  request: GateRequest,
  options: { open?: boolean } = {},
): Promise<RightsRequestView[]> {
  return throughGate(ctx, { ...request, purpose: RIGHTS.name }, 'rights.list', undefined, async () => {
    if (request.actor.kind !== 'staff' || !['caseworker', 'supervisor', 'dpo'].includes(request.actor.role)) {
      throw new HavenError(
        'access-denied',
        'Rights requests are handled by caseworkers, supervisors and the DPO.',
        {
          status: 403,
          reason: 'not-permitted',
        },
      );
    }
    // A caseworker sees the requests of the people in their caseload only, as for everything else (ACC-1).
    const caseworker = request.actor.role === 'caseworker';
    const { rows } = await ctx.db.query<RequestRow>(
      `select ${COLUMNS} from rights_request r where organisation_id = $1 ${options.open ? 'and closed_at is null' : ''}
        ${caseworker ? 'and exists (select 1 from caseload_assignment c where c.person_id = r.person_id and c.account_id = $2)' : ''}
        order by closed_at is not null, due_on, received_on limit 1000`,
      caseworker ? [request.actor.organisationId, request.actor.accountId] : [request.actor.organisationId],
    );
    const today = dayOf(ctx.now());
    return rows.map((row) => view(row, today));
  });
}

/**
 * One request, for whoever may handle it for that person (a caseworker: in their caseload, ACC-1): ids, kinds,
 * dates and state, never the sealed words. Opening it is ledgered like any other look at the person's affairs.
 */
export function showRightsRequest(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
): Promise<RightsRequestView> {
  const action = 'rights.view';
  return throughGate(ctx, { ...request, purpose: RIGHTS.name }, action, undefined, async () => {
    const personId = await personOf(ctx, request, requestId);
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'handle-rights-request', purpose: RIGHTS },
      async (tx) => {
        const { rows } = await tx.query<RequestRow>(`select ${COLUMNS} from rights_request where id = $1`, [
          requestId,
        ]);
        await recordRightsEvent(tx, request, action, personId, { reason: rows[0]!.kind });
        return ok(view(rows[0]!, dayOf(ctx.now())));
      },
    );
  });
}
