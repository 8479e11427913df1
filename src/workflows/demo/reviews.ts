import { addToDay, dayOf } from '../../domain/calendar.ts';
import type { Role } from '../../domain/roles.ts';
import type { AccessReviews, ReviewActor } from '../../reviews/service.ts';
import type { DemoCredential } from './staff.ts';

/**
 * The demo's access review (ACC-7): data-protection training recorded for the staff (one clerk's expired, so the
 * review shows someone overdue), caseworkers and supervisors made eligible for break-glass by the administrator,
 * the supervisor named reviewer of the clerks and caseworkers, and one review campaign started by the DPO — so the
 * supervisor finds their staff's grants with their use on the Reviews page and on the work list. Through the same
 * functions as the routes, ledgered like any other change.
 */
export interface DemoReviews {
  campaign: { id: string; dueBy: string; items: number };
  trainingRecorded: number;
  breakGlassEligible: number;
}

const COURSE = 'Data protection in humanitarian work (demo)';

export async function createDemoReviews(
  reviews: AccessReviews,
  organisationId: string,
  staff: readonly DemoCredential[],
  now: Date,
): Promise<DemoReviews> {
  const actorOf = (role: Role): ReviewActor & { accountId: string } => {
    const c = staff.find((s) => s.role === role);
    if (!c) throw new Error(`the demo has no ${role}`);
    return {
      accountId: c.accountId,
      organisationId,
      role,
      audit: { kind: 'staff', account: c.accountId, organisation: organisationId, role },
    };
  };
  const admin = actorOf('admin');
  const dpo = actorOf('dpo');
  const supervisor = actorOf('supervisor');
  const today = dayOf(now);
  const clerks = staff.filter((s) => s.role === 'clerk');
  let trainingRecorded = 0;
  for (const member of staff) {
    // The last clerk's course ran out a month ago: the review shows them overdue.
    const lapsed = clerks.length > 1 && member === clerks.at(-1);
    await reviews.recordTraining(dpo, {
      accountId: member.accountId,
      course: COURSE,
      completedOn: addToDay(today, { days: lapsed ? -400 : -30 }),
      expiresOn: addToDay(today, { days: lapsed ? -35 : 335 }),
    });
    trainingRecorded++;
  }
  let breakGlassEligible = 0;
  for (const member of staff.filter((s) => s.role === 'caseworker' || s.role === 'supervisor')) {
    await reviews.grantBreakGlass(admin, member.accountId);
    breakGlassEligible++;
  }
  for (const member of staff.filter((s) => s.role === 'caseworker' || s.role === 'clerk')) {
    await reviews.setReviewer(admin, member.accountId, supervisor.accountId);
  }
  const campaign = await reviews.startCampaign(dpo, {});
  return {
    campaign: { id: campaign.id, dueBy: campaign.dueBy, items: campaign.items },
    trainingRecorded,
    breakGlassEligible,
  };
}
