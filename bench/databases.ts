import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Database } from '../src/store/database.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from '../src/store/migrate.ts';
import { openPglite } from '../src/store/pglite.ts';
import { openPostgres } from '../src/store/postgres.ts';

/** The PostgreSQL server benchmarks run against (performance.md: "PostgreSQL server"). */
export const BENCH_SERVER =
  process.env.HAVEN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  db: Database;
  url?: string;
  label: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a new database on the server, or an in-memory PGlite. */
export async function benchDatabase(
  kind: 'postgres' | 'pglite',
  options: { vault?: boolean; pool?: number; dataDir?: string } = {},
): Promise<BenchDatabase> {
  const migrations = options.vault ? bundledMigrations(VAULT_MIGRATIONS_DIR) : bundledMigrations();
  if (kind === 'pglite') {
    // In a folder on disk, as the embedded default runs; in memory when no folder is given.
    const dir = options.dataDir && path.join(options.dataDir, options.vault ? 'keyvault' : 'db');
    const db = await openPglite(dir ? { dataDir: dir } : {});
    await migrate(db, migrations);
    return {
      db,
      label: dir ? 'PGlite (embedded, data folder on disk)' : 'PGlite (embedded, in memory)',
      drop: () => db.close(),
    };
  }
  const name = `haven_bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ url: BENCH_SERVER, maxConnections: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  const db = await openPostgres({ url: url.toString(), maxConnections: options.pool ?? 16 });
  await migrate(db, migrations);
  const { rows } = await db.query<{ v: string }>("select current_setting('server_version') as v");
  return {
    db,
    url: url.toString(),
    label: `PostgreSQL ${rows[0]?.v ?? ''} server (localhost)`,
    async drop() {
      await db.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}
