import { addToDay, dayOf } from '../domain/calendar.ts';
import type { Role } from '../domain/roles.ts';
import type { AuditActor } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';
import { type Campaign, listCampaigns, type ReviewEntry, reviewList, startCampaign } from './campaigns.ts';
import { approveGrant, revokeGrant } from './decisions.ts';
import type { CaseloadGate } from './end-access.ts';
import {
  type Grant,
  grantBreakGlassEligibility,
  type ReviewActor,
  setReviewer,
  syncGrants,
} from './grants.ts';
import { disableDormantAccounts, lapseDueGrants, type Progress } from './lapse.ts';
import {
  recordTraining,
  type StaffTraining,
  staffTraining,
  type TrainingInput,
  type TrainingRecord,
} from './training.ts';

export type { Campaign, ReviewEntry } from './campaigns.ts';
export type { Grant, ReviewActor } from './grants.ts';
export type { StaffTraining, TrainingRecord } from './training.ts';

/** A reviewer's grants are flagged this many days before their review date (the work list's "lapsing soon"). */
export const LAPSING_SOON_DAYS = 14;

/**
 * Access recertification as the routes, the `haven reviews` command and the work list see it (ACC-7): the
 * database, the gate's caseload part, Haven's clock and the settings bound once.
 */
export interface AccessReviews {
  readonly reviewDays: number;
  readonly dormantDays: number;
  /** Records grants Haven has not seen yet (and ends replaced ones). */
  sync(): Promise<{ added: number; replaced: number }>;
  reviewList(actor: ReviewActor): Promise<ReviewEntry[]>;
  approve(actor: ReviewActor, grantId: string, reviewDue: unknown): Promise<Grant>;
  revoke(actor: ReviewActor, grantId: string): Promise<Grant>;
  startCampaign(actor: ReviewActor & { accountId: string }, input: { dueBy?: string }): Promise<Campaign>;
  campaigns(organisationId: string): Promise<Campaign[]>;
  training(organisationId: string): Promise<StaffTraining[]>;
  recordTraining(actor: ReviewActor, input: TrainingInput): Promise<TrainingRecord>;
  grantBreakGlass(actor: ReviewActor, accountId: string): Promise<Grant>;
  setReviewer(actor: ReviewActor, accountId: string, reviewerId: string | null): Promise<void>;
  lapseNow(options?: { actor?: AuditActor; onProgress?: Progress }): Promise<number>;
  dormantNow(options?: { actor?: AuditActor; onProgress?: Progress }): Promise<number>;
  /** For the work list: counts for this staff member (no personal data). */
  workSummary(who: { accountId: string; organisationId: string; role: Role }): Promise<ReviewWork>;
}

export interface ReviewWork {
  /** Undecided grants of an open campaign this person reviews, and the campaign's due day. */
  toReview: { campaignId: string; count: number; dueBy: string } | null;
  /** Grants this person reviews whose review date is within LAPSING_SOON_DAYS. */
  lapsingSoon: { count: number; firstDue: string } | null;
  /** For the DPO and administrators: staff whose training is missing or expired while a grant needs it. */
  trainingOverdue: number;
}

export function accessReviews(deps: {
  db: Database;
  gate: CaseloadGate;
  clock: { now(): Date };
  reviewDays: number;
  dormantDays: number;
}): AccessReviews {
  const { db, gate, clock, reviewDays, dormantDays } = deps;
  const sync = async (organisationId?: string) =>
    syncGrants(db, await gate.caseloadHolders(organisationId), clock.now(), reviewDays);
  return {
    reviewDays,
    dormantDays,
    sync: () => sync(),
    async reviewList(actor) {
      await sync();
      return reviewList(db, actor, clock.now(), reviewDays);
    },
    approve: (actor, grantId, reviewDue) => approveGrant(db, actor, grantId, reviewDue, clock.now()),
    revoke: (actor, grantId) => revokeGrant(db, gate, actor, grantId, clock.now()),
    async startCampaign(actor, input) {
      const caseloads = await gate.caseloadHolders();
      return startCampaign(db, actor, input, clock.now(), { caseloads, reviewDays });
    },
    campaigns: (organisationId) => listCampaigns(db, organisationId),
    training: (organisationId) => staffTraining(db, organisationId, clock.now()),
    recordTraining: (actor, input) => recordTraining(db, actor, input, clock.now()),
    grantBreakGlass: (actor, accountId) =>
      grantBreakGlassEligibility(db, actor, accountId, clock.now(), reviewDays),
    setReviewer: (actor, accountId, reviewerId) => setReviewer(db, actor, accountId, reviewerId),
    lapseNow: (options = {}) => lapseDueGrants(db, gate, clock.now(), { reviewDays, ...options }),
    async dormantNow(options = {}) {
      // Their role grants recorded first, so that a dormant account has one to review.
      await sync();
      return disableDormantAccounts(db, clock.now(), { dormantDays, ...options });
    },
    async workSummary(who) {
      const now = clock.now();
      const today = dayOf(now);
      const actor: ReviewActor = {
        accountId: who.accountId,
        organisationId: who.organisationId,
        role: who.role,
        audit: { kind: 'staff', account: who.accountId, organisation: who.organisationId, role: who.role },
      };
      const work: ReviewWork = { toReview: null, lapsingSoon: null, trainingOverdue: 0 };
      if (who.role === 'supervisor' || who.role === 'dpo') {
        // Read without syncing: the work list is read often and writes nothing.
        const entries = await reviewList(db, actor, now, reviewDays, false);
        const undecided = entries.filter((e) => e.campaign && e.campaign.decision === null);
        if (undecided.length > 0) {
          const campaign = (await listCampaigns(db, who.organisationId)).find((c) => c.state === 'open');
          if (campaign)
            work.toReview = { campaignId: campaign.id, count: undecided.length, dueBy: campaign.dueBy };
        }
        const soon = entries
          .filter(
            (e) =>
              e.grant.state === 'active' && e.grant.reviewDue <= addToDay(today, { days: LAPSING_SOON_DAYS }),
          )
          .map((e) => e.grant.reviewDue)
          .sort();
        if (soon.length > 0) work.lapsingSoon = { count: soon.length, firstDue: soon[0]! };
      }
      if (who.role === 'dpo' || who.role === 'admin') {
        work.trainingOverdue = (await staffTraining(db, who.organisationId, now)).filter(
          (s) => s.needed && s.state !== 'current',
        ).length;
      }
      return work;
    },
  };
}
