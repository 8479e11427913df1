import { hkdfSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, ConfigError } from './config/config.ts';
import { BlindIndex } from './crypto/blind-index/tokens.ts';
import { type KeyRing, openKeyRing } from './crypto/keyring/keyring.ts';
import { openPkcs11 } from './crypto/keyring/pkcs11.ts';
import { KeyVault } from './crypto/vault/key-vault.ts';
import { type Dictionary, parseDictionary } from './domain/dictionary/index.ts';
import { HavenError } from './domain/errors.ts';
import { buildNotices, LANGUAGES_FILE, type NoticeFile, type Notices } from './domain/notices/index.ts';
import type { GateContext } from './gate/context.ts';
import { completeUnfinishedErasures } from './gate/erasure.ts';
import { PurposeRegister, syncPurposes } from './gate/purposes.ts';
import { type IdentityContext, identityContext } from './identity/context.ts';
import { SessionCache } from './identity/session-cache.ts';
import { type LedgerIdentity, ledgerIdentity } from './ledger/checkpoints.ts';
import { EventBatcher } from './ledger/event-batcher.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import type { PolicyEngine } from './policy/engine.ts';
import { activeEngine } from './policy/policy-store.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import type { Database } from './store/database.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from './store/migrate.ts';
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
  /** The per-person data keys, in their own database (ENC-4). */
  vault: KeyVault;
  identity: IdentityContext;
  /** Sessions verified in the last few seconds (see SessionCache). */
  sessions: SessionCache;
  /** The audit ledger's origin, signing key and verifier key (AUD-3). */
  ledger: LedgerIdentity;
  dictionary: Dictionary;
  /** The privacy notices of the dictionary's purposes (LNG-1). */
  notices: Notices;
  /** The one gate to personal data: everything that reads or writes it goes through here. */
  gate: GateContext;
  /** Installs a newly approved policy version (ACC-2). */
  setPolicies(engine: PolicyEngine): void;
  logger: Logger;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations (the server and `haven migrate` do; other commands expect them applied). */
  migrate?: boolean;
  logger?: Logger;
  /** Databases opened by the caller (tests); they are closed with Haven. */
  database?: Database;
  vaultDatabase?: Database;
}

interface OpenedDatabases {
  db: Database;
  vaultDb: Database;
  release: () => void;
}

/** The main database and the key vault: two PostgreSQL databases, or two embedded ones in the data folder. */
export async function openDatabases(config: Config): Promise<OpenedDatabases> {
  if (config.databaseUrl && config.keyVaultUrl) {
    const db = await openPostgres({ url: config.databaseUrl, maxConnections: config.databaseMaxConnections });
    const vaultDb = await openPostgres({
      url: config.keyVaultUrl,
      maxConnections: config.databaseMaxConnections,
      applicationName: 'haven-keyvault',
    }).catch(async (error) => {
      await db.close();
      throw error;
    });
    return { db, vaultDb, release: () => {} };
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite({ dataDir: path.join(config.dataDir, 'db') });
    const vaultDb = await openPglite({ dataDir: path.join(config.dataDir, 'keyvault') });
    return { db, vaultDb, release };
  } catch (error) {
    release();
    throw error;
  }
}

async function openKeys(config: Config): Promise<KeyRing> {
  const hsm = config.pkcs11Library
    ? openPkcs11({ library: config.pkcs11Library, tokenLabel: config.pkcs11Token, pin: config.pkcs11Pin! })
    : undefined;
  return openKeyRing({
    file: config.keyFilePath,
    passphrase: config.keyPassphrase,
    environmentKey: config.keyEncryptionKey,
    hsm,
  });
}

export const SHIPPED_DICTIONARY = new URL('../dictionaries/refugee-registration.yaml', import.meta.url);

export function loadDictionary(config: Config): Dictionary {
  const file = config.dictionaryFile ? path.resolve(config.dictionaryFile) : SHIPPED_DICTIONARY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('HAVEN_DICTIONARY_FILE', `cannot read ${file}`);
  }
  try {
    return parseDictionary(text, path.basename(typeof file === 'string' ? file : file.pathname));
  } catch (error) {
    if (error instanceof HavenError) throw new ConfigError('HAVEN_DICTIONARY_FILE', error.message);
    throw error;
  }
}

