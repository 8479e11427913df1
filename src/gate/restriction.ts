import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { LIFT_REASONS, type LiftReason } from '../domain/rights/restriction.ts';
import { sealForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { recordChange } from './change-outbox.ts';
import type { GateContext, GateRequest } from './context.ts';
import { refuse } from './decide.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { RIGHTS, recordRightsEvent } from './rights-purpose.ts';
import { ok } from './transaction.ts';

/**
 * Restriction of processing (GDPR 18, RIG-1). Answering a restriction request imposes it; while it is in force the
 * person's facts say `restricted`, and the built-in policies refuse every purpose but the rights purpose and legal
 * claims (src/policy/builtin/safeguards.cedar). A supervisor or the DPO lifts it, only once the person was told
 * (GDPR 18(3)). Partners holding a copy hear of both through the change outbox (GDPR 19).
 */
export interface RestrictionView {
  id: string;
  personId: string;
  /** The request whose answer imposed it. */
  requestId: string;
  imposedAt: string;
  imposedBy: string | null;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: LiftReason | null;
}

interface RestrictionRow {
  id: string;
  person_id: string;
  request_id: string;
  imposed_at: Date;
  imposed_by: string | null;
  lifted_at: Date | null;
  lifted_by: string | null;
  lift_reason: LiftReason | null;
}

const COLUMNS = 'id, person_id, request_id, imposed_at, imposed_by, lifted_at, lifted_by, lift_reason';

const view = (row: RestrictionRow): RestrictionView => ({
  id: row.id,
  personId: row.person_id,
  requestId: row.request_id,
  imposedAt: row.imposed_at.toISOString(),
  imposedBy: row.imposed_by,
  liftedAt: row.lifted_at?.toISOString() ?? null,
  liftedBy: row.lifted_by,
  liftReason: row.lift_reason,
});

/**
 * Imposes a restriction in the transaction that answers the request (the caller has decided it). A person already
 * restricted stays so under the first restriction: the answer holds, nothing new is written but its ledger event.
 */
export async function imposeRestriction(
  ctx: GateContext,
  tx: Sql,
  request: GateRequest,
  restriction: { personId: string; organisationId: string; requestId: string },
): Promise<void> {
  const imposedBy = request.actor.kind === 'staff' ? request.actor.accountId : null;
  const { rows } = await tx.query<{ id: string }>(
    `insert into restriction (id, person_id, organisation_id, request_id, imposed_by)
     values ($1, $2, $3, $4, $5)
     on conflict (person_id) where lifted_at is null do nothing returning id`,
    [randomUUID(), restriction.personId, restriction.organisationId, restriction.requestId, imposedBy],
  );
  if (rows.length > 0) {
    await recordChange(ctx, tx, {
      personId: restriction.personId,
      organisationId: restriction.organisationId,
      change: 'restriction',
    });
  }
  await recordRightsEvent(tx, request, 'restriction.impose', restriction.personId, {
    reason: rows.length > 0 ? 'restriction' : 'already-restricted',
  });
}

/** GDPR 18(3): the person is told first; the reason is one of a list, `other` with words. */
function checkLift(input: { reason: unknown; note?: unknown; personNotified: unknown }): {
  reason: LiftReason;
  note: string;
} {
  if (input.personNotified !== true) {
    throw new HavenError(
      'restriction-lift-invalid',
      'Tell the person that the restriction will be lifted before lifting it (GDPR 18(3)), then confirm that they were told.',
      { status: 422 },
    );
  }
  if (!LIFT_REASONS.includes(input.reason as LiftReason)) {
    throw new HavenError('restriction-lift-invalid', `Give the reason: one of ${LIFT_REASONS.join(', ')}.`, {
      status: 422,
    });
  }
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (input.reason === 'other' && note === '') {
    throw new HavenError('restriction-lift-invalid', 'Say in words why the restriction is lifted.', {
      status: 422,
    });
  }
  return { reason: input.reason as LiftReason, note };
}

/**
 * Lifts the restriction in force (GDPR 18(3)), decided under the rights purpose: a supervisor or the DPO of the
 * person's organisation (rights.cedar). Its words, if any, are sealed under the person's key: they may describe them.
 */
export function liftRestriction(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { reason: unknown; note?: unknown; personNotified: unknown },
): Promise<RestrictionView> {
  const action = 'restriction.lift';
  const scoped = { ...request, purpose: RIGHTS.name };
  return throughGate(ctx, scoped, action, personId, async () => {
    const lift = checkLift(input);
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'lift-restriction', purpose: RIGHTS, lock: true },
      async (tx, allowed) => {
        const { rows } = await tx.query<RestrictionRow>(
          `select ${COLUMNS} from restriction where person_id = $1 and lifted_at is null for update`,
          [personId],
        );
        const row = rows[0];
        if (!row || request.actor.kind !== 'staff') {
          return refuse(
            tx,
            scoped,
            action,
            personId,
            new HavenError(
              'person-not-restricted',
              'No restriction of processing is in force for this person.',
              {
                status: 409,
              },
            ),
          );
        }
        const sealed = lift.note
          ? await sealForPerson(ctx.vault, personId, `restriction:${row.id}`, { lift: lift.note })
          : null;
        const { rows: lifted } = await tx.query<RestrictionRow>(
          `update restriction set lifted_at = now(), lifted_by = $2, lift_reason = $3, sealed_note = $4
            where id = $1 returning ${COLUMNS}`,
          [row.id, request.actor.accountId, lift.reason, sealed],
        );
        await recordChange(ctx, tx, {
          personId,
          organisationId: allowed.meta.organisationId,
          change: 'restriction-lifted',
        });
        await recordRightsEvent(tx, request, action, personId, { reason: lift.reason });
        return ok(view(lifted[0]!));
      },
    );
  });
}
