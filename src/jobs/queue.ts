import { createHash } from 'node:crypto';
import { type Job as BossJob, type JobResult, PgBoss } from 'pg-boss';
import { HavenError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database, Sql } from '../store/database.ts';
import { JOB_SCHEMA, jobDatabase, jobTransaction } from '../store/job-schema.ts';
import { checkJobKey, checkJobName, checkJobPayload, type JobPayload } from './payload.ts';

/**
 * Haven's job queue: a thin layer over pg-boss (docs/decisions/0013-job-queue.md). Jobs are rows in the main
 * database, so every Haven server on it shares them (claimed with SKIP LOCKED, each by one worker), they survive a
 * restart, and one can be added in the transaction of the change that causes it. A job runs at least once:
 * a worker that dies mid-job leaves it to expire and run again elsewhere, so handlers must be idempotent.
 */

export interface Job<P extends JobPayload = JobPayload> {
  id: string;
  name: string;
  payload: P;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  /** Aborted when the job expires or the server stops: a long handler should stop at the next step. */
  signal: AbortSignal;
}

export type JobHandler<P extends JobPayload = JobPayload> = (job: Job<P>) => Promise<void>;

export interface JobDefinition {
  /** Retries after the first failure before the job is failed for good. */
  retryLimit?: number;
  /** Seconds before the first retry (whole seconds, pg-boss's unit). */
  retryDelaySeconds?: number;
  /** Doubles the delay at each retry, with jitter. */
  backoff?: boolean;
  retryDelayMaxSeconds?: number;
  /** A job still running after this long counts as lost (its server died) and is run again. */
  expireInSeconds?: number;
}

const DEFAULTS: Required<JobDefinition> = {
  retryLimit: 5,
  retryDelaySeconds: 10,
  backoff: true,
  retryDelayMaxSeconds: 3600,
  expireInSeconds: 900,
};

export interface JobQueueOptions {
  logger: Logger;
  /** Jobs this server runs at once per queue, fetched as one batch; 0: it only enqueues (HAVEN_JOB_WORKERS). */
  workers: number;
  /** How often an idle worker looks for retries and jobs come due (≥ 0.5 s); a new job wakes it at once. */
  pollSeconds?: number;
  /** How often expired jobs are taken back and old ones deleted (≥ 1 s). */
  superviseSeconds?: number;
  /** How often schedules are checked (1–45 s). */
  cronSeconds?: number;
  /** How long stop() waits for running jobs before leaving them to expire. */
  stopTimeoutMs?: number;
  /** How long finished jobs are kept for `haven jobs status` (seconds). */
  keepSeconds?: number;
}

export interface EnqueueOptions {
  /**
   * Idempotency key: a second job with the same name and key is not added while the first is kept (queued,
   * running, or finished within the keep time). Ids and codes only, like the payload.
   */
  key?: string;
  /** Not before this time. */
  runAt?: Date;
  /** The caller's transaction: the job exists only if it commits. */
  tx?: Sql;
}

interface Defined {
  handler: JobHandler<JobPayload>;
  options: Required<JobDefinition>;
}

