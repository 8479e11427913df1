import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.ts';
import { type Haven, type HavenInternals, havenInternals, openHaven } from '../../src/haven.ts';
import { buildApp } from '../../src/http/app.ts';
import type { HttpApp } from '../../src/http/http-app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Database, DatabaseKind } from '../../src/store/database.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { GATE_ROLE, GENERAL_ROLE } from '../../src/store/protected-tables.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { approveDpiasForTests } from './dpias.ts';

/** Collects every log line a test Haven writes, so tests can search them. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestHaven {
  haven: Haven;
  /**
   * Test support only: the gate's context, the key vault and the key ring, for setting up and inspecting what
   * routes can never reach. `database.db` is the raw database (the owner, on PostgreSQL) for the same use.
   */
  internals: HavenInternals;
  app: HttpApp;
  database: TestDatabase;
  vaultDatabase: TestDatabase;
  logs: LogCapture;
  dataDir: string;
  /** Moves the identity clock forward (fresh TOTP steps without waiting). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export function tempDir(prefix = 'haven-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * The pools Haven runs on, as in production: on PostgreSQL a general pool and a gate pool, each with its role
 * (src/store/roles.ts), and the key vault as the gate's role; on PGlite (single-user) the test databases themselves.
 */
export async function rolePools(
  database: { db: Database; url?: string },
  vaultDatabase: { db: Database; url?: string },
  maxConnections = 4,
): Promise<{ database: Database; gateDatabase: Database; vaultDatabase: Database }> {
  if (!database.url || !vaultDatabase.url) {
    return { database: database.db, gateDatabase: database.db, vaultDatabase: vaultDatabase.db };
  }
  const open = (url: string, role: string) => openPostgres({ url, maxConnections, role });
  return {
    database: await open(database.url, GENERAL_ROLE),
    gateDatabase: await open(database.url, GATE_ROLE),
    vaultDatabase: await open(vaultDatabase.url, GATE_ROLE),
  };
}

/**
 * A Haven on a fresh test database with its own key file, an HTTP app for `inject`, and captured logs; its
 * purposes' DPIAs approved unless `dpias: false`.
 */
export async function startTestHaven(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  options: { dpias?: boolean } = {},
): Promise<TestHaven> {
  const dataDir = tempDir();
  const config = loadConfig(
    {
      HAVEN_DATA_DIR: dataDir,
      HAVEN_LOG_LEVEL: 'info',
      HAVEN_SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
      ...env,
    },
    dataDir,
  );
  const database = await openTestDatabase(kind);
  const vaultDatabase = await openTestDatabase(kind, { vault: true });
  const logs = new LogCapture();
  const pools = await rolePools(database, vaultDatabase);
  const haven = await openHaven(config, {
    ...pools,
    logger: createLogger('info', logs),
    // Backups dump with the owner's URL (pg_dump); on PGlite they use the database handle itself.
    ...(database.url && vaultDatabase.url
      ? {
          backupSources: {
            main: { kind: 'postgres' as const, url: database.url },
            vault: { kind: 'postgres' as const, url: vaultDatabase.url },
          },
        }
      : {}),
  });
  // Every purpose here needs a DPIA (PUR-6): tests get approved ones unless they test the DPIA workflow.
  if (options.dpias !== false) {
    await approveDpiasForTests(database.db, haven.dictionary);
    haven.gate.purposes.invalidate();
  }
  const app = await buildApp(haven);
  await app.ready();
  let offset = 0;
  haven.identity.now = () => Date.now() + offset;
  return {
    haven,
    internals: havenInternals(haven),
    app,
    database,
    vaultDatabase,
    logs,
    dataDir,
    advanceClock(ms) {
      offset += ms;
    },
    async close() {
      await app.close();
      await haven.jobs.stop();
      await haven.policyImpacts.close();
      await haven.refusals.close();
      await haven.sessions.close();
      await havenInternals(haven).keyRing.close();
      for (const pool of Object.values(pools))
        if (pool !== database.db && pool !== vaultDatabase.db) await pool.close();
      await database.drop();
      await vaultDatabase.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
