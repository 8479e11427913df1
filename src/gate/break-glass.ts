import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { openForPerson, sealForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { groupInfo, refuse, resolvePurpose } from './decide.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { inTransaction, ok, refused } from './transaction.ts';

/**
 * Break-glass (ACC-8): emergency access outside the caseload or without a recorded basis. It needs a written
 * justification, is limited to one person, a purpose and field groups, ends by itself (default 4 hours), alerts
 * the DPO at once, and is reviewed afterwards by the DPO. The policies still apply tiers, passkeys, organisation
 * isolation and prohibited purposes.
 */

export const DEFAULT_MINUTES = 240;
const MAX_MINUTES = 24 * 60;

export interface BreakGlassGrant {
  id: string;
  accountId: string;
  personId: string;
  purpose: string;
  fieldGroups: string[];
  startsAt: string;
  endsAt: string;
  endedEarlyAt: string | null;
  active: boolean;
  reviewed: { outcome: string; at: string } | null;
}

interface GrantRow {
  id: string;
  account_id: string;
  person_id: string;
  organisation_id: string;
  purpose: string;
  field_groups: string[];
  justification: Buffer;
  starts_at: Date;
  ends_at: Date;
  ended_early_at: Date | null;
  reviewed_at: Date | null;
  review_outcome: string | null;
  active: boolean;
}

const COLUMNS = `id, account_id, person_id, organisation_id, purpose, field_groups, justification, starts_at, ends_at,
  ended_early_at, reviewed_at, review_outcome, (ends_at > now() and ended_early_at is null) as active`;

const toGrant = (row: GrantRow): BreakGlassGrant => ({
  id: row.id,
  accountId: row.account_id,
  personId: row.person_id,
  purpose: row.purpose,
  fieldGroups: row.field_groups,
  startsAt: row.starts_at.toISOString(),
  endsAt: row.ends_at.toISOString(),
  endedEarlyAt: row.ended_early_at?.toISOString() ?? null,
  active: row.active,
  reviewed: row.reviewed_at ? { outcome: row.review_outcome!, at: row.reviewed_at.toISOString() } : null,
});

function staffActor(request: GateRequest) {
  if (request.actor.kind !== 'staff') {
    throw new HavenError('access-denied', 'Only staff use break-glass.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  return request.actor;
}

export function requestBreakGlass(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { justification: string; minutes?: number; fieldGroups?: string[] },
): Promise<BreakGlassGrant> {
  const event = 'break-glass.start';
  return throughGate(ctx, request, event, personId, async () => {
    const actor = staffActor(request);
    const purpose = await resolvePurpose(ctx, request, event, personId);
    const groups = checkRequest(ctx, purpose.name, input);
    const justification = input.justification.trim();
    const minutes = input.minutes ?? DEFAULT_MINUTES;
    return decidePersonAction(
      ctx,
      request,
      { event, personId, action: 'request-break-glass', purpose },
      async (tx) => {
        // ACC-7: only staff granted break-glass eligibility (after training), not past its review date.
        if (!(await breakGlassEligible(tx, actor.accountId))) {
          return refuse(
            tx,
            request,
            event,
            personId,
            new HavenError(
              'break-glass-not-eligible',
              'You are not eligible for break-glass. An administrator grants eligibility to trained staff.',
              { status: 403, reason: 'ACC-7' },
            ),
          );
        }
        const id = randomUUID();
        const sealed = await sealForPerson(ctx.vault, personId, `break-glass:${id}`, { justification });
        const { rows } = await tx.query<GrantRow>(
          `insert into break_glass (id, account_id, organisation_id, person_id, purpose, field_groups, justification, ends_at)
       values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(mins => $8)) returning ${COLUMNS}`,
          [id, actor.accountId, actor.organisationId, personId, purpose.name, groups, sealed, minutes],
        );
        // The DPO learns of it at once (ACC-8).
        await tx.query(
          'insert into alert (id, organisation_id, kind, subject, raised_by) values ($1, $2, $3, $4, $5)',
          [randomUUID(), actor.organisationId, 'break-glass', id, actor.accountId],
        );
        await recordAuditEvents(tx, [
          {
            actor: auditActor(actor),
            ...policyOf(request),
            action: 'break-glass.start',
            purpose: purpose.name,
            subject: personId,
            subjectType: 'person',
            fieldGroups: groups,
            decision: 'allow',
            reason: 'emergency',
            ...(request.requestId ? { requestId: request.requestId } : {}),
          },
        ]);
        return ok(toGrant(rows[0]!));
      },
    );
  });
}

/** An active break-glass eligibility grant (ACC-7, src/reviews/) whose review date has not passed. */
async function breakGlassEligible(tx: Sql, accountId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `select 1 from access_grant where kind = 'break-glass' and account_id = $1 and state = 'active'
        and review_due >= (now() at time zone 'utc')::date`,
    [accountId],
  );
  return rowCount > 0;
}

/** ACC-8: a written justification, a bounded time, and only field groups the declared purpose may use. */
function checkRequest(
  ctx: GateContext,
  purpose: string,
  input: { justification: string; minutes?: number; fieldGroups?: string[] },
): string[] {
  const justification = typeof input.justification === 'string' ? input.justification.trim() : '';
  if (justification.length < 30 || justification.length > 4000) {
    throw new HavenError(
      'justification-required',
      'Write why this is an emergency (at least 30 characters).',
      { status: 422, reason: 'ACC-8' },
    );
  }
  const minutes = input.minutes ?? DEFAULT_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > MAX_MINUTES) {
    throw new HavenError(
      'duration-invalid',
      `Break-glass lasts from 5 minutes to ${MAX_MINUTES / 60} hours.`,
      { status: 422 },
    );
  }
  const usable = ctx.dictionary.groups
    .map((g) => g.name)
    .filter((g) => groupInfo(ctx.dictionary, g).purposes.includes(purpose));
  const groups = input.fieldGroups ?? usable;
  if (groups.length === 0 || groups.some((g) => !usable.includes(g))) {
    throw new HavenError('scope-invalid', 'Choose field groups that the declared purpose may use.', {
      status: 422,
    });
  }
  return groups;
}

async function listBreakGlassWork(
  ctx: GateContext,
  request: GateRequest,
  scope: 'mine' | 'to-review',
): Promise<BreakGlassGrant[]> {
  const actor = staffActor(request);
  if (scope === 'to-review' && actor.role !== 'dpo') {
    throw new HavenError('access-denied', 'Only the DPO reviews break-glass use.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  const { rows } = await ctx.db.query<GrantRow>(
    scope === 'mine'
      ? `select ${COLUMNS} from break_glass where account_id = $1 and ends_at > now() - interval '1 day' order by starts_at desc`
      : `select ${COLUMNS} from break_glass where organisation_id = $1 and reviewed_at is null order by starts_at`,
    [scope === 'mine' ? actor.accountId : actor.organisationId],
  );
  return rows.map(toGrant);
}

async function endBreakGlassWork(
  ctx: GateContext,
  request: GateRequest,
  grantId: string,
): Promise<BreakGlassGrant> {
  const actor = staffActor(request);
  const { rows } = await ctx.db.query<GrantRow>(
    `update break_glass set ended_early_at = now()
      where id = $1 and account_id = $2 and ended_early_at is null and ends_at > now() returning ${COLUMNS}`,
    [/^[0-9a-f-]{36}$/i.test(grantId) ? grantId : '00000000-0000-0000-0000-000000000000', actor.accountId],
  );
  if (!rows[0])
    throw new HavenError('break-glass-not-found', 'No active break-glass grant of yours with that id.', {
      status: 404,
    });
  await recordAuditEvents(ctx.db, [
    {
      actor: auditActor(actor),
      ...policyOf(request),
      action: 'break-glass.end',
      purpose: rows[0].purpose,
      subject: rows[0].person_id,
      subjectType: 'person',
      decision: 'allow',
      reason: 'ended-early',
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
  ]);
  return toGrant(rows[0]);
}

async function reviewBreakGlassWork(
  ctx: GateContext,
  request: GateRequest,
  grantId: string,
  review?: { outcome: 'justified' | 'not-justified'; notes?: string },
): Promise<BreakGlassGrant & { justification: string }> {
  const actor = staffActor(request);
  if (actor.role !== 'dpo') {
    throw new HavenError('access-denied', 'Only the DPO reviews break-glass use.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  return inTransaction(ctx.db, async (tx) => {
    const { rows } = await tx.query<GrantRow>(
      `select ${COLUMNS} from break_glass where id = $1 and organisation_id = $2 for update`,
      [
        /^[0-9a-f-]{36}$/i.test(grantId) ? grantId : '00000000-0000-0000-0000-000000000000',
        actor.organisationId,
      ],
    );
    const row = rows[0];
    if (!row)
      return refused(
        new HavenError('break-glass-not-found', 'No break-glass grant with that id in your organisation.', {
          status: 404,
        }),
      );
    if (row.account_id === actor.accountId) {
      return refused(
        new HavenError('access-denied', 'Someone else must review your own break-glass use.', {
          status: 403,
          reason: 'own-proposal',
        }),
      );
    }
    const { justification } = await openForPerson<{ justification: string }>(
      ctx.vault,
      row.person_id,
      `break-glass:${row.id}`,
      row.justification,
    );
    let grant = toGrant(row);
    if (review) {
      if (row.reviewed_at)
        return refused(
          new HavenError('already-reviewed', 'This grant was already reviewed.', { status: 409 }),
        );
      const notes = review.notes
        ? await sealForPerson(ctx.vault, row.person_id, `break-glass-review:${row.id}`, review.notes)
        : null;
      const updated = await tx.query<GrantRow>(
        `update break_glass set reviewed_by = $2, reviewed_at = now(), review_outcome = $3, review_notes = $4
          where id = $1 returning ${COLUMNS}`,
        [row.id, actor.accountId, review.outcome, notes],
      );
      grant = toGrant(updated.rows[0]!);
      await tx.query(
        `update alert set acknowledged_by = $2, acknowledged_at = now() where subject = $1 and acknowledged_at is null`,
        [row.id, actor.accountId],
      );
    }
    await recordAuditEvents(tx, [
      {
        actor: auditActor(actor),
        ...policyOf(request),
        action: review ? 'break-glass.review' : 'break-glass.view',
        purpose: row.purpose,
        subject: row.person_id,
        subjectType: 'person',
        decision: 'allow',
        reason: review?.outcome ?? 'ok',
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
    return ok({ ...grant, justification });
  });
}

/** The grants a staff member holds (for the banner and countdown), or every unreviewed one for the DPO. */
export function listBreakGlass(
  ctx: GateContext,
  request: GateRequest,
  scope: 'mine' | 'to-review',
): Promise<BreakGlassGrant[]> {
  return throughGate(ctx, request, 'break-glass.list', undefined, () =>
    listBreakGlassWork(ctx, request, scope),
  );
}

export function endBreakGlass(
  ctx: GateContext,
  request: GateRequest,
  grantId: string,
): Promise<BreakGlassGrant> {
  return throughGate(ctx, request, 'break-glass.end', undefined, () =>
    endBreakGlassWork(ctx, request, grantId),
  );
}

/** The DPO reviews a grant after the fact (ACC-8): reads the justification and records the outcome. */
export function reviewBreakGlass(
  ctx: GateContext,
  request: GateRequest,
  grantId: string,
  review?: { outcome: 'justified' | 'not-justified'; notes?: string },
): Promise<BreakGlassGrant & { justification: string }> {
  return throughGate(ctx, request, 'break-glass.review', undefined, () =>
    reviewBreakGlassWork(ctx, request, grantId, review),
  );
}

/** Break-glass use as oversight sees it (ACC-8): never whose record, nor the justification (personal data). */
export interface BreakGlassOverview {
  /** Grants started in the window (days), newest first. */
  days: number;
  grants: {
    id: string;
    accountId: string;
    purpose: string;
    fieldGroups: string[];
    startsAt: string;
    endsAt: string;
    endedEarlyAt: string | null;
    reviewed: { outcome: string; at: string } | null;
    /** Not reviewed within REVIEW_DAYS of its start. */
    reviewOverdue: boolean;
  }[];
  unreviewed: number;
  reviewOverdue: number;
  notJustified: number;
}

/** The DPO reviews each grant within this many days of its start; oversight sees the ones that waited longer. */
export const REVIEW_DAYS = 7;

async function breakGlassOverviewWork(
  ctx: GateContext,
  request: GateRequest,
  days: number,
): Promise<BreakGlassOverview> {
  const actor = staffActor(request);
  if (!['dpo', 'oversight', 'auditor'].includes(actor.role)) {
    throw new HavenError('access-denied', 'Break-glass reviews are for the DPO, auditors and oversight.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  const now = ctx.now();
  const { rows } = await ctx.db.query<GrantRow>(
    `select ${COLUMNS} from break_glass
      where organisation_id = $1 and (starts_at > $2 or reviewed_at is null) order by starts_at desc limit 1000`,
    [actor.organisationId, new Date(now.getTime() - days * 86_400_000)],
  );
  const grants = rows.map((row) => {
    const { personId: _personId, active: _active, ...shown } = toGrant(row);
    // Reviewed late, or waiting longer than it should.
    const waited = (row.reviewed_at ?? now).getTime() - row.starts_at.getTime();
    return { ...shown, reviewOverdue: waited > REVIEW_DAYS * 86_400_000 };
  });

  return {
    days,
    grants,
    unreviewed: grants.filter((g) => g.reviewed === null).length,
    reviewOverdue: grants.filter((g) => g.reviewOverdue).length,
    notJustified: grants.filter((g) => g.reviewed?.outcome === 'not-justified').length,
  };
}

/** How break-glass is used and reviewed, for the DPO's and oversight's work lists (no personal data). */
export function breakGlassOverview(
  ctx: GateContext,
  request: GateRequest,
  days = 90,
): Promise<BreakGlassOverview> {
  return throughGate(ctx, request, 'break-glass.overview', undefined, () =>
    breakGlassOverviewWork(ctx, request, Math.min(Math.max(Math.trunc(days), 1), 366)),
  );
}
