import path from 'node:path';
import type { Config } from './config/config.ts';
import { type KeyRing, openKeyRing } from './crypto/keyring/keyring.ts';
import { type IdentityContext, identityContext } from './identity/context.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import type { Database } from './store/database.ts';
import { migrate } from './store/migrate.ts';
import { openPglite } from './store/pglite.ts';
import { openPostgres } from './store/postgres.ts';

/**
 * The composition root: opens the database and the key ring once and hands them, as plain values, to the
 * HTTP server, the CLI and the tests. Nothing else opens either.
 */
export interface Haven {
  config: Config;
  db: Database;
  keyRing: KeyRing;
  identity: IdentityContext;
  logger: Logger;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations (the server and `haven migrate` do; other commands expect them applied). */
  migrate?: boolean;
  logger?: Logger;
  /** A database opened by the caller (tests); it is closed with Haven. */
  database?: Database;
}

export async function openDatabase(config: Config): Promise<{ db: Database; release: () => void }> {
  if (config.databaseUrl) {
    const db = await openPostgres({ url: config.databaseUrl, maxConnections: config.databaseMaxConnections });
    return { db, release: () => {} };
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite({ dataDir: path.join(config.dataDir, 'db') });
    return { db, release };
  } catch (error) {
    release();
    throw error;
  }
}

export async function openHaven(config: Config, options: OpenOptions = {}): Promise<Haven> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const keyRing = await openKeyRing({
    file: config.keyFilePath,
    passphrase: config.keyPassphrase,
    environmentKey: config.keyEncryptionKey,
  });
  const opened = options.database ? { db: options.database, release: () => {} } : await openDatabase(config);
  try {
    if (options.migrate) {
      const applied = await migrate(opened.db);
      if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
    }
  } catch (error) {
    await opened.db.close();
    opened.release();
    throw error;
  }
  return {
    config,
    db: opened.db,
    keyRing,
    identity: identityContext(config, keyRing),
    logger,
    async close() {
      await opened.db.close();
      await keyRing.close();
      opened.release();
    },
  };
}