export const SHIPPED_NOTICES = new URL('../dictionaries/notices/', import.meta.url);

/** The notices folder: languages.yaml, and PURPOSE/VERSION.yaml files (a stray .yaml elsewhere is reported). */
function readNoticeFiles(dir: string): { languages: NoticeFile; notices: NoticeFile[] } {
  const read = (relative: string): NoticeFile => ({
    path: relative,
    text: readFileSync(path.join(dir, relative), 'utf8'),
  });
  const notices: NoticeFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) {
      for (const name of readdirSync(path.join(dir, entry.name)).sort()) {
        if (/\.ya?ml$/.test(name)) notices.push(read(`${entry.name}/${name}`));
      }
    } else if (/\.ya?ml$/.test(entry.name) && entry.name !== LANGUAGES_FILE) {
      notices.push(read(entry.name));
    }
  }
  return { languages: read(LANGUAGES_FILE), notices };
}

/** The privacy notices, checked against the dictionary at start (LNG-1): a problem stops Haven, like the dictionary's. */
export function loadNotices(config: Config, dictionary: Dictionary): Notices {
  const dir = config.noticesDir ? path.resolve(config.noticesDir) : fileURLToPath(SHIPPED_NOTICES);
  let files: ReturnType<typeof readNoticeFiles>;
  try {
    files = readNoticeFiles(dir);
  } catch {
    throw new ConfigError('HAVEN_NOTICES_DIR', `cannot read ${dir} (it needs ${LANGUAGES_FILE})`);
  }
  try {
    return buildNotices(files, dictionary);
  } catch (error) {
    if (error instanceof HavenError) throw new ConfigError('HAVEN_NOTICES_DIR', error.message);
    throw error;
  }
}

export async function openHaven(config: Config, options: OpenOptions = {}): Promise<Haven> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const keyRing = await openKeys(config);
  const opened: OpenedDatabases =
    options.database && options.vaultDatabase
      ? { db: options.database, vaultDb: options.vaultDatabase, release: () => {} }
      : await openDatabases(config);
  const vault = new KeyVault(opened.vaultDb, keyRing, {
    cacheSize: config.dekCacheSize,
    cacheSeconds: config.dekCacheSeconds,
  });
  const sessions = new SessionCache(config.sessionCacheSeconds);
  const closeAll = async () => {
    await sessions.close();
    vault.cache.clear();
    await opened.db.close();
    await opened.vaultDb.close();
    await keyRing.close();
    opened.release();
  };
  let gate: GateContext;
  let dictionary: Dictionary;
  let notices: Notices;
  let policies: PolicyEngine;
  try {
    if (options.migrate) {
      const applied = await migrate(opened.db);
      const vaultApplied = await migrate(opened.vaultDb, bundledMigrations(VAULT_MIGRATIONS_DIR));
      if (applied.length + vaultApplied.length > 0) {
        logger.info({ applied, vaultApplied }, 'database migrations applied');
      }
    }
    await vault.open();
    await sessions.listen(opened.db);
    dictionary = loadDictionary(config);
    notices = loadNotices(config, dictionary);
    await syncPurposes(opened.db, dictionary);
    policies = await activeEngine(opened.db);
    gate = {
      db: opened.db,
      vault,
      dictionary,
      notices,
      index: new BlindIndex(keyRing.secret('blind-index')),
      policies: () => policies,
      purposes: new PurposeRegister(opened.db, dictionary),
      readEvents: new EventBatcher(opened.db),
      importSecret: Buffer.from(
        hkdfSync('sha256', keyRing.secret('blind-index'), Buffer.alloc(0), 'haven/import-keys/v1', 32),
      ),
      now: () => new Date(),
    };
    const finished = await completeUnfinishedErasures(gate);
    if (finished > 0) logger.warn({ finished }, 'completed erasures interrupted by a crash');
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    config,
    db: opened.db,
    keyRing,
    vault,
    identity: identityContext(config, keyRing),
    sessions,
    ledger: ledgerIdentity(config.ledgerName, keyRing),
    dictionary,
    notices,
    gate,
    setPolicies(engine) {
      policies = engine;
    },
    logger,
    close: closeAll,
  };
}
