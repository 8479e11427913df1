import type { Sql } from '../store/database.ts';
import { JOB_SCHEMA } from '../store/job-schema.ts';

/** What `haven jobs status` shows: per kind of job, its jobs by state, its schedule and its latest failures. */
export interface JobQueueStatus {
  queues: {
    name: string;
    /** created (waiting), retry (failed, waiting to run again), active, completed, cancelled, failed (for good). */
    states: Record<string, number>;
    schedule?: string;
  }[];
  failures: { name: string; id: string; attempts: number; at: string; error: unknown }[];
}

const STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;

/**
 * Counts straight from pg-boss's tables (its own counts are cached for up to an hour): read-only, the general
 * role's view. Finished jobs are counted while they are kept (a week by default).
 */
export async function jobQueueStatus(db: Sql, failures = 10): Promise<JobQueueStatus> {
  const queues = await db.query<{ name: string; schedule: string | null }>(
    `select q.name, (select string_agg(s.cron, ', ') from ${JOB_SCHEMA}.schedule s where s.name = q.name) as schedule
       from ${JOB_SCHEMA}.queue q order by q.name`,
  );
  const counts = await db.query<{ name: string; state: string; count: number }>(
    `select name, state::text as state, count(*)::int as count from ${JOB_SCHEMA}.job group by name, state`,
  );
  const failed = await db.query<{ name: string; id: string; retry_count: number; at: Date; output: unknown }>(
    `select name, id::text as id, retry_count, coalesce(completed_on, created_on) as at, output
       from ${JOB_SCHEMA}.job where state = 'failed' order by completed_on desc nulls last limit $1`,
    [failures],
  );
  return {
    queues: queues.rows.map((queue) => ({
      name: queue.name,
      states: Object.fromEntries(
        STATES.map((state) => [
          state,
          counts.rows.find((row) => row.name === queue.name && row.state === state)?.count ?? 0,
        ]),
      ),
      ...(queue.schedule ? { schedule: queue.schedule } : {}),
    })),
    failures: failed.rows.map((row) => ({
      name: row.name,
      id: row.id,
      attempts: row.retry_count + 1,
      at: new Date(row.at).toISOString(),
      error: row.output,
    })),
  };
}
