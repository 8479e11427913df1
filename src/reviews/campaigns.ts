/**
 * Review campaigns (ACC-7): the DPO or an administrator starts one; every active grant of the organisation goes
 * before its reviewer — the supervisor an administrator assigned to the account, or the DPO for the rest (a
 * supervisor's own grants, the DPO's unless another reviewer is set, agreement access). Each reviewer sees their
 * staff's grants with what they were used for (src/reviews/usage.ts) and approves or revokes. A campaign closes
 * when everything is decided or on its due day; an undecided grant still lapses on its own review date.
 */
import { randomUUID } from 'node:crypto';
import { addToDay, dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import { checkReviewDate } from './decisions.ts';
import {
  GRANT_COLUMNS,
  GRANT_FROM,
  type Grant,
  type ReviewActor,
  reviewRefusal,
  syncGrantsIn,
  toGrant,
} from './grants.ts';
import { type GrantUsage, grantUsage } from './usage.ts';

/** Without a due day, a campaign gives reviewers two weeks. */
export const CAMPAIGN_DAYS = 14;

export interface Campaign {
  id: string;
  startedBy: string;
  startedAt: string;
  dueBy: string;
  state: 'open' | 'closed';
  items: number;
  decided: number;
  approved: number;
  revoked: number;
}

const CAMPAIGN_COLUMNS = `c.id, c.started_by, c.started_at, c.due_by::text as due_by, c.state,
  (select count(*)::int from review_item i where i.campaign_id = c.id) as items,
  (select count(*)::int from review_item i where i.campaign_id = c.id and i.decision is not null) as decided,
  (select count(*)::int from review_item i where i.campaign_id = c.id and i.decision = 'approved') as approved,
  (select count(*)::int from review_item i where i.campaign_id = c.id and i.decision = 'revoked') as revoked`;

interface CampaignRow {
  id: string;
  started_by: string;
  started_at: Date;
  due_by: string;
  state: 'open' | 'closed';
  items: number;
  decided: number;
  approved: number;
  revoked: number;
}

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  startedBy: r.started_by,
  startedAt: r.started_at.toISOString(),
  dueBy: r.due_by,
  state: r.state,
  items: r.items,
  decided: r.decided,
  approved: r.approved,
  revoked: r.revoked,
});

export async function listCampaigns(sql: Sql, organisationId: string): Promise<Campaign[]> {
  const { rows } = await sql.query<CampaignRow>(
    `select ${CAMPAIGN_COLUMNS} from review_campaign c where c.organisation_id = $1
      order by c.started_at desc limit 50`,
    [organisationId],
  );
  return rows.map(toCampaign);
}

/**
 * Starts a campaign over every active grant of the organisation, recording first the grants Haven has not seen. One
 * open campaign at a
 * time (campaign-open). Only the DPO or an administrator (the routes and the command check who). Ledgered as
 * `access-review.start` on the organisation.
 */
