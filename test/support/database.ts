import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database, DatabaseKind } from '../../src/store/database.ts';
import { jobSchemaFingerprint } from '../../src/store/job-schema.ts';
import type { Migration } from '../../src/store/migrate.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';

/**
 * Test databases. Every database test runs on embedded PGlite; when HAVEN_TEST_DATABASE_URL names a PostgreSQL
 * server (CI sets it), the same test runs there too, each test in a database of its own that is dropped after.
 */
export const SERVER_URL = process.env.HAVEN_TEST_DATABASE_URL;

export function testDatabaseKinds(): DatabaseKind[] {
  return SERVER_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  db: Database;
  kind: DatabaseKind;
  /** For PostgreSQL: the URL of this test's own database (for pg_dump, second connections, child processes). */
  url?: string;
  drop(): Promise<void>;
}

function cacheDir(): string {
  const dir = path.join(tmpdir(), 'haven-test-cache');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A migrated PGlite data directory, dumped once per set of migrations and loaded by every test (≈0.5 s vs ≈4 s). */
async function migratedTemplate(migrations: Migration[], jobQueue: boolean): Promise<Blob> {
  const fingerprint = createHash('sha256')
    .update(migrations.map((m) => m.checksum).join(','))
    .update(jobQueue ? jobSchemaFingerprint() : '')
    .digest('hex')
    .slice(0, 16);
  const file = path.join(cacheDir(), `pglite-${fingerprint}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    const db = await openPglite();
    await migrate(db, migrations, { jobQueue });
    const dump = await db.pglite.dumpDataDir('none');
    await db.close();
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, file);
    return dump;
  }
}

export function serverDatabaseUrl(name: string): string {
  const url = new URL(SERVER_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabaseOptions {
  migrated?: boolean;
  /** The key vault's schema instead of the main one. */
  vault?: boolean;
}

export async function openTestDatabase(
  kind: DatabaseKind,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const migrations = options.vault ? bundledMigrations(VAULT_MIGRATIONS_DIR) : bundledMigrations();
  if (kind === 'pglite') {
    const db = migrated
      ? await openPglite({ loadDataDir: await migratedTemplate(migrations, !options.vault) })
      : await openPglite();
    return { db, kind, drop: () => db.close() };
  }
  if (!SERVER_URL) throw new Error('HAVEN_TEST_DATABASE_URL is not set');
  const name = `haven_test_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres({ url: SERVER_URL, maxConnections: 1 });
  await admin.query(`create database ${name}`);
  await admin.close();
  const url = serverDatabaseUrl(name);
  const db = await openPostgres({ url, maxConnections: 8 });
  if (migrated) await migrate(db, migrations, { jobQueue: !options.vault });
  return {
    db,
    kind,
    url,
    async drop() {
      await db.close();
      const cleanup = await openPostgres({ url: SERVER_URL!, maxConnections: 1 });
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.close();
    },
  };
}
