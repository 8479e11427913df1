/**
 * What ending a grant does to the access it stood for (ACC-7), the same whether it lapsed by its date or a
 * reviewer revoked it, so that the very next request is decided without it: a role disables the account (its
 * sessions end on every server, ACC-4), a tier falls to 1 (sessions carry the tier: every server forgets them), a
 * caseload empties (through the gate), break-glass eligibility ends here, and an agreement is suspended.
 */
import { changeAccount, disableAccount } from '../identity/accounts.ts';
import type { AuditActor } from '../ledger/events.ts';
import { suspendAgreementForReview } from '../sharing/agreements.ts';
import type { Database, Sql } from '../store/database.ts';
import { type Grant, recordGrantEvent } from './grants.ts';

/** The gate's part: caseloads are personal (src/gate/access-reviews.ts). */
export interface CaseloadGate {
  caseloadHolders(organisationId?: string): Promise<Map<string, number>>;
  endCaseload(
    accountId: string,
    reason: 'review-lapsed' | 'review-revoked',
    actor: AuditActor,
    grant?: { id: string; dueBefore: string | null },
  ): Promise<number>;
}

export type GrantEnd = 'lapsed' | 'revoked';

/**
 * Ends a grant and its access, ledgered (`access-grant.lapse` or `access-grant.revoke`). The caseload goes first,
 * in the gate's own transaction (the caseload is the gate's table): if what follows fails, the grant is still
 * active and the next run ends it again, which then removes nothing. Returns false when the grant was no longer
 * active (another server or reviewer got there first).
 */
export async function endGrant(
  db: Database,
  gate: CaseloadGate,
  grant: Grant,
  end: GrantEnd,
  actor: AuditActor,
  now: Date,
  hooks: {
    /** Checked under the grant's lock: false leaves it (the lapse job's due test, repeated). */
    stillDue?: (tx: Sql) => Promise<boolean>;
    /** For a lapse: the grant must still be due before this day, when the caseload is ended too. */
    dueBefore?: string;
    /** More writes in the same transaction (the reviewer's campaign item). */
    also?: (tx: Sql) => Promise<void>;
  } = {},
): Promise<boolean> {
  if (grant.kind === 'caseload' && grant.accountId) {
    await gate.endCaseload(grant.accountId, end === 'lapsed' ? 'review-lapsed' : 'review-revoked', actor, {
      id: grant.id,
      dueBefore: hooks.dueBefore ?? null,
    });
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string }>(
      'select state from access_grant where id = $1 for update',
      [grant.id],
    );
    if (rows[0]?.state !== 'active' || (hooks.stillDue && !(await hooks.stillDue(tx)))) return false;
    await tx.query(`update access_grant set state = $2, ended_at = $3, ended_by = $4 where id = $1`, [
      grant.id,
      end,
      now,
      actor.account ?? null,
    ]);
    switch (grant.kind) {
      case 'role':
        await disableAccount(tx, grant.accountId!, 'lapsed', actor);
        break;
      case 'tier':
        // Through the one path that tells every server's session cache (ACC-4).
        await changeAccount(tx, grant.accountId!, { tier: 1 }, actor);
        break;
      case 'agreement':
        await suspendAgreementForReview(tx, grant.agreementId!, `review-${end}`, actor, now);
        break;
      case 'caseload':
      case 'break-glass':
        break;
    }
    await recordGrantEvent(tx, actor, end === 'lapsed' ? 'access-grant.lapse' : 'access-grant.revoke', grant);
    await hooks.also?.(tx);
    return true;
  });
}
