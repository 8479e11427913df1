import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import type { WriteStatement } from '../store/write-statement.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { refuse } from './decide.ts';
import { decidePersonAction } from './entry.ts';
import { ok } from './transaction.ts';

/** Adds caseload assignments to a statement (a caseworker's own registrations, written in a batch). */
export function addCaseloadAssignments(
  statement: WriteStatement,
  rows: readonly { personId: string; accountId: string }[],
): void {
  if (rows.length === 0) return;
  statement.add(
    `insert into caseload_assignment (person_id, account_id, assigned_by)
     select p, a, a from unnest(${statement.param(
       rows.map((r) => r.personId),
       'uuid[]',
     )}, ${statement.param(
       rows.map((r) => r.accountId),
       'uuid[]',
     )}) as x(p, a)`,
  );
}

/** Caseloads (ACC-1): a supervisor assigns a person to a caseworker of the same organisation, or removes them. */
export function setCaseload(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  accountId: string,
  assigned: boolean,
): Promise<{ assignees: string[] }> {
  const event = assigned ? 'caseload.assign' : 'caseload.remove';
  return decidePersonAction(
    ctx,
    request,
    { event, personId, action: 'assign-caseload' },
    async (tx, { purpose }) => {
      const { rows } = await tx.query<{ role: string; organisation_id: string; status: string }>(
        'select role, organisation_id, status from staff_account where id = $1',
        [/^[0-9a-f-]{36}$/i.test(accountId) ? accountId : '00000000-0000-0000-0000-000000000000'],
      );
      const target = rows[0];
      if (
        assigned &&
        (!target ||
          target.organisation_id !== request.actor.organisationId ||
          target.status !== 'active' ||
          target.role !== 'caseworker')
      ) {
        return refuse(
          tx,
          request,
          event,
          personId,
          new HavenError(
            'caseworker-not-found',
            'Assign people only to active caseworkers of your organisation.',
            { status: 422 },
          ),
        );
      }
      if (assigned) {
        await tx.query(
          `insert into caseload_assignment (person_id, account_id, assigned_by) values ($1, $2, $3) on conflict do nothing`,
          [personId, accountId, request.actor.kind === 'staff' ? request.actor.accountId : null],
        );
      } else {
        await tx.query('delete from caseload_assignment where person_id = $1 and account_id = $2', [
          personId,
          accountId,
        ]);
      }
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: event,
          purpose: purpose.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      const { rows: assignees } = await tx.query<{ account_id: string }>(
        'select account_id from caseload_assignment where person_id = $1 order by account_id',
        [personId],
      );
      return ok({ assignees: assignees.map((a) => a.account_id) });
    },
  );
}
