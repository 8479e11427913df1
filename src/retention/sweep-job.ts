import type { Gate } from '../gate/service.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { AuditActor } from '../ledger/events.ts';
import type { Logger } from '../observability/logger.ts';
import type { Sql } from '../store/database.ts';

/**
 * The retention sweep as a job (RET-2): on a schedule (HAVEN_RETENTION_SCHEDULE, one run per occurrence across
 * all servers) and when the DPO asks for one. The sweep itself is the gate's (src/gate/retention-sweep.ts); it
 * finishes whatever an interrupted run left, so a job that dies mid-way is simply run again.
 */
export const SWEEP_JOB = 'retention-sweep';

export function defineRetentionSweep(
  jobs: JobQueue,
  gate: Pick<Gate, 'runRetentionSweep'>,
  options: { schedule: string; logger: Logger },
): void {
  jobs.define(
    SWEEP_JOB,
    async (job) => {
      const p = job.payload as { sweep?: string; account?: string; organisation?: string };
      const actor: AuditActor | undefined =
        p.account && p.organisation
          ? { kind: 'staff', account: p.account, organisation: p.organisation, role: 'dpo' }
          : undefined;
      const outcome = await gate.runRetentionSweep({
        trigger: actor ? 'staff' : 'schedule',
        ...(actor ? { actor } : {}),
        ...(p.sweep && job.attempt === 1 ? { sweepId: p.sweep } : {}),
        signal: job.signal,
      });
      // Figures only: how many, never whom.
      options.logger.info(
        {
          sweep: outcome.sweepId,
          personsErased: outcome.personsErased,
          groupsErased: outcome.groupsErased,
          held: outcome.held,
          finished: outcome.finished,
        },
        'retention sweep done',
      );
    },
    // A long sweep is not lost: expiry re-runs it, and the re-run finishes what was claimed.
    { retryLimit: 3, retryDelaySeconds: 300, expireInSeconds: 3 * 3600 },
  );
  if (options.schedule !== 'off') jobs.schedule(SWEEP_JOB, options.schedule);
}

/** Queues the DPO's sweep in the transaction of its ledger event. */
export function queueSweep(jobs: JobQueue) {
  return async (job: { sweepId: string; actor: AuditActor }, tx: Sql): Promise<void> => {
    await jobs.enqueue(
      SWEEP_JOB,
      {
        sweep: job.sweepId,
        account: job.actor.account ?? null,
        organisation: job.actor.organisation ?? null,
      },
      { key: job.sweepId, tx },
    );
  };
}
