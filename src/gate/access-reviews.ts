import { type AuditActor, type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import type { GateContext } from './context.ts';

/**
 * What access recertification (ACC-7, src/reviews/) needs of caseloads, which are personal (who works whom): how
 * many people each staff member holds — counts, never whom — and ending a whole caseload when its grant lapses or a
 * reviewer revokes it. The caseload is one grant per account (docs/decisions/0018-access-reviews.md).
 */

/** Staff accounts of an organisation (or of all) with the size of their caseload; accounts with none are absent. */
export async function caseloadHolders(
  ctx: GateContext,
  organisationId?: string,
): Promise<Map<string, number>> {
  const { rows } = await ctx.db.query<{ account_id: string; n: number }>(
    `select c.account_id, count(*)::int as n from caseload_assignment c join staff_account a on a.id = c.account_id
      where ($1::uuid is null or a.organisation_id = $1::uuid) group by c.account_id`,
    [organisationId ?? null],
  );
  return new Map(rows.map((r) => [r.account_id, r.n]));
}

/**
 * Ends an account's caseload: every assignment goes, each with a `caseload.remove` event on that person (their
 * access history shows it), reason `review-lapsed` or `review-revoked`. The next request about any of them is
 * decided without the caseload. With `grant`, only while that caseload grant is still active (and due before the
 * day given). Returns how many people left the caseload.
 */
export async function endCaseload(
  ctx: GateContext,
  accountId: string,
  reason: 'review-lapsed' | 'review-revoked',
  actor: AuditActor,
  grant?: { id: string; dueBefore: string | null },
): Promise<number> {
  return ctx.db.transaction(async (sql: Sql) => {
    // Under the grant's row lock, the grant is still active (and, for a lapse, still past its date): a reviewer who
    // approved it a moment ago wins, and the caseload stays.
    if (grant) {
      const still = await sql.query(
        `select 1 from access_grant where id = $1 and account_id = $2 and kind = 'caseload' and state = 'active'
            and ($3::date is null or review_due < $3::date) for update`,
        [grant.id, accountId, grant.dueBefore],
      );
      if (still.rowCount === 0) return 0;
    }
    const { rows } = await sql.query<{ person_id: string }>(
      'delete from caseload_assignment where account_id = $1 returning person_id',
      [accountId],
    );
    const events: NewAuditEvent[] = rows.map((r) => ({
      actor,
      action: 'caseload.remove',
      subject: r.person_id,
      subjectType: 'person',
      decision: 'allow',
      reason,
    }));
    if (events.length > 0) await recordAuditEvents(sql, events);
    return rows.length;
  });
}
