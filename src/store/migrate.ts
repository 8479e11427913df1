import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { HavenError } from '../domain/errors.ts';
import type { Database } from './database.ts';
import { migrateJobSchema } from './job-schema.ts';
import { grantPoolRoles } from './roles.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** The key vault is a database of its own with its own migrations. */
export const VAULT_MIGRATIONS_DIR = new URL('./vault-migrations/', import.meta.url);
// Any constant works; it only has to be the same in every Haven process sharing a database.
const MIGRATION_LOCK = 7_302_151;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations shipped with this build, in order: files named NNNN_name.sql. */
export function bundledMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

async function ensureTable(db: Database): Promise<void> {
  // Under the lock too: two processes running `create table if not exists` at once can still collide.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migration (
    version integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
  });
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

async function applied(db: Pick<Database, 'query'>): Promise<Map<number, AppliedRow>> {
  const { rows } = await db.query<AppliedRow>(
    'select version, name, checksum from schema_migration order by version',
  );
  return new Map(rows.map((row) => [row.version, row]));
}

function checkHistory(done: Map<number, AppliedRow>, known: Migration[]): void {
  const byVersion = new Map(known.map((m) => [m.version, m]));
  for (const row of done.values()) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      throw new HavenError(
        'migration-unknown',
        `The database has migration ${row.version} (${row.name}) that this version of Haven does not know; it is newer than this build.`,
        { status: 503 },
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new HavenError(
        'migration-changed',
        `Migration ${row.version} (${row.name}) was changed after it was applied; restore the original file.`,
        { status: 503 },
      );
    }
  }
}

/**
 * Applies pending migrations, each in its own transaction under an advisory lock, so several Haven processes
 * starting together apply each migration once. Returns the versions applied now. The main database also gets the
 * job queue's schema (pg-boss's own migrations, src/store/job-schema.ts); the key vault passes `jobQueue: false`.
 */
export async function migrate(
  db: Database,
  migrations = bundledMigrations(),
  options: { jobQueue?: boolean } = {},
): Promise<number[]> {
  await ensureTable(db);
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await applied(tx);
      checkHistory(done, migrations);
      if (done.has(migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migration (version, name, checksum) values ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (didApply) appliedNow.push(migration.version);
  }
  if (options.jobQueue ?? true) await migrateJobSchema(db);
  // Every run, not only when something was applied: a database from before the roles existed gets them too.
  if (db.kind === 'postgres') {
    await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await grantPoolRoles(tx);
    });
  }
  return appliedNow;
}

export interface MigrationStatus {
  applied: number;
  pending: number;
}

/** For /readyz: how many of this build's migrations the database has. Throws if the history is inconsistent. */
export async function migrationStatus(
  db: Database,
  migrations = bundledMigrations(),
): Promise<MigrationStatus> {
  const { rows } = await db.query<{ exists: boolean }>(
    "select to_regclass('schema_migration') is not null as exists",
  );
  if (!rows[0]?.exists) return { applied: 0, pending: migrations.length };
  const done = await applied(db);
  checkHistory(done, migrations);
  return { applied: done.size, pending: migrations.filter((m) => !done.has(m.version)).length };
}
