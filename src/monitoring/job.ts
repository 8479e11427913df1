import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database } from '../store/database.ts';
import { updateBaselines } from './baseline.ts';

/**
 * AUD-6: the per-person baselines are recomputed once a day through the job queue (one run per occurrence across
 * all servers), from the hourly counts the monitor keeps. Running it twice on a day gives the same baselines.
 */
export const BASELINE_JOB = 'monitoring-baselines';

export function defineBaselineJob(
  jobs: JobQueue,
  db: Database,
  options: { schedule: string; logger: Logger; now: () => Date },
): void {
  jobs.define(
    BASELINE_JOB,
    async () => {
      const today = options.now().toISOString().slice(0, 10);
      const baselines = await updateBaselines(db, today);
      // Counts only: how many baselines, never whose.
      options.logger.info({ baselines: baselines.length, on: today }, 'monitoring baselines updated');
    },
    { retryLimit: 3, retryDelaySeconds: 300 },
  );
  if (options.schedule !== 'off') jobs.schedule(BASELINE_JOB, options.schedule);
}
