import { addToDay } from '../domain/calendar.ts';
import { notificationDue } from '../domain/incidents/clock.ts';

import { PENDING_HOLD_DAYS } from '../domain/retention/legal-holds.ts';
import type { Role } from '../domain/roles.ts';
import type { BreakGlassOverview } from '../gate/break-glass.ts';
import type { BreachWork } from '../gate/incident-affected.ts';
import type { LegalHoldView } from '../gate/legal-holds.ts';
import type { UnacknowledgedPartner } from '../gate/partner-notices.ts';
import { dpiaStateOn, type PurposeState } from '../gate/purposes.ts';
import { listPolicyVersions } from '../policy/policy-store.ts';
import type { ReviewWork } from '../reviews/service.ts';
import type { RightsWorkItem } from '../rights/worklist.ts';
import type { Database } from '../store/database.ts';
import { openAlerts } from './alerts.ts';
import { type ConcernReader, listConcerns } from './concerns.ts';
import { listDpias } from './dpias.ts';
import { listProcessors } from './processors.ts';

/**
 * What needs the attention of the DPO, oversight, an administrator or a DPIA author today (GOV-1 – GOV-4,
 * PUR-6, ACC-2, ACC-8): decisions waiting on them and clocks running out. Built from the registers each time;
 * nothing to keep in step. Never personal data: items name purposes, processors and ids. Staff who handle rights
 * requests and corrections find those here too (src/rights/worklist.ts), so every role starts from one list.
 */
export type WorkKind =
  | 'dpia-to-decide'
  | 'dpia-returned'
  | 'dpia-missing'
  | 'dpia-expiring'
  | 'dpia-expired'
  | 'processor-problem'
  | 'concern-to-acknowledge'
  | 'concern-to-answer'
  | 'policy-to-decide'
  | 'break-glass-to-review'
  | 'alert'
  | 'notice-unacknowledged'
  | 'restore-drill-due'
  | 'retention-sweep-failed'
  | 'legal-hold-to-approve'
  | 'grants-to-review'
  | 'grants-lapsing'
  | 'training-overdue'
  | 'incident-to-notify'
  | 'breach-notices-to-issue'
  | 'breach-letters-to-print'
  | RightsWorkItem['kind'];

export interface WorkItem {
  kind: WorkKind;
  /** What it is about: a purpose or processor name, a DPIA, concern, policy version or grant id. */
  subject: string;
  /** The DPIA, processor or concern id to open, where there is one. */
  ref: string | null;
  /** The day it is due (YYYY-MM-DD), when a clock runs. */
  due: string | null;
  overdue: boolean;
  /** Stable codes saying why (a processor's problems, a DPIA's state). */
  details: string[];
  /** The exact time it is due, where the clock runs in hours (an incident's 72 hours, BRE-2). */
  dueAt?: string;
}

/** A DPIA is flagged this many days before its review date, so it can be renewed before the purpose stops. */
export const DPIA_WARNING_DAYS = 60;

/** RES-1: the restore drill is run monthly (docs/operations.md); older than this, it is due again. */
export const DRILL_EVERY_DAYS = 31;

export interface WorklistSources {
  db: Database;
  states: Map<string, PurposeState>;
  /** Only for the roles that see break-glass (DPO, oversight): the gate's overview. */
  breakGlass: (() => Promise<BreakGlassOverview>) | null;
  /** Rights requests and corrections, read through the gate as the staff member (src/rights/worklist.ts). */
  rights: (() => Promise<RightsWorkItem[]>) | null;
  /** Partners with pushes past their acknowledgement time or undeliverable, read through the gate. */
  partnerNotices?: (() => Promise<UnacknowledgedPartner[]>) | null;
  /**
   * Only for supervisors and the DPO: the organisation's legal holds, read through the gate (legal_hold is the gate
   * role's table: that a person is party to proceedings is personal).
   */
  legalHolds?:
    | (() => Promise<Pick<LegalHoldView, 'id' | 'state' | 'reason' | 'placedBy' | 'placedOn'>[]>)
    | null;
  /** Access reviews (ACC-7) for supervisors, the DPO and administrators: counts only (src/reviews/service.ts). */
  reviews?: (() => Promise<ReviewWork>) | null;
  /** Only for the DPO: breach notices to issue and letters to print (BRE-2), read through the gate. */
  breach?: (() => Promise<BreachWork>) | null;
}

