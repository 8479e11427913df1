import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.ts';
import { type Haven, openHaven } from '../../src/haven.ts';
import { buildApp } from '../../src/http/app.ts';
import type { HttpApp } from '../../src/http/http-app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { DatabaseKind } from '../../src/store/database.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

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

/** A Haven on a fresh test database with its own key file, an HTTP app for `inject`, and captured logs. */
export async function startTestHaven(
  kind: DatabaseKind,
  env: Record<string, string> = {},
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
  const haven = await openHaven(config, {
    database: database.db,
    vaultDatabase: vaultDatabase.db,
    logger: createLogger('info', logs),
  });
  const app = await buildApp(haven);
  await app.ready();
  let offset = 0;
  haven.identity.now = () => Date.now() + offset;
  return {
    haven,
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
      await haven.sessions.close();
      await haven.keyRing.close();
      await database.drop();
      await vaultDatabase.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
