/**
 * Data-protection training per staff member (ACC-7): course, completion and expiry. The latest completion counts;
 * earlier records stay as history. Tier 3–4 grants and break-glass eligibility need it current, so the review
 * lists who is overdue: anyone whose training is missing or expired, first those who hold such a grant.
 */
import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import { isCalendarDay } from './days.ts';
import type { ReviewActor } from './grants.ts';

export interface TrainingInput {
  accountId: string;
  course: string;
  completedOn: string;
  expiresOn: string;
}

export interface TrainingRecord {
  id: string;
  accountId: string;
  course: string;
  completedOn: string;
  expiresOn: string;
  recordedAt: string;
}

export type TrainingState = 'current' | 'expired' | 'missing';

export interface StaffTraining {
  accountId: string;
  account: string;
  role: Role;
  tier: number;
  latest: TrainingRecord | null;
  state: TrainingState;
  /** Holds a grant that needs current training (tier 3–4 or break-glass eligibility). */
  needed: boolean;
  /** Who reviews this account's grants; null: the DPO. */
  reviewerId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validDay(value: unknown, path: string): string {
  if (!isCalendarDay(value)) {
    throw new HavenError('training-date-invalid', 'Training dates are days (YYYY-MM-DD).', {
      status: 422,
      fields: [{ path, code: 'date', message: 'YYYY-MM-DD' }],
    });
  }
  return value;
}

/** Checks a training record before anything is written: real days, done by today, expiring after completion. */
export function checkTraining(input: TrainingInput, today: string): TrainingInput {
  const course = typeof input.course === 'string' ? input.course.trim() : '';
  if (course.length < 1 || course.length > 200) {
    throw new HavenError('training-course-required', 'Name the course (1 to 200 characters).', {
      status: 422,
      fields: [{ path: 'course', code: 'required', message: '1 to 200 characters.' }],
    });
  }
  const completedOn = validDay(input.completedOn, 'completedOn');
  const expiresOn = validDay(input.expiresOn, 'expiresOn');
  if (completedOn > today) {
    throw new HavenError('training-date-future', 'Record training once it is completed, not before.', {
      status: 422,
      fields: [{ path: 'completedOn', code: 'future', message: 'Not after today.' }],
    });
  }
  if (expiresOn <= completedOn) {
    throw new HavenError(
      'training-expiry-before-completion',
      'The training expires after it was completed: check the two dates.',
      { status: 422, fields: [{ path: 'expiresOn', code: 'order', message: 'After the completion date.' }] },
    );
  }
  return { accountId: input.accountId, course, completedOn, expiresOn };
}

export async function recordTraining(
  db: Database,
  actor: ReviewActor,
  input: TrainingInput,
  now: Date,
): Promise<TrainingRecord> {
  const checked = checkTraining(input, dayOf(now));
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      'select 1 from staff_account where id = $1 and organisation_id = $2',
      [
        UUID.test(checked.accountId) ? checked.accountId : '00000000-0000-0000-0000-000000000000',
        actor.organisationId,
      ],
    );
    if (rowCount === 0) {
      throw new HavenError('account-not-found', 'No account with that id in your organisation.', {
        status: 404,
      });
    }
    const id = randomUUID();
    await tx.query(
      `insert into training_record (id, organisation_id, account_id, course, completed_on, expires_on, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        actor.organisationId,
        checked.accountId,
        checked.course,
        checked.completedOn,
        checked.expiresOn,
        actor.accountId,
        now,
      ],
    );
    await recordAuditEvent(tx, {
      actor: actor.audit,
      action: 'training.record',
      subject: checked.accountId,
      subjectType: 'account',
      decision: 'allow',
      reason: 'ok',
    });
    return { id, ...checked, recordedAt: now.toISOString() };
  });
}

/** Every active staff member of the organisation with their latest training and whether it is current today. */
export async function staffTraining(sql: Sql, organisationId: string, now: Date): Promise<StaffTraining[]> {
  const today = dayOf(now);
  const { rows } = await sql.query<{
    id: string;
    email: string;
    role: Role;
    tier: number;
    record_id: string | null;
    course: string | null;
    completed_on: string | null;
    expires_on: string | null;
    recorded_at: Date | null;
    needed: boolean;
    reviewer_id: string | null;
  }>(
    `select a.id, a.email, a.role, a.tier, a.reviewer_id, t.id as record_id, t.course, t.completed_on::text as completed_on,
            t.expires_on::text as expires_on, t.recorded_at,
            (a.tier >= 3 or exists (select 1 from access_grant g where g.account_id = a.id and g.kind = 'break-glass'
                                      and g.state = 'active')) as needed
       from staff_account a
       left join lateral (select * from training_record r where r.account_id = a.id and r.completed_on <= $2::date
                           order by r.completed_on desc, r.recorded_at desc limit 1) t on true
      where a.organisation_id = $1 and a.status = 'active'
      order by a.email`,
    [organisationId, today],
  );
  return rows.map((r) => ({
    accountId: r.id,
    account: r.email,
    role: r.role,
    tier: r.tier,
    latest: r.record_id
      ? {
          id: r.record_id,
          accountId: r.id,
          course: r.course!,
          completedOn: r.completed_on!,
          expiresOn: r.expires_on!,
          recordedAt: r.recorded_at!.toISOString(),
        }
      : null,
    state: !r.record_id ? 'missing' : r.expires_on! > today ? 'current' : 'expired',
    needed: r.needed,
    reviewerId: r.reviewer_id,
  }));
}
