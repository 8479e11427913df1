import { createHash } from 'node:crypto';
import { type Db, fromPglite, getConstructionPlans, PgBoss } from 'pg-boss';
import type { Database, Sql, SqlValue } from './database.ts';

/**
 * The job queue's tables (pg-boss, docs/decisions/0013-job-queue.md) live in a schema of their own in the main
 * database. They hold queue names, job ids, codes and times — never a personal value (src/jobs/payload.ts) — so
 * both pool roles may use them (src/store/roles.ts).
 */
export const JOB_SCHEMA = 'pgboss';

/**
 * pg-boss's view of a Haven database: the raw PGlite instance or pg pool underneath, because pg-boss sends
 * multi-statement scripts whose rows it reads (Haven's `exec` returns none) and listens for new jobs.
 */
export function jobDatabase(db: Database): Db {
  if (db.kind === 'pglite' && 'pglite' in db)
    return fromPglite(db.pglite as Parameters<typeof fromPglite>[0]);
  if (db.kind === 'postgres' && 'pool' in db) {
    const pool = db.pool as { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
    return {
      // No statement name: pg-boss's scripts are not all preparable (several statements, no parameters).
      executeSql: (text, values) =>
        pool.query(text, values?.length ? values : undefined) as Promise<{ rows: never[] }>,
      async listen(channel, onNotification, onReconnect) {
        // Haven's listener says '*' when notifications may have been lost: pg-boss then fetches at once.
        const stop = await db.listen(channel, (payload) =>
          payload === '*' ? onReconnect() : onNotification(payload),
        );
        onReconnect();
        return { close: stop };
      },
    };
  }
  throw new Error('the job queue needs a database opened by openPglite or openPostgres');
}

/** pg-boss statements inside the caller's transaction: a job enqueued there commits or rolls back with it. */
export function jobTransaction(tx: Sql): Db {
  return { executeSql: (text, values) => tx.query(text, values as SqlValue[] | undefined) };
}

// Any constant, the same in every Haven process (migrate.ts has its own).
const JOB_SCHEMA_LOCK = 7_302_152;

async function install(db: Db, backend: 'pglite' | undefined): Promise<void> {
  const boss = new PgBoss({
    db,
    schema: JOB_SCHEMA,
    ...(backend ? { backend } : {}),
    migrate: true,
    supervise: false,
    schedule: false,
    registerInstance: false,
    openTelemetry: { enabled: false },
  });
  await boss.start();
  await boss.stop({ graceful: false, close: false });
}

/**
 * Installs pg-boss's schema, or migrates it to this build's version (pg-boss keeps its own version table). Run by
 * Haven's migrate step as the database owner; the serving pools never create anything.
 */
export async function migrateJobSchema(db: Database): Promise<void> {
  if (db.kind === 'pglite') return install(jobDatabase(db), 'pglite');
  // pg-boss checks whether it is installed before its own lock: two processes starting at once would both
  // install. One session holds Haven's lock around the whole of it.
  const pool = (db as Database & { pool: { connect(): Promise<Client> } }).pool;
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [JOB_SCHEMA_LOCK]);
    await install(
      { executeSql: (text, values) => client.query(text, values?.length ? values : undefined) },
      undefined,
    );
  } finally {
    await client.query('select pg_advisory_unlock($1)', [JOB_SCHEMA_LOCK]).catch(() => {});
    client.release();
  }
}

interface Client {
  query(text: string, values?: unknown[]): Promise<{ rows: never[] }>;
  release(): void;
}

/** Changes when an upgrade of pg-boss changes its schema (test database templates are keyed by it). */
export function jobSchemaFingerprint(): string {
  return createHash('sha256').update(getConstructionPlans(JOB_SCHEMA)).digest('hex').slice(0, 16);
}
