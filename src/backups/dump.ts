import { spawn } from 'node:child_process';
import type { PGlite } from '@electric-sql/pglite';
import { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';
import { openPglite } from '../store/pglite.ts';
import { openPostgres } from '../store/postgres.ts';

/**
 * Taking and loading one database's contents. PGlite: its own data-folder tarball (`dumpDataDir`), a physical
 * copy loaded as is. PostgreSQL: `pg_dump` in custom format under an exported snapshot, so the row counts in the
 * manifest are those of the very snapshot dumped; restored with `pg_restore` into an empty database.
 */
export type BackupSource =
  | { kind: 'pglite'; db: Database & { pglite: PGlite } }
  | { kind: 'postgres'; url: string };

export interface Dumped {
  data: Uint8Array;
  counts: Record<string, number>;
  migration: number;
}

/** Exact row counts of every table in the public schema, and the newest migration. Counts only, no values. */
export async function tableCounts(sql: Sql): Promise<{ counts: Record<string, number>; migration: number }> {
  const { rows } = await sql.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of rows) {
    const result = await sql.query<{ n: number }>(
      `select count(*)::int8 as n from public."${name.replaceAll('"', '""')}"`,
    );
    counts[name] = result.rows[0]?.n ?? 0;
  }
  const migration = rows.some((r) => r.name === 'schema_migration')
    ? ((await sql.query<{ v: number | null }>('select max(version) as v from schema_migration')).rows[0]?.v ??
      0)
    : 0;
  return { counts, migration };
}

const same = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(a) === JSON.stringify(b);

export async function dumpDatabase(source: BackupSource): Promise<Dumped> {
  if (source.kind === 'pglite') {
    // PGlite has one connection: a write may fall between counting and dumping. Count again after; retry if moved.
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await tableCounts(source.db);
      const blob = await source.db.pglite.dumpDataDir('gzip');
      const after = await tableCounts(source.db);
      if (same(before.counts, after.counts)) {
        return { data: new Uint8Array(await blob.arrayBuffer()), ...before };
      }
    }
    throw new HavenError('backup-busy', 'The database kept changing while it was dumped; try again.', {
      status: 503,
    });
  }
  const db = await openPostgres({ url: source.url, maxConnections: 1, applicationName: 'haven-backup' });
  try {
    return await db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read, read only');
      const snapshot = (await tx.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]!.s;
      const counted = await tableCounts(tx);
      const data = await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshot}`,
        `--dbname=${source.url}`,
      ]);
      return { data, ...counted };
    });
  } finally {
    await db.close();
  }
}

/** Runs a PostgreSQL client tool; its standard output is the result. Never logs the URL (it may hold a password). */
function run(command: string, args: string[], input?: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', (error) =>
      reject(
        new HavenError(
          'backup-tool-missing',
          `${command} could not be started (${(error as NodeJS.ErrnoException).code}); install the PostgreSQL client tools (Debian: postgresql-client) matching the server's version.`,
          { status: 503 },
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new HavenError(
            'backup-tool-failed',
            `${command} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`,
            {
              status: 500,
            },
          ),
        );
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}

export type RestoreTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/** Whether a PostgreSQL database has any table of its own (a restore goes only into an empty one). */
export async function postgresIsEmpty(url: string): Promise<boolean> {
  const db = await openPostgres({ url, maxConnections: 1, applicationName: 'haven-restore' });
  try {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int8 as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`,
    );
    return (rows[0]?.n ?? 0) === 0;
  } finally {
    await db.close();
  }
}

/** Loads a dump into an empty target; the caller checked it is empty and new. Returns the database, open. */
export async function loadDatabase(target: RestoreTarget, data: Uint8Array): Promise<Database> {
  if (target.kind === 'pglite') {
    return openPglite({ dataDir: target.dataDir, loadDataDir: new Blob([Buffer.from(data)]) });
  }
  await run(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${target.url}`],
    data,
  );
  return openPostgres({ url: target.url, maxConnections: 2, applicationName: 'haven-restore' });
}
