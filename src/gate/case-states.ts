import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import {
  applyTransition,
  type CaseEvents,
  type CaseState,
  caseStateOf,
  checkTransition,
  DEFAULT_CASE_STATES,
  INITIAL_CASE_STATE,
  type TransitionReason,
} from '../domain/retention/rules.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decidePersonAction } from './entry.ts';
import { ok } from './transaction.ts';

/**
 * Case states through the gate (RET-1): where a person's case stands, changed by those who work it, each change a
 * ledger event; the dated events it sets (closure, claim decision) are what retention counts from. The rules
 * (states, what each sets, what a change may say) are in src/domain/retention/rules.ts.
 */

/** The lifecycle in force. Configurable by code today; a dictionary section may name it later. */
export const caseStates = (_ctx: GateContext): readonly CaseState[] => DEFAULT_CASE_STATES;

export interface CaseTransitionView {
  id: string;
  from: string;
  to: string;
  on: string;
  by: string;
  reason: TransitionReason | null;
  recordedAt: string;
}

export interface CaseStateView {
  personId: string;
  state: string;
  sinceOn: string;
  caseClosedOn: string | null;
  claimDecidedOn: string | null;
  /** Newest first; only in the history's answer. */
  transitions?: CaseTransitionView[];
}

interface StateRow {
  state: string;
  since_on: string;
  case_closed_on: string | null;
  claim_decided_on: string | null;
}

/** The person's case as stored; a person with no row is open since registration. */
async function currentState(tx: Sql, personId: string, registeredOn: string): Promise<StateRow> {
  const { rows } = await tx.query<StateRow>(
    `select state, to_char(since_on, 'YYYY-MM-DD') as since_on, to_char(case_closed_on, 'YYYY-MM-DD') as case_closed_on,
       to_char(claim_decided_on, 'YYYY-MM-DD') as claim_decided_on
     from case_state where person_id = $1`,
    [personId],
  );
  return (
    rows[0] ?? {
      state: INITIAL_CASE_STATE,
      since_on: registeredOn,
      case_closed_on: null,
      claim_decided_on: null,
    }
  );
}

const viewOf = (personId: string, row: StateRow): CaseStateView => ({
  personId,
  state: row.state,
  sinceOn: row.since_on,
  caseClosedOn: row.case_closed_on,
  claimDecidedOn: row.claim_decided_on,
});

/**
 * RET-1: moves a person's case to another state on a day (today unless given), with a reason code. The person's
 * row is locked, so two changes do not interleave; the change, its history row and the ledger event commit together.
 */
export function changeCaseState(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { state?: unknown; reason?: unknown; on?: unknown },
): Promise<CaseStateView> {
  const action = 'case-state.change';
  return decidePersonAction(
    ctx,
    request,
    { event: action, personId, action: 'change-case-state', lock: true },
    async (tx, allowed) => {
      const today = dayOf(ctx.now());
      const registeredOn = dayOf(allowed.meta.createdAt);
      const current = await currentState(tx, personId, registeredOn);
      const states = caseStates(ctx);
      const change = checkTransition(
        states,
        { state: current.state, sinceOn: current.since_on },
        input,
        today,
      );
      const before: CaseEvents = {
        caseClosedOn: current.case_closed_on,
        claimDecidedOn: current.claim_decided_on,
      };
      const after = applyTransition(before, caseStateOf(states, change.state)!, change.on);
      const staff = request.actor.kind === 'staff' ? request.actor.accountId : null;
      await tx.query(
        `insert into case_state (person_id, organisation_id, state, since_on, case_closed_on, claim_decided_on,
           last_contact_on)
         values ($1, $2, $3, $4, $5, $6, $4)
         on conflict (person_id) do update set state = excluded.state, since_on = excluded.since_on,
           case_closed_on = excluded.case_closed_on, claim_decided_on = excluded.claim_decided_on,
           last_contact_on = greatest(case_state.last_contact_on, excluded.last_contact_on), updated_at = now()`,
        [
          personId,
          allowed.meta.organisationId,
          change.state,
          change.on,
          after.caseClosedOn,
          after.claimDecidedOn,
        ],
      );
      await tx.query(
        `insert into case_transition (id, person_id, organisation_id, from_state, to_state, on_day, by_account, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          randomUUID(),
          personId,
          allowed.meta.organisationId,
          current.state,
          change.state,
          change.on,
          staff,
          change.reason,
        ],
      );
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action,
          purpose: allowed.purpose.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          // The state entered, a code: the ledger dates the retention clocks without holding a value.
          reason: change.state,
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok(
        viewOf(personId, {
          state: change.state,
          since_on: change.on,
          case_closed_on: after.caseClosedOn,
          claim_decided_on: after.claimDecidedOn,
        }),
      );
    },
  );
}

/** RET-1: the case's state and every change of it, newest first. A read of the record: ledgered as one. */
export function caseStateHistory(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
): Promise<CaseStateView> {
  const action = 'case-state.history';
  return decidePersonAction(
    ctx,
    request,
    { event: action, personId, action: 'view-case-state' },
    async (tx, allowed) => {
      const current = await currentState(tx, personId, dayOf(allowed.meta.createdAt));
      const { rows } = await tx.query<{
        id: string;
        from_state: string;
        to_state: string;
        on_day: string;
        by_account: string;
        reason: TransitionReason | null;
        recorded_at: Date;
      }>(
        `select id, from_state, to_state, to_char(on_day, 'YYYY-MM-DD') as on_day, by_account, reason, recorded_at
         from case_transition where person_id = $1 order by recorded_at desc, on_day desc`,
        [personId],
      );
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action,
          purpose: allowed.purpose.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok({
        ...viewOf(personId, current),
        transitions: rows.map((r) => ({
          id: r.id,
          from: r.from_state,
          to: r.to_state,
          on: r.on_day,
          by: r.by_account,
          reason: r.reason,
          recordedAt: new Date(r.recorded_at).toISOString(),
        })),
      });
    },
  );
}
