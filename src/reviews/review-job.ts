import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database } from '../store/database.ts';
import type { CaseloadGate } from './end-access.ts';
import { disableDormantAccounts, lapseDueGrants } from './lapse.ts';

/**
 * ACC-7 on a schedule (HAVEN_REVIEW_SCHEDULE, one run per occurrence across all servers): grants past their review
 * date lapse and dormant accounts are disabled. The clock is Haven's, so tests move it instead of waiting 90 days.
 * A run that dies part-way is simply run again: what it ended stays ended, the rest is still due.
 */
export const REVIEW_JOB = 'access-review';

export function defineAccessReviewJob(
  jobs: JobQueue,
  deps: {
    db: Database;
    gate: CaseloadGate;
    clock: { now(): Date };
    reviewDays: number;
    dormantDays: number;
    schedule: string;
    logger: Logger;
  },
): void {
  jobs.define(
    REVIEW_JOB,
    async () => {
      const now = deps.clock.now();
      const lapsed = await lapseDueGrants(deps.db, deps.gate, now, { reviewDays: deps.reviewDays });
      const dormant = await disableDormantAccounts(deps.db, now, { dormantDays: deps.dormantDays });
      // Counts only: which accounts is in the ledger.
      deps.logger.info({ lapsed, dormant }, 'access review run done');
    },
    { retryLimit: 3, retryDelaySeconds: 300, expireInSeconds: 3600 },
  );
  if (deps.schedule !== 'off') jobs.schedule(REVIEW_JOB, deps.schedule);
}