/** The job's id from its key, so a duplicate collides with the first on pg-boss's primary key. */
function keyId(name: string, key: string): string {
  const hex = createHash('sha256').update(`haven-job\n${name}\n${key}`).digest('hex');
  // Shaped as a UUID (version 8: custom), which pg-boss's id column requires.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What a failed job keeps: its error's type and code, never a message (a library's can quote a value). */
function failure(error: unknown): { type: string; code?: string } {
  if (error instanceof HavenError) return { type: 'HavenError', code: error.code };
  const code = (error as { code?: unknown } | null)?.code;
  return {
    type: error instanceof Error ? error.name : typeof error,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #options: JobQueueOptions;
  readonly #defined = new Map<string, Defined>();
  readonly #schedules = new Map<string, { cron: string; payload: JobPayload }>();
  #started = false;

  constructor(db: Database, options: JobQueueOptions) {
    this.#options = options;
    const workers = options.workers > 0;
    const supervise = options.superviseSeconds ?? 60;
    const cron = options.cronSeconds ?? 30;
    this.#boss = new PgBoss({
      db: jobDatabase(db),
      schema: JOB_SCHEMA,
      ...(db.kind === 'pglite' ? { backend: 'pglite' as const } : {}),
      // Haven's migrate step installs and upgrades the schema as the owner; serving pools only use it.
      migrate: false,
      createSchema: false,
      // Only servers that work jobs take back expired ones and send scheduled ones (claims in the database make
      // it one pass at a time across servers).
      supervise: workers,
      schedule: workers,
      superviseIntervalSeconds: supervise,
      maintenanceIntervalSeconds: supervise,
      monitorIntervalSeconds: supervise,
      cronWorkerIntervalSeconds: cron,
      cronMonitorIntervalSeconds: cron,
      useListenNotify: workers,
      // Rebuilding indexes is DDL the serving roles may not run; queue statistics would need partitions too.
      reindex: false,
      persistQueueStats: false,
      registerInstance: workers,
      instanceName: 'haven',
      openTelemetry: { enabled: false },
    });
    this.#boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
    // pg-boss's own messages are fixed texts; their data (a slow statement's values) stays out of the log.
    this.#boss.on('warning', (warning) =>
      options.logger.warn({ warning: (warning as { type?: string }).type }, warning.message),
    );
  }

  get workers(): number {
    return this.#options.workers;
  }

  /** Declares a kind of job and what runs it. Every server declares the same ones; only workers run them. */
  define<P extends JobPayload>(name: string, handler: JobHandler<P>, definition: JobDefinition = {}): void {
    checkJobName(name);
    if (this.#defined.has(name)) throw new Error(`job ${name} is defined twice`);
    if (this.#started) throw new Error(`job ${name} must be defined before the queue starts`);
    this.#defined.set(name, {
      handler: handler as JobHandler<JobPayload>,
      options: { ...DEFAULTS, ...definition },
    });
  }

  /** Runs a defined job on a schedule (cron, UTC); one job per occurrence across all servers. */
  schedule(name: string, cron: string, payload: JobPayload = {}): void {
    if (this.#started) throw new Error(`schedule ${name} must be set before the queue starts`);
    this.#schedules.set(name, { cron, payload: checkJobPayload(payload) });
  }

  /** Adds a job. Returns its id, or null when a job with the same key is already kept. */
  async enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string | null> {
    const defined = this.#defined.get(name);
    if (!defined)
      throw new HavenError('job-unknown', `No job is defined with the name ${name}.`, { status: 500 });
    if (!this.#started)
      throw new HavenError('job-queue-stopped', 'The job queue is not running.', { status: 503 });
    checkJobPayload(payload);
    if (options.key !== undefined) checkJobKey(options.key);
    return this.#boss.send(name, payload, {
      ...(options.key !== undefined ? { id: keyId(name, options.key) } : {}),
      ...(options.runAt ? { startAfter: options.runAt } : {}),
      // On PGlite a statement outside the caller's transaction would wait for it to end: always through `tx`.
      ...(options.tx ? { db: jobTransaction(options.tx) } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    this.#started = true;
    const keepSeconds = this.#options.keepSeconds ?? 7 * 24 * 3600;
    for (const [name, { options }] of this.#defined) {
      const settings = {
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: options.backoff,
        ...(options.backoff ? { retryDelayMax: options.retryDelayMaxSeconds } : {}),
        expireInSeconds: options.expireInSeconds,
        deleteAfterSeconds: keepSeconds,
        notify: true,
      };
      // Created once; a later build's changed retry settings apply to the jobs added after it.
      if (await this.#boss.getQueue(name)) await this.#boss.updateQueue(name, settings);
      else await this.#boss.createQueue(name, settings);
    }
    if (this.#options.workers > 0) {
      for (const name of this.#defined.keys()) await this.#work(name);
      for (const [name, { cron, payload }] of this.#schedules)
        await this.#boss.schedule(name, cron, payload, { tz: 'UTC' });
    }
  }

  async #work(name: string): Promise<void> {
    const { handler } = this.#defined.get(name)!;
    const logger = this.#options.logger;
    await this.#boss.work<JobPayload>(
      name,
      {
        batchSize: this.#options.workers,
        pollingIntervalSeconds: this.#options.pollSeconds ?? 2,
        // New jobs wake workers by notification, but retries and jobs that come due do not: same interval.
        notifyPollingIntervalSeconds: this.#options.pollSeconds ?? 2,
        // A full batch means more are waiting: fetch again at once instead of after the polling interval.
        burstWhenBatchFull: true,
        // Each job of the batch succeeds or fails (and is retried) on its own.
        perJobResults: true,
      },
      (jobs: BossJob<JobPayload>[]) =>
        Promise.all(
          jobs.map(async (job): Promise<JobResult> => {
            const attempt = job.retryCount + 1;
            const started = performance.now();
            try {
              await handler({ id: job.id, name, payload: job.data, attempt, signal: job.signal });
              logger.debug(
                { job: name, jobId: job.id, attempt, ms: Math.round(performance.now() - started) },
                'job done',
              );
              return { id: job.id, status: 'completed' };
            } catch (error) {
              logger.warn({ job: name, jobId: job.id, attempt, err: error }, 'job failed');
              return { id: job.id, status: 'failed', output: failure(error) };
            }
          }),
        ),
    );
  }

  /**
   * Stops fetching and waits for running jobs up to the stop timeout. A job still running then stays claimed
   * until it expires, and runs again on whichever server is up (nothing is lost, something may run twice).
   */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, close: false, timeout: this.#options.stopTimeoutMs ?? 10_000 });
  }
}