export async function worklist(
  sources: WorklistSources,
  who: { accountId: string; organisationId: string; role: Role },
  now: Date,
): Promise<WorkItem[]> {
  const today = now.toISOString().slice(0, 10);
  const items: WorkItem[] = [];
  const { role } = who;
  const governs = role === 'dpo' || role === 'oversight';

  if (governs || role === 'supervisor' || role === 'admin') {
    const dpias = await listDpias(sources.db);
    for (const { latest } of dpias) {
      if (role === 'dpo' && latest.status === 'submitted' && latest.author !== who.accountId) {
        items.push(
          item('dpia-to-decide', latest.subject, latest.id, null, false, [`version-${latest.version}`]),
        );
      }
      if (latest.status === 'rejected' && latest.author === who.accountId) {
        items.push(
          item('dpia-returned', latest.subject, latest.id, null, false, [`version-${latest.version}`]),
        );
      }
    }
    if (governs) {
      const idOf = new Map(dpias.map((d) => [d.latest.subject, d.latest.id]));
      for (const state of sources.states.values()) {
        if (!state.dpia.required || state.status === 'prohibited') continue;
        const name = state.definition.name;
        const dpiaState = dpiaStateOn(state.dpia, today);
        const reviewDate = state.dpia.inForce?.reviewDate ?? null;
        if (dpiaState === 'none') {
          items.push(
            item('dpia-missing', name, idOf.get(name) ?? null, null, true, [
              state.dpia.latest?.status ?? 'none',
            ]),
          );
        } else if (dpiaState === 'expired') {
          items.push(item('dpia-expired', name, state.dpia.inForce!.id, reviewDate, true, []));
        } else if (reviewDate && reviewDate <= addToDay(today, { days: DPIA_WARNING_DAYS })) {
          items.push(item('dpia-expiring', name, state.dpia.inForce!.id, reviewDate, false, []));
        }
      }
    }
  }

  if (governs || role === 'admin') {
    for (const p of await listProcessors(sources.db, who.organisationId, now)) {
      if (p.problems.length > 0) items.push(item('processor-problem', p.name, p.id, null, true, p.problems));
    }
  }

  if (governs) {
    const reader: ConcernReader = { role, organisationId: who.organisationId };
    for (const c of await listConcerns(sources.db, reader)) {
      if (c.closedOn) continue;
      if (!c.acknowledgedOn) {
        items.push(
          item(
            'concern-to-acknowledge',
            c.id,
            c.id,
            c.acknowledgeBy,
            c.acknowledgeBy < today,
            c.aboutDpo ? ['about-dpo'] : [],
          ),
        );
      } else if (!c.answeredOn) {
        items.push(
          item(
            'concern-to-answer',
            c.id,
            c.id,
            c.answerBy,
            c.answerBy < today,
            c.aboutDpo ? ['about-dpo'] : [],
          ),
        );
      }
    }
  }

  if (role === 'dpo' || role === 'admin' || role === 'oversight') {
    for (const v of await listPolicyVersions(sources.db)) {
      if (v.status !== 'proposed') continue;
      // Oversight follows pending changes; only a DPO or administrator other than the proposer decides them.
      if (role !== 'oversight' && v.proposedBy === who.accountId) continue;
      items.push(
        item(
          'policy-to-decide',
          `version-${v.version}`,
          String(v.version),
          null,
          false,
          v.rollbackOf ? [`rollback-of-${v.rollbackOf}`] : [],
        ),
      );
    }
  }

  if (sources.breakGlass && governs) {
    const overview = await sources.breakGlass();
    for (const g of overview.grants) {
      if (g.reviewed) continue;
      // The DPO reviews every grant; oversight is told of the ones left waiting too long.
      if (role === 'oversight' && !g.reviewOverdue) continue;
      items.push(item('break-glass-to-review', g.id, g.id, null, g.reviewOverdue, [g.purpose]));
    }
  }

  if (role === 'dpo') {
    for (const a of await openAlerts(sources.db, who.organisationId)) {
      // AUD-6: an anomaly's item names its rule (the kind) and whether the account was suspended; the staff member
      // it is about and the evidence are on the Alerts page.
      const details = a.kind.startsWith('anomaly.')
        ? a.suspended
          ? ['suspended']
          : []
        : a.subject
          ? [a.subject]
          : [];
      items.push(item('alert', a.kind, a.id, null, false, details));
    }
  }

  // PUR-4, RIG-4: a partner that has not acknowledged a withdrawal, correction or erasure in time gets nothing new
  // until the DPO sees it settled; one item per partner, with counts.
  if (sources.partnerNotices && role === 'dpo') {
    for (const p of await sources.partnerNotices()) {
      items.push(
        item('notice-unacknowledged', p.partnerName, p.partnerId, p.due.slice(0, 10), p.overdue > 0, [
          `overdue-${p.overdue}`,
          ...(p.undelivered > 0 ? [`undelivered-${p.undelivered}`] : []),
        ]),
      );
    }
  }

  // RES-1, RET-2: the proof that backups keep erasures, and the sweep that makes them, are the DPO's to watch.
  if (role === 'dpo') {
    const { rows: drills } = await sources.db.query<{ at: Date; pass: boolean }>(
      'select at, pass from backup_drill order by at desc limit 1',
    );
    const drill = drills[0];
    if (drill === undefined) {
      items.push(item('restore-drill-due', 'restore-drill', null, null, true, ['never-run']));
    } else {
      const dueOn = addToDay(drill.at.toISOString().slice(0, 10), { days: DRILL_EVERY_DAYS });
      if (!drill.pass || dueOn <= today) {
        items.push(
          item('restore-drill-due', 'restore-drill', null, dueOn, !drill.pass || dueOn < today, [
            drill.pass ? 'passed' : 'failed',
          ]),
        );
      }
    }
    const { rows: sweeps } = await sources.db.query<{ id: string; on_day: string; state: string }>(
      `select id, to_char(on_day, 'YYYY-MM-DD') as on_day, state from retention_sweep
        where state <> 'running' order by started_at desc limit 1`,
    );
    if (sweeps[0]?.state === 'failed')
      items.push(item('retention-sweep-failed', sweeps[0].on_day, sweeps[0].id, null, true, []));
  }

  // ACC-6, RET-1: a hold placed by one person blocks erasure for PENDING_HOLD_DAYS at most; a second supervisor or
  // the DPO approves it by then or it lapses. The hold's id and reason code, never whose it is.
  if (sources.legalHolds && (role === 'supervisor' || role === 'dpo')) {
    for (const h of await sources.legalHolds()) {
      if (h.state !== 'pending' || h.placedBy === who.accountId) continue;
      // The last day it can be approved; past it the hold lapses, no longer blocks, and leaves this list.
      const due = addToDay(h.placedOn, { days: PENDING_HOLD_DAYS });
      items.push(item('legal-hold-to-approve', h.id, h.id, due, due < today, [h.reason]));
    }
  }

  // BRE-2: the authority is told within 72 hours of awareness; each real incident not yet notified (nor recorded
  // as not to be) waits on the DPO with its due time. Drills have the same clock on their own page, not here.
  if (role === 'dpo') {
    const { rows: incidents } = await sources.db.query<{ id: string; reference: string; aware_at: Date }>(
      `select id, reference, aware_at from incident
        where organisation_id = $1::uuid and not drill and notified_at is null
          and no_notification_reason is null and state <> 'closed'`,
      [who.organisationId],
    );
    for (const i of incidents) {
      const dueAt = notificationDue(new Date(i.aware_at));
      const overdue = dueAt.getTime() < now.getTime();
      items.push({
        ...item('incident-to-notify', i.reference, i.id, dueAt.toISOString().slice(0, 10), overdue, [
          overdue ? 'overdue' : 'running',
        ]),
        dueAt: dueAt.toISOString(),
      });
    }
  }

  // ACC-7: the grants a reviewer decides in the open campaign, their grants about to lapse unreviewed, and for the
  // DPO and administrators the staff whose tier 3–4 or break-glass needs training they no longer have. Counts only.
  if (sources.reviews) {
    const work = await sources.reviews();
    if (work.toReview) {
      const { campaignId, count, dueBy } = work.toReview;
      items.push(item('grants-to-review', campaignId, campaignId, dueBy, dueBy < today, [`count-${count}`]));
    }
    if (work.lapsingSoon) {
      const { count, firstDue } = work.lapsingSoon;
      items.push(item('grants-lapsing', 'grants', null, firstDue, false, [`count-${count}`]));
    }
    if (work.trainingOverdue > 0) {
      items.push(item('training-overdue', 'training', null, null, true, [`count-${work.trainingOverdue}`]));
    }
  }

  // BRE-2, GDPR 34: the people of a high-risk breach, once found, are told without undue delay; letters for those
  // without the portal must be printed and handed over. References and counts only.
  if (sources.breach && role === 'dpo') {
    const work = await sources.breach();
    for (const i of work.toIssue)
      items.push(
        item('breach-notices-to-issue', i.reference, i.incidentId, null, false, [`count-${i.people}`]),
      );
    for (const i of work.toPrint)
      items.push(
        item('breach-letters-to-print', i.reference, i.incidentId, null, false, [`count-${i.letters}`]),
      );
  }

  if (sources.rights) items.push(...(await sources.rights()));

  // Overdue first, then by due day, then as found.
  return items
    .map((it, i) => ({ it, i }))
    .sort(
      (a, b) =>
        Number(b.it.overdue) - Number(a.it.overdue) ||
        (a.it.due ?? '9999').localeCompare(b.it.due ?? '9999') ||
        a.i - b.i,
    )
    .map(({ it }) => it);
}

function item(
  kind: WorkKind,
  subject: string,
  ref: string | null,
  due: string | null,
  overdue: boolean,
  details: string[],
): WorkItem {
  return { kind, subject, ref, due, overdue, details };
}
