/**
 * What happens by itself (ACC-7): a grant not re-approved by its review date lapses — its access ends before the
 * next request (src/reviews/end-access.ts) — and an account unused for the dormancy period is disabled, which ends
 * its sessions (ACC-4). Both are safe on several servers at once: each grant and account is claimed under its row
 * lock with the due test repeated, so nothing is ended twice. Progress is reported for the `haven` command.
 */
import { dayOf } from '../domain/calendar.ts';
import { disableAccount } from '../identity/accounts.ts';
import type { AuditActor } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';
import { closeFinishedCampaigns } from './campaigns.ts';
import { type CaseloadGate, endGrant } from './end-access.ts';
import { GRANT_COLUMNS, GRANT_FROM, syncGrants, toGrant } from './grants.ts';

export type Progress = (done: number, total: number) => void;

const SYSTEM: AuditActor = { kind: 'system' };

/** Lapses every active grant whose review date is before today. Returns how many lapsed. */
export async function lapseDueGrants(
  db: Database,
  gate: CaseloadGate,
  now: Date,
  options: { reviewDays: number; actor?: AuditActor; onProgress?: Progress },
): Promise<number> {
  const today = dayOf(now);
  // Grants Haven has not recorded yet get their first review date now, not a lapse.
  await syncGrants(db, await gate.caseloadHolders(), now, options.reviewDays);
  const { rows } = await db.query<Parameters<typeof toGrant>[0]>(
    `select ${GRANT_COLUMNS} from ${GRANT_FROM} where g.state = 'active' and g.review_due < $1::date
      order by g.review_due, g.id`,
    [today],
  );
  let lapsed = 0;
  for (const [i, row] of rows.entries()) {
    const grant = toGrant(row);
    const ended = await endGrant(db, gate, grant, 'lapsed', options.actor ?? SYSTEM, now, {
      dueBefore: today,
      stillDue: async (tx) => {
        const due = await tx.query('select 1 from access_grant where id = $1 and review_due < $2::date', [
          grant.id,
          today,
        ]);
        return due.rowCount > 0;
      },
    });
    if (ended) lapsed++;
    options.onProgress?.(i + 1, rows.length);
  }
  await closeFinishedCampaigns(db, now);
  return lapsed;
}

/**
 * The moment an account was last used or given a fresh start: its last action in the ledger (as actor), its last
 * sign-in, its creation, and its last enabling (an account enabled again after dormancy is not disabled again by
 * the next run). A reviewer's approval is no use: an approved account nobody uses still goes dormant.
 */
const LAST_ACTIVE = `greatest(a.created_at, a.last_sign_in_at, a.enabled_at,
  (select e.recorded_at from audit_event e where e.actor_account = a.id order by e.seq desc limit 1))`;

/** Disables (reason `dormant`) every active account unused for `dormantDays`. Returns how many. */
export async function disableDormantAccounts(
  db: Database,
  now: Date,
  options: { dormantDays: number; actor?: AuditActor; onProgress?: Progress },
): Promise<number> {
  const cutoffAt = new Date(now.getTime() - options.dormantDays * 86_400_000);
  const { rows } = await db.query<{ id: string }>(
    `select a.id from staff_account a where a.status = 'active' and ${LAST_ACTIVE} < $1 order by a.id`,
    [cutoffAt],
  );
  let disabled = 0;
  for (const [i, { id }] of rows.entries()) {
    const done = await db.transaction(async (tx) => {
      // Claimed under its lock, the test repeated: another server, or a sign-in just now, wins.
      const still = await tx.query(
        `select 1 from staff_account a where a.id = $1 and a.status = 'active' and ${LAST_ACTIVE} < $2 for update`,
        [id, cutoffAt],
      );
      if (still.rowCount === 0) return false;
      return disableAccount(tx, id, 'dormant', options.actor ?? SYSTEM);
    });
    if (done) disabled++;
    options.onProgress?.(i + 1, rows.length);
  }
  return disabled;
}
