/**
 * Grants and their review dates (ACC-7). Five kinds: an account's role and tier (mirroring staff_account), its
 * caseload (all its caseload assignments as one grant), its break-glass eligibility (held only here), and a
 * partner's access under one approved agreement. Role, tier, caseload and agreement grants are recorded when
 * Haven first sees them (`syncGrants`, run by the review job, by a campaign's start and before every list), so the
 * paths that grant them — an administrator's change, a supervisor's assignment, the DPO's approval — need not
 * know about reviews; break-glass eligibility is granted here. No registered person's data: staff and agreements.
 */
import { randomUUID } from 'node:crypto';
import { addToDay, dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { type AuditActor, recordAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

export const GRANT_KINDS = ['role', 'tier', 'caseload', 'break-glass', 'agreement'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];
export type GrantState = 'active' | 'lapsed' | 'revoked' | 'replaced';

/** Who acts on grants: a signed-in staff member (routes), or the `haven` command and Haven's own jobs. */
export interface ReviewActor {
  accountId: string | null;
  organisationId: string;
  role: Role | null;
  audit: AuditActor;
}

export interface Grant {
  id: string;
  organisationId: string;
  kind: GrantKind;
  /** The staff account holding it; null for agreement access. */
  accountId: string | null;
  account: string | null;
  accountRole: Role | null;
  agreementId: string | null;
  agreement: string | null;
  /** What is granted: the role, the tier; '' for caseload and break-glass; the agreement id. */
  scope: string;
  grantedAt: string;
  reviewDue: string;
  reviewedAt: string | null;
  state: GrantState;
  endedAt: string | null;
  /** The account that reviews it; null: the organisation's DPO. */
  reviewerId: string | null;
}

interface GrantRow {
  id: string;
  organisation_id: string;
  kind: GrantKind;
  account_id: string | null;
  email: string | null;
  account_role: Role | null;
  agreement_id: string | null;
  agreement_title: string | null;
  scope: string;
  granted_at: Date;
  review_due: string;
  reviewed_at: Date | null;
  state: GrantState;
  ended_at: Date | null;
  reviewer_id: string | null;
}

/** The reviewer is the account's assigned reviewer while that one is active; otherwise (and for agreements) null. */
export const GRANT_COLUMNS = `g.id, g.organisation_id, g.kind, g.account_id, a.email, a.role as account_role,
  g.agreement_id, ag.title as agreement_title, g.scope, g.granted_at, g.review_due::text as review_due,
  g.reviewed_at, g.state, g.ended_at,
  (select r.id from staff_account r where r.id = a.reviewer_id and r.status = 'active') as reviewer_id`;
export const GRANT_FROM = `access_grant g left join staff_account a on a.id = g.account_id
  left join agreement ag on ag.id = g.agreement_id`;

export function toGrant(row: GrantRow): Grant {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    accountId: row.account_id,
    account: row.email,
    accountRole: row.account_role,
    agreementId: row.agreement_id,
    agreement: row.agreement_title,
    scope: row.scope,
    grantedAt: row.granted_at.toISOString(),
    reviewDue: row.review_due,
    reviewedAt: row.reviewed_at?.toISOString() ?? null,
    state: row.state,
    endedAt: row.ended_at?.toISOString() ?? null,
    reviewerId: row.reviewer_id,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const grantNotFound = () =>
  new HavenError('grant-not-found', 'No grant with that id in your organisation.', { status: 404 });

/** A grant of the actor's organisation; another organisation's is as unknown as a missing one. */
export async function getGrant(sql: Sql, organisationId: string, id: string, lock = false): Promise<Grant> {
  if (!UUID.test(id)) throw grantNotFound();
  const { rows } = await sql.query<GrantRow>(
    `select ${GRANT_COLUMNS} from ${GRANT_FROM} where g.id = $1 and g.organisation_id = $2
      ${lock ? 'for update of g' : ''}`,
    [id, organisationId],
  );
  if (!rows[0]) throw grantNotFound();
  return toGrant(rows[0]);
}

/** Whether this actor may decide this grant: never their own (ACC-6); their staff's, or as DPO the unassigned. */
export function reviewRefusal(actor: ReviewActor, grant: Grant): HavenError | undefined {
  if (grant.accountId !== null && grant.accountId === actor.accountId) {
    return new HavenError(
      'review-own-grant',
      'Nobody reviews their own access: someone else (your reviewer or the DPO) decides your grants.',
      { status: 403, reason: 'ACC-7' },
    );
  }
  const mine = actor.accountId !== null && grant.reviewerId === actor.accountId;
  const dpoDefault = grant.reviewerId === null && actor.role === 'dpo';
  if (!mine && !dpoDefault) {
    return new HavenError(
      'not-reviewer',
      'You do not review this grant: it belongs to another reviewer’s staff.',
      { status: 403, reason: 'ACC-7' },
    );
  }
  return undefined;
}

/** The training of a staff member that counts today: the latest completion, if it has not expired. */
export async function hasCurrentTraining(sql: Sql, accountId: string, today: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `select 1 from training_record where account_id = $1 and completed_on <= $2::date and expires_on > $2::date`,
    [accountId, today],
  );
  return rowCount > 0;
}

export const trainingRequired = () =>
  new HavenError(
    'training-required',
    'Tier 3–4 data and break-glass need current data-protection training: record it first.',
    { status: 409, reason: 'ACC-7' },
  );

/** A grant that needs current training to be given or re-approved (ACC-7). */
export function needsTraining(grant: Pick<Grant, 'kind' | 'scope'>): boolean {
  return grant.kind === 'break-glass' || (grant.kind === 'tier' && Number(grant.scope) >= 3);
}

function grantEvent(
  actor: AuditActor,
  action: string,
  grant: { kind: GrantKind; accountId: string | null; agreementId: string | null },
) {
  return {
    actor,
    action,
    subject: (grant.accountId ?? grant.agreementId)!,
    subjectType: grant.accountId ? ('account' as const) : ('agreement' as const),
    decision: 'allow' as const,
    reason: grant.kind,
  };
}

export async function recordGrantEvent(
  sql: Sql,
  actor: AuditActor,
  action: string,
  grant: { kind: GrantKind; accountId: string | null; agreementId: string | null },
): Promise<void> {
  await recordAuditEvent(sql, grantEvent(actor, action, grant));
}

/**
 * Records the grants Haven sees but has no active record of, with a review date `reviewDays` from now, and ends
 * (state `replaced`) those whose source changed: a new role or tier, a caseload emptied, an agreement no longer
 * approved. Each new record is an `access-grant.add` event. One sync at a time (advisory lock): several servers may
 * run it at once. `caseloads` comes from the gate (sizes only).
 */
export async function syncGrants(
  db: Database,
  caseloads: Map<string, number>,
  now: Date,
  reviewDays: number,
): Promise<{ added: number; replaced: number }> {
  return db.transaction((tx) => syncGrantsIn(tx, caseloads, now, reviewDays));
}

/** `syncGrants` inside the caller's transaction (a campaign records grants and starts in one). */
export async function syncGrantsIn(
  tx: Sql,
  caseloads: Map<string, number>,
  now: Date,
  reviewDays: number,
): Promise<{ added: number; replaced: number }> {
  const today = dayOf(now);
  const due = addToDay(today, { days: reviewDays });
  const holders = [...caseloads.entries()].filter(([, n]) => n > 0).map(([id]) => id);
  {
    await tx.query(`select pg_advisory_xact_lock(hashtext('haven-access-grants'))`);
    // What each holder should have now: kind, account or agreement, scope. A dormant account, or one disabled
    // because its role lapsed, keeps its role grant: approving it is the review that lets an administrator enable
    // the account again (a sync between that approval and the enabling must not replace it).
    const wanted = `
      select a.organisation_id, 'role' as kind, a.id as account_id, null::uuid as agreement_id, a.role as scope
        from staff_account a where a.status = 'active' or a.disabled_reason in ('dormant', 'lapsed')
      union all
      select a.organisation_id, 'tier', a.id, null, a.tier::text from staff_account a where a.status = 'active' and a.tier > 1
      union all
      select a.organisation_id, 'caseload', a.id, null, '' from staff_account a
       where a.status = 'active' and a.id = any($3::uuid[])
      union all
      select ag.organisation_id, 'agreement', null, ag.id, ag.id::text from agreement ag
       where ag.state = 'approved' and ag.ends_on >= $2::date`;
    const replaced = await tx.query<{
      kind: GrantKind;
      account_id: string | null;
      agreement_id: string | null;
    }>(
      `update access_grant g set state = 'replaced', ended_at = $1
        where g.state = 'active' and g.kind <> 'break-glass'
          and not exists (select 1 from (${wanted}) w where w.kind = g.kind
                            and w.account_id is not distinct from g.account_id
                            and w.agreement_id is not distinct from g.agreement_id and w.scope = g.scope)
        returning g.kind, g.account_id, g.agreement_id`,
      [now, today, holders],
    );
    const added = await tx.query<{ kind: GrantKind; account_id: string | null; agreement_id: string | null }>(
      `insert into access_grant (id, organisation_id, kind, account_id, agreement_id, scope, granted_at, review_due)
       select gen_random_uuid(), w.organisation_id, w.kind, w.account_id, w.agreement_id, w.scope, $1, $4::date
         from (${wanted}) w
        where not exists (select 1 from access_grant g where g.state = 'active' and g.kind = w.kind
                            and g.account_id is not distinct from w.account_id
                            and g.agreement_id is not distinct from w.agreement_id)
          -- An account disabled because its role lapsed gets no new grant: its lapsed one is what gets reviewed.
          and not exists (select 1 from staff_account a where a.id = w.account_id and a.disabled_reason = 'lapsed')
       on conflict do nothing
       returning kind, account_id, agreement_id`,
      [now, today, holders, due],
    );
    const system: AuditActor = { kind: 'system' };
    const toGrantRef = (r: { kind: GrantKind; account_id: string | null; agreement_id: string | null }) => ({
      kind: r.kind,
      accountId: r.account_id,
      agreementId: r.agreement_id,
    });
    const events = [
      ...replaced.rows.map((r) => grantEvent(system, 'access-grant.replace', toGrantRef(r))),
      ...added.rows.map((r) => grantEvent(system, 'access-grant.add', toGrantRef(r))),
    ];
    if (events.length > 0) await recordAuditEvents(tx, events);
    return { added: added.rowCount, replaced: replaced.rowCount };
  }
}

/**
 * Grants break-glass eligibility (ACC-7, ACC-8) to a staff member of the administrator's organisation: never to
 * oneself, and only with current data-protection training. Ledgered as `access-grant.add`.
 */
export async function grantBreakGlassEligibility(
  db: Database,
  actor: ReviewActor,
  accountId: string,
  now: Date,
  reviewDays: number,
): Promise<Grant> {
  const today = dayOf(now);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string; role: Role }>(
      'select status, role from staff_account where id = $1 and organisation_id = $2',
      [UUID.test(accountId) ? accountId : '00000000-0000-0000-0000-000000000000', actor.organisationId],
    );
    const target = rows[0];
    if (target?.status !== 'active') {
      throw new HavenError('account-not-found', 'No active account with that id in your organisation.', {
        status: 404,
      });
    }
    if (accountId === actor.accountId) {
      throw new HavenError('self-grant-refused', 'You cannot grant yourself break-glass eligibility.', {
        status: 403,
        reason: 'segregation-of-duties',
      });
    }
    // The policies let only caseworkers and supervisors ask for break-glass (break-glass.cedar).
    if (target.role !== 'caseworker' && target.role !== 'supervisor') {
      throw new HavenError('grant-not-applicable', 'Only caseworkers and supervisors use break-glass.', {
        status: 422,
      });
    }
    if (!(await hasCurrentTraining(tx, accountId, today))) throw trainingRequired();
    const id = randomUUID();
    const inserted = await tx.query(
      `insert into access_grant (id, organisation_id, kind, account_id, granted_at, granted_by, review_due)
       values ($1, $2, 'break-glass', $3, $4, $5, $6::date) on conflict do nothing`,
      [id, actor.organisationId, accountId, now, actor.accountId, addToDay(today, { days: reviewDays })],
    );
    if (inserted.rowCount === 0) {
      throw new HavenError('grant-exists', 'This account is already eligible for break-glass.', {
        status: 409,
      });
    }
    await recordGrantEvent(tx, actor.audit, 'access-grant.add', {
      kind: 'break-glass',
      accountId,
      agreementId: null,
    });
    return getGrant(tx, actor.organisationId, id);
  });
}

