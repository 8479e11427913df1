import type { Sql } from '../store/database.ts';
import type { GateContext } from './context.ts';
import { fanOutChange } from './partner-notices.ts';

/**
 * The durable outbox of changes (RIG-4, PUR-4): a correction, an erasure, a withdrawn consent or an upheld objection
 * is written here in
 * the transaction that makes it, so that the sharing work can tell every partner holding a copy — even one added
 * later, and even after a crash. Kinds and ids only, never a value.
 */
export type PersonChange =
  | 'correction'
  | 'erasure'
  | 'consent-withdrawn'
  | 'objection'
  // GDPR 18, 19: a restriction imposed, and its lifting.
  | 'restriction'
  | 'restriction-lifted';

export async function recordChange(
  ctx: GateContext,
  tx: Sql,
  change: {
    personId: string;
    organisationId: string;
    change: PersonChange;
    purpose?: string;
    fieldGroups?: readonly string[];
  },
): Promise<void> {
  const { rows } = await tx.query<{ seq: string }>(
    `insert into change_outbox (person_id, organisation_id, change, purpose, field_groups)
     values ($1, $2, $3, $4, $5) returning seq::text as seq`,
    [
      change.personId,
      change.organisationId,
      change.change,
      change.purpose ?? null,
      [...(change.fieldGroups ?? [])],
    ],
  );
  // PUR-4, RIG-4: the notices to partners, and their delivery jobs, commit with the change itself; without the
  // hooks (a command that runs no queue) the sweep fans it out later.
  if (ctx.partnerNotices) await fanOutChange(tx, rows[0]!.seq, ctx.partnerNotices, ctx.now());
}