export async function startCampaign(
  db: Database,
  actor: ReviewActor & { accountId: string },
  input: { dueBy?: string },
  now: Date,
  grants: { caseloads: Map<string, number>; reviewDays: number },
): Promise<Campaign> {
  const today = dayOf(now);
  const dueBy =
    input.dueBy === undefined
      ? addToDay(today, { days: CAMPAIGN_DAYS })
      : checkReviewDate(input.dueBy, today);
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('haven-review-campaign'), hashtext($1::text))`, [
      actor.organisationId,
    ]);
    const open = await tx.query(
      `select 1 from review_campaign where organisation_id = $1 and state = 'open'`,
      [actor.organisationId],
    );
    if (open.rowCount > 0) {
      throw new HavenError(
        'campaign-open',
        'A review campaign is already open: finish or wait for it first.',
        {
          status: 409,
        },
      );
    }
    // The grants Haven has not recorded yet, in the same transaction: a refused start writes nothing.
    await syncGrantsIn(tx, grants.caseloads, now, grants.reviewDays);
    const id = randomUUID();
    await tx.query(
      `insert into review_campaign (id, organisation_id, started_by, started_at, due_by) values ($1, $2, $3, $4, $5)`,
      [id, actor.organisationId, actor.accountId, now, dueBy],
    );
    await tx.query(
      `insert into review_item (campaign_id, grant_id, reviewer_id)
       select $1, g.id, (select r.id from staff_account r where r.id = a.reviewer_id and r.status = 'active')
         from access_grant g left join staff_account a on a.id = g.account_id
        where g.organisation_id = $2 and g.state = 'active'`,
      [id, actor.organisationId],
    );
    await recordAuditEvent(tx, {
      actor: actor.audit,
      action: 'access-review.start',
      subject: actor.organisationId,
      subjectType: 'organisation',
      decision: 'allow',
      reason: 'ok',
    });
    const { rows } = await tx.query<CampaignRow>(
      `select ${CAMPAIGN_COLUMNS} from review_campaign c where c.id = $1`,
      [id],
    );
    return toCampaign(rows[0]!);
  });
}

/**
 * Closes the open campaigns whose due day has passed or whose every item is decided (the review job does this).
 * Returns how many closed.
 */
export async function closeFinishedCampaigns(db: Database, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `update review_campaign c set state = 'closed', closed_at = $1
      where c.state = 'open' and (c.due_by < $2::date
         or not exists (select 1 from review_item i where i.campaign_id = c.id and i.decision is null))`,
    [now, dayOf(now)],
  );
  return rowCount;
}

export interface ReviewEntry {
  grant: Grant;
  /** Null only where the caller asked for none (the work list's counts). */
  usage: GrantUsage | null;
  /** In the open campaign: its id and what was decided so far (null: undecided). Null when not in one. */
  campaign: { id: string; decision: 'approved' | 'revoked' | null } | null;
  /** Whether the holder's data-protection training is current today (null for agreement access). */
  trainingCurrent: boolean | null;
}

/**
 * The grants this reviewer decides — their staff's, and for the DPO those nobody else reviews — with what each was
 * used for in the last `days` days. Never the reviewer's own grants. Active grants, and role grants that lapsed
 * (their accounts wait for a review to come back).
 */
export async function reviewList(
  sql: Sql,
  actor: ReviewActor,
  now: Date,
  days: number,
  withUsage = true,
): Promise<ReviewEntry[]> {
  const today = dayOf(now);
  const { rows } = await sql.query<
    Parameters<typeof toGrant>[0] & {
      campaign_id: string | null;
      decision: 'approved' | 'revoked' | null;
      training: boolean | null;
    }
  >(
    `select ${GRANT_COLUMNS}, i.campaign_id, i.decision,
            case when g.account_id is null then null else exists (
              select 1 from training_record t where t.account_id = g.account_id and t.completed_on <= $2::date
                 and t.expires_on > $2::date) end as training
       from ${GRANT_FROM}
       left join lateral (select i.campaign_id, i.decision from review_item i join review_campaign c on c.id = i.campaign_id
                           where i.grant_id = g.id and c.state = 'open' limit 1) i on true
      where g.organisation_id = $1
        and (g.state = 'active' or (g.state = 'lapsed' and g.kind = 'role' and a.status = 'disabled'
                                    and a.disabled_reason in ('lapsed', 'dormant')))
      order by g.review_due, a.email nulls last, g.kind`,
    [actor.organisationId, today],
  );
  const mine = rows.map((r) => ({ row: r, grant: toGrant(r) })).filter((x) => !reviewRefusal(actor, x.grant));
  const entries: ReviewEntry[] = [];
  for (const { row, grant } of mine) {
    entries.push({
      grant,
      usage: withUsage ? await grantUsage(sql, grant, now, days) : null,
      campaign: row.campaign_id ? { id: row.campaign_id, decision: row.decision } : null,
      trainingCurrent: row.training,
    });
  }
  return entries;
}
