/**
 * A reviewer's decisions (ACC-7): approve a grant with a new review date, or revoke it. Never one's own grant
 * (review-own-grant); only one's staff's, or as DPO the grants nobody else reviews (not-reviewer). Approving a
 * tier 3–4 grant or break-glass eligibility needs the holder's training current, as granting it did. A role grant
 * that lapsed may be approved again: that is the review an account disabled as lapsed (or dormant) needs before an
 * administrator enables it.
 */
import { addToDay, dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import type { Database } from '../store/database.ts';
import { isCalendarDay } from './days.ts';
import { type CaseloadGate, endGrant } from './end-access.ts';
import {
  type Grant,
  getGrant,
  hasCurrentTraining,
  needsTraining,
  type ReviewActor,
  recordGrantEvent,
  reviewRefusal,
  trainingRequired,
} from './grants.ts';

/** The furthest a review date may be set: a year, so every grant is looked at again at least yearly. */
export const MAX_REVIEW_DAYS = 366;

export function checkReviewDate(value: unknown, today: string): string {
  if (!isCalendarDay(value)) {
    throw new HavenError('review-date-invalid', 'A review date is a day (YYYY-MM-DD).', {
      status: 422,
      fields: [{ path: 'reviewDue', code: 'date', message: 'YYYY-MM-DD' }],
    });
  }
  if (value <= today) {
    throw new HavenError('review-date-past', 'The next review date must be after today.', {
      status: 422,
      fields: [{ path: 'reviewDue', code: 'past', message: 'After today.' }],
    });
  }
  if (value > addToDay(today, { days: MAX_REVIEW_DAYS })) {
    throw new HavenError('review-date-too-far', 'Set the next review within a year.', {
      status: 422,
      fields: [{ path: 'reviewDue', code: 'too-far', message: 'Within 366 days.' }],
    });
  }
  return value;
}

function checkReviewer(actor: ReviewActor, grant: Grant): void {
  const refusal = reviewRefusal(actor, grant);
  if (refusal) throw refusal;
}

export async function approveGrant(
  db: Database,
  actor: ReviewActor,
  grantId: string,
  reviewDue: unknown,
  now: Date,
): Promise<Grant> {
  const today = dayOf(now);
  const due = checkReviewDate(reviewDue, today);
  return db.transaction(async (tx) => {
    const grant = await getGrant(tx, actor.organisationId, grantId, true);
    checkReviewer(actor, grant);
    const reopens = grant.state === 'lapsed' && grant.kind === 'role';
    if (grant.state !== 'active' && !reopens) {
      throw new HavenError('grant-ended', 'This grant has ended; grant the access anew instead.', {
        status: 409,
      });
    }
    if (needsTraining(grant) && !(await hasCurrentTraining(tx, grant.accountId!, today))) {
      throw trainingRequired();
    }
    await tx.query(
      `update access_grant set review_due = $2::date, reviewed_at = $3, reviewed_by = $4, state = 'active',
              ended_at = null, ended_by = null where id = $1`,
      [grant.id, due, now, actor.accountId],
    );
    await tx.query(
      `update review_item i set decision = 'approved', decided_at = $2, new_review_due = $3::date
         from review_campaign c
        where i.campaign_id = c.id and c.state = 'open' and i.grant_id = $1 and i.decision is null`,
      [grant.id, now, due],
    );
    await recordGrantEvent(tx, actor.audit, 'access-grant.approve', grant);
    return getGrant(tx, actor.organisationId, grant.id);
  });
}

export async function revokeGrant(
  db: Database,
  gate: CaseloadGate,
  actor: ReviewActor,
  grantId: string,
  now: Date,
): Promise<Grant> {
  const grant = await getGrant(db, actor.organisationId, grantId);
  checkReviewer(actor, grant);
  if (grant.state !== 'active') {
    throw new HavenError('grant-ended', 'This grant has already ended.', { status: 409 });
  }
  const ended = await endGrant(db, gate, grant, 'revoked', actor.audit, now, {
    also: async (tx) => {
      await tx.query(
        `update review_item i set decision = 'revoked', decided_at = $2
           from review_campaign c
          where i.campaign_id = c.id and c.state = 'open' and i.grant_id = $1 and i.decision is null`,
        [grant.id, now],
      );
    },
  });
  if (!ended) throw new HavenError('grant-ended', 'This grant has already ended.', { status: 409 });
  return getGrant(db, actor.organisationId, grant.id);
}
