/**
 * The job queue's throughput through Haven's JobQueue (docs/decisions/0013-job-queue.md): jobs added one by one
 * (each its own commit), then worked by one server with HAVEN_JOB_WORKERS=4 and by two servers sharing the
 * database. Not part of `npm run bench`'s goals; run `node bench/job-queue.ts [jobs]`.
 */
import os from 'node:os';
import { JobQueue } from '../src/jobs/queue.ts';
import { createLogger } from '../src/observability/logger.ts';
import { type BenchDatabase, benchDatabase } from './databases.ts';

const JOBS = Number(process.argv[2] ?? 2000);
const logger = createLogger('silent');

async function measure(
  kind: 'pglite' | 'postgres',
  servers: number,
): Promise<Record<string, number | string>> {
  const database: BenchDatabase = await benchDatabase(kind, { pool: 8 });
  let done = 0;
  let finished = () => {};
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const queues = Array.from({ length: servers }, () => {
    const queue = new JobQueue(database.db, { logger, workers: 4, pollSeconds: 0.5 });
    queue.define('bench', async () => {
      if (++done === JOBS) finished();
    });
    return queue;
  });
  // Added before the workers start, so the figure is the enqueue alone.
  const adder = new JobQueue(database.db, { logger, workers: 0 });
  adder.define('bench', async () => {});
  await adder.start();
  let started = performance.now();
  for (let i = 0; i < JOBS; i++) await adder.enqueue('bench', { n: i });
  const enqueuePerSecond = JOBS / ((performance.now() - started) / 1000);
  started = performance.now();
  await Promise.all(queues.map((q) => q.start()));
  await all;
  const workPerSecond = JOBS / ((performance.now() - started) / 1000);
  for (const queue of [adder, ...queues]) await queue.stop();
  await database.drop();
  return {
    database: database.label,
    servers,
    jobs: JOBS,
    'enqueue jobs/s': Math.round(enqueuePerSecond),
    'work jobs/s': Math.round(workPerSecond),
  };
}

console.log(`${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
for (const kind of ['pglite', 'postgres'] as const)
  for (const servers of [1, 2]) console.log(JSON.stringify(await measure(kind, servers)));