/**
 * Sets (or clears) who reviews an account's grants: a supervisor or DPO of the same organisation, never the account
 * itself. Without one, the organisation's DPO reviews.
 */
export async function setReviewer(
  db: Database,
  actor: ReviewActor,
  accountId: string,
  reviewerId: string | null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const ids = [accountId, reviewerId ?? accountId].map((id) =>
      UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000',
    );
    const { rows } = await tx.query<{ id: string; role: Role; status: string }>(
      'select id, role, status from staff_account where id = any($1::uuid[]) and organisation_id = $2',
      [ids, actor.organisationId],
    );
    const account = rows.find((r) => r.id === ids[0]);
    if (!account) {
      throw new HavenError('account-not-found', 'No account with that id in your organisation.', {
        status: 404,
      });
    }
    if (reviewerId !== null) {
      if (reviewerId === accountId) {
        throw new HavenError('review-own-grant', 'An account cannot review its own grants.', {
          status: 422,
          reason: 'ACC-7',
        });
      }
      const reviewer = rows.find((r) => r.id === ids[1]);
      if (reviewer?.status !== 'active' || !['supervisor', 'dpo'].includes(reviewer.role)) {
        throw new HavenError(
          'reviewer-invalid',
          'A reviewer is an active supervisor or DPO of your organisation.',
          { status: 422 },
        );
      }
    }
    await tx.query('update staff_account set reviewer_id = $2 where id = $1', [accountId, reviewerId]);
    await recordAuditEvent(tx, {
      actor: actor.audit,
      action: 'account.reviewer-set',
      subject: accountId,
      subjectType: 'account',
      decision: 'allow',
      reason: reviewerId ? 'ok' : 'cleared',
    });
  });
}
