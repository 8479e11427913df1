import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HavenError } from '../../src/domain/errors.ts';
import { type JobDefinition, type JobHandler, JobQueue, type JobQueueOptions } from '../../src/jobs/queue.ts';
import { jobQueueStatus } from '../../src/jobs/status.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Database } from '../../src/store/database.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { GATE_ROLE, GENERAL_ROLE } from '../../src/store/protected-tables.ts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '../support/database.ts';
import { LogCapture } from '../support/haven.ts';

/** Polls until `check` holds; the queue's own intervals are shortened below, so this takes about a second. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const FAST: Omit<JobQueueOptions, 'logger' | 'workers'> = {
  pollSeconds: 0.5,
  superviseSeconds: 1,
  cronSeconds: 1,
  stopTimeoutMs: 1000,
};

for (const kind of testDatabaseKinds()) {
  describe(`job queue (${kind})`, () => {
    let database: TestDatabase;
    // As in production: the queue on the general pool, jobs added in the gate's transactions.
    let general: Database;
    let gate: Database;
    const queues: JobQueue[] = [];
    const logs = new LogCapture();

    before(async () => {
      database = await openTestDatabase(kind);
      general = database.url
        ? await openPostgres({ url: database.url, maxConnections: 4, role: GENERAL_ROLE })
        : database.db;
      gate = database.url
        ? await openPostgres({ url: database.url, maxConnections: 2, role: GATE_ROLE })
        : database.db;
    });
    after(async () => {
      for (const queue of queues) await queue.stop();
      if (general !== database.db) await general.close();
      if (gate !== database.db) await gate.close();
      await database.drop();
    });

    /** A queue as one Haven server would have it, with one job defined. */
    async function server(
      name: string,
      handler: JobHandler,
      definition: JobDefinition = {},
      options: Partial<JobQueueOptions> = {},
    ): Promise<JobQueue> {
      const queue = new JobQueue(general, {
        ...FAST,
        logger: createLogger('debug', logs),
        workers: 4,
        ...options,
      });
      queue.define(name, handler, definition);
      queues.push(queue);
      return queue;
    }

    const jobRows = async (name: string) =>
      (
        await database.db.query<{ id: string; state: string; retry_count: number; output: unknown }>(
          'select id, state, retry_count, output from pgboss.job where name = $1 order by created_on',
          [name],
        )
      ).rows;

    test('a job runs once', async () => {
      const runs: string[] = [];
      const queue = await server('once', async (job) => {
        runs.push(String(job.payload.personId));
      });
      await queue.start();
      const id = await queue.enqueue('once', { personId: '0b7c4f7e-56b4-4d1e-9f39-0d9cfb6c4a11' });
      assert.ok(id);
      await until(async () => (await jobRows('once'))[0]?.state === 'completed', 'completion');
      await sleep(600);
      assert.deepEqual(runs, ['0b7c4f7e-56b4-4d1e-9f39-0d9cfb6c4a11']);
      await queue.stop();
    });

    test('a failing job is retried with a growing delay, then succeeds', async () => {
      const attempts: { attempt: number; at: number }[] = [];
      const queue = await server(
        'flaky',
        async (job) => {
          attempts.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt < 3) throw new Error('Amina Yusuf is not reachable');
        },
        { retryLimit: 3, retryDelaySeconds: 1, backoff: true },
      );
      await queue.start();
      await queue.enqueue('flaky', {});
      await until(async () => (await jobRows('flaky'))[0]?.state === 'completed', 'success after retries');
      assert.deepEqual(
        attempts.map((a) => a.attempt),
        [1, 2, 3],
      );
      const first = attempts[1]!.at - attempts[0]!.at;
      const second = attempts[2]!.at - attempts[1]!.at;
      assert.ok(first >= 900, `first retry after ${first} ms`);
      assert.ok(second >= 1900, `second retry after ${second} ms (doubled)`);
      // Neither the job row nor the log keeps the error's message: a library's message can quote a value.
      const text = JSON.stringify(await jobRows('flaky')) + logs.text();
      assert.ok(!text.includes('Amina'), 'no message kept');
      assert.match(logs.text(), /"job":"flaky".*"attempt":1.*job failed/);
      await queue.stop();
    });

    test('an idempotency key collapses duplicates', async () => {
      const queue = await server('keyed', async () => {}, {}, { workers: 0 });
      await queue.start();
      const later = new Date(Date.now() + 3600_000);
      const first = await queue.enqueue('keyed', { n: 1 }, { key: 'change:42:partner:7', runAt: later });
      const again = await queue.enqueue('keyed', { n: 2 }, { key: 'change:42:partner:7', runAt: later });
      const other = await queue.enqueue('keyed', { n: 3 }, { key: 'change:43:partner:7', runAt: later });
      assert.ok(first && other && first !== other);
      assert.equal(again, null);
      assert.equal((await jobRows('keyed')).length, 2);
      await queue.stop();
    });

    test('two servers on one database share the work and run no job twice', async () => {
      const ran = new Map<string, string[]>();
      const handler =
        (who: string): JobHandler =>
        async (job) => {
          ran.set(job.id, [...(ran.get(job.id) ?? []), who]);
          await sleep(20);
        };
      const a = await server('shared', handler('a'));
      const b = await server('shared', handler('b'));
      await Promise.all([a.start(), b.start()]);
      const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => a.enqueue('shared', { n: i })));
      await until(() => ran.size === 40, 'all 40 jobs');
      await sleep(600);
      assert.deepEqual(new Set(ran.keys()), new Set(ids));
      assert.ok(
        [...ran.values()].every((who) => who.length === 1),
        'each job ran once',
      );
      const by = (who: string) => [...ran.values()].filter((w) => w[0] === who).length;
      assert.ok(by('a') > 0 && by('b') > 0, `both servers worked (a ${by('a')}, b ${by('b')})`);
      await Promise.all([a.stop(), b.stop()]);
    });

    test('a job added in a transaction that rolls back never exists; one that commits runs', async () => {
      const runs: number[] = [];
      const queue = await server('in-tx', async (job) => {
        runs.push(Number(job.payload.n));
      });
      await queue.start();
      await assert.rejects(
        gate.transaction(async (tx) => {
          await queue.enqueue('in-tx', { n: 1 }, { tx });
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      await gate.transaction(async (tx) => {
        await queue.enqueue('in-tx', { n: 2 }, { tx });
      });
      await until(() => runs.length > 0, 'the committed job');
      await sleep(600);
      assert.deepEqual(runs, [2]);
      assert.equal((await jobRows('in-tx')).length, 1);
      await queue.stop();
    });

    test('a job whose server died mid-work expires and runs on another server', async () => {
      let startedOnA = false;
      const a = await server(
        'lease',
        async () => {
          startedOnA = true;
          await new Promise(() => {}); // a crashed server: never finishes, never reports
        },
        { expireInSeconds: 1, retryLimit: 2, retryDelaySeconds: 0 },
      );
      await a.start();
      await a.enqueue('lease', { n: 1 });
      await until(() => startedOnA, 'A to take the job');
      const finished: number[] = [];
      const b = await server(
        'lease',
        async (job) => {
          finished.push(job.attempt);
        },
        { expireInSeconds: 1, retryLimit: 2, retryDelaySeconds: 0 },
      );
      await b.start();
      await until(() => finished.length > 0, 'B to run the expired job');
      assert.deepEqual(finished, [2]);
      await until(async () => (await jobRows('lease'))[0]?.state === 'completed', 'completion');
      await Promise.all([a.stop(), b.stop()]);
    });

    test('a scheduled job fires', async () => {
      const ticks: number[] = [];
      const queue = await server('tick', async () => {
        ticks.push(Date.now());
      });
      queue.schedule('tick', '* * * * *');
      await queue.start();
      await until(() => ticks.length > 0, 'the schedule', 20_000);
      await queue.stop();
    });

    test('the status counts jobs by state and lists failures by code, as the general role reads it', async () => {
      const queue = await server(
        'doomed',
        async () => {
          throw new HavenError('partner-unreachable', 'The partner did not answer.');
        },
        { retryLimit: 0 },
      );
      queue.schedule('doomed', '0 3 * * *');
      await queue.start();
      await queue.enqueue('doomed', {});
      await until(async () => (await jobRows('doomed'))[0]?.state === 'failed', 'the failure');
      const status = await jobQueueStatus(general);
      const doomed = status.queues.find((q) => q.name === 'doomed');
      assert.equal(doomed?.states.failed, 1);
      assert.equal(doomed?.schedule, '0 3 * * *');
      assert.equal(status.queues.find((q) => q.name === 'once')?.states.completed, 1);
      assert.deepEqual(status.failures[0]?.error, { type: 'HavenError', code: 'partner-unreachable' });
      assert.equal(status.failures[0]?.attempts, 1);
      await queue.stop();
    });

    test('supervision, schedules and workers ran under the general role without an error', () => {
      assert.doesNotMatch(logs.text(), /job queue error/);
    });

    test('a payload with anything but ids, codes, numbers, flags and times is refused', async () => {
      const queue = await server('strict', async () => {}, {}, { workers: 0 });
      await queue.start();
      for (const payload of [
        { name: 'Amina Yusuf' },
        { note: 'Has two children' },
        { document: 'P1234567' },
        { nested: { personId: 'x' } },
        { 'Bad key': 'x' },
      ]) {
        await assert.rejects(
          queue.enqueue('strict', payload as never),
          { code: 'job-payload-invalid' },
          JSON.stringify(payload),
        );
      }
      await assert.rejects(queue.enqueue('strict', {}, { key: 'Amina' }), { code: 'job-payload-invalid' });
      await assert.rejects(queue.enqueue('nobody-defined', {}), { code: 'job-unknown' });
      await queue.enqueue('strict', {
        personId: '0b7c4f7e-56b4-4d1e-9f39-0d9cfb6c4a11',
        change: 'consent-withdrawn',
        due: '2026-12-07T10:00:00.000Z',
        count: 3,
        final: true,
        groups: ['contact', 'identity'],
      });
      await queue.stop();
    });
  });
}
