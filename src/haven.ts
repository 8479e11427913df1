import { hkdfSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackupSource } from './backups/dump.ts';
import { type Backups, backupService } from './backups/service.ts';
import { type Config, ConfigError } from './config/config.ts';
import { BlindIndex } from './crypto/blind-index/tokens.ts';
import { type KeyRing, openKeyRing } from './crypto/keyring/keyring.ts';
import { openPkcs11 } from './crypto/keyring/pkcs11.ts';
import { releaseSigner } from './crypto/release-envelope.ts';
import { KeyVault } from './crypto/vault/key-vault.ts';
import { type Dictionary, parseDictionary } from './domain/dictionary/index.ts';
import { HavenError } from './domain/errors.ts';
import { buildNotices, LANGUAGES_FILE, type NoticeFile, type Notices } from './domain/notices/index.ts';
import type { GateContext } from './gate/context.ts';
import { completeUnfinishedErasures } from './gate/erasure.ts';
import type { NoticeHooks } from './gate/partner-notices.ts';
import { PurposeRegister, syncPurposes } from './gate/purposes.ts';
import { registrationWriter, sweepUnusedKeys } from './gate/registrations.ts';
import { type Gate, gateService } from './gate/service.ts';
import { type ConcernKeys, ConcernThrottle, concernKeys } from './governance/concerns.ts';
import { HAVEN_VERSION } from './http/openapi.ts';
import { type IdentityContext, identityContext } from './identity/context.ts';
import { SessionCache } from './identity/session-cache.ts';
import { type IncidentKeys, incidentKeys } from './incidents/register.ts';
import { JobQueue } from './jobs/queue.ts';
import { type LedgerIdentity, ledgerIdentity } from './ledger/checkpoints.ts';
import { EventBatcher } from './ledger/event-batcher.ts';
import { type CheckpointPublisher, checkpointPublisher, publishTarget } from './ledger/publish.ts';
import { RefusalLedger } from './ledger/refusals.ts';
import { defineBaselineJob } from './monitoring/job.ts';
import { Monitor } from './monitoring/monitor.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import type { PolicyEngine } from './policy/engine.ts';
import { type DictionarySource, PolicyImpacts } from './policy/impact-jobs.ts';
import { activeEngine } from './policy/policy-store.ts';
import { defineRetentionSweep } from './retention/sweep-job.ts';
import { defineAccessReviewJob } from './reviews/review-job.ts';
import { type AccessReviews, accessReviews } from './reviews/service.ts';
import { enqueueDeliveries, Pushes } from './sharing/pushes.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import type { Database } from './store/database.ts';
import {
  bundledMigrations,
  type MigrationStatus,
  migrate,
  migrationStatus,
  VAULT_MIGRATIONS_DIR,
} from './store/migrate.ts';
import { openPglite } from './store/pglite.ts';
import { openPostgres } from './store/postgres.ts';
import { GATE_ROLE, GENERAL_ROLE } from './store/protected-tables.ts';

/**
 * The composition root: opens the databases and the key ring once and hands routes, commands and workflows what
 * they may use — the gate's operations, not its database, key vault or key ring (those stay in HavenInternals).
 */
export interface Haven {
  config: Config;
  /**
   * The general pool: staff accounts, sessions, the ledger, policies, purposes. On a PostgreSQL server it runs as
   * GENERAL_ROLE, which has no privilege on the protected tables (src/store/protected-tables.ts); personal data
   * is reached only through `gate`.
   */
  db: Database;
  identity: IdentityContext;
  /** Haven's public key that signs releases and answers to partners (SHA-2, SHA-4), as a JWK. */
  releaseKey: Record<string, string>;
  /** Sessions verified in the last few seconds (see SessionCache). */
  sessions: SessionCache;
  /** Authentication refusals, with repeats counted per window instead of written one by one (AUD-1). */
  refusals: RefusalLedger;
  /** The audit ledger's origin, signing key and verifier key (AUD-3). */
  ledger: LedgerIdentity;
  /** Where signed checkpoints go outside the instance (HAVEN_CHECKPOINT_PUBLISH, AUD-4): one per Haven. */
  checkpoints: CheckpointPublisher;
  dictionary: Dictionary;
  /** The privacy notices of the dictionary's purposes (LNG-1). */
  notices: Notices;
  /** The one gate to personal data: everything that reads or writes it goes through here. */
  gate: Gate;
  /** `haven keys`: rotation and counts; no key material (ENC-2). */
  keys: KeyAdministration;
  /** For /readyz: how far each database is migrated. */
  migrationStatus(): Promise<{ main: MigrationStatus; vault: MigrationStatus }>;
  /** Installs a newly approved policy version (ACC-2). */
  setPolicies(engine: PolicyEngine): void;
  /** What proposed policy versions would change, computed in the background (ACC-2). */
  policyImpacts: PolicyImpacts;
  /** The time Haven decides by (DPIA review dates, concern clocks); tests move it. */
  clock: { now(): Date };
  /** Background jobs, shared by every server on the database (docs/jobs.md). */
  jobs: JobQueue;
  /** Anomaly detection over the ledger (AUD-6): the server starts it; tests and commands run its rounds. */
  monitor: Monitor;
  /** Pushes to partners' webhooks and their webhook secrets (PUR-4, RIG-4, RET-2; docs/partners.md). */
  pushes: Pushes;
  /** Encrypted backups, restore and the restore drill (RES-1; docs/operations.md). */
  backups: Backups;
  /** The anonymous concern channel's keys and its address-free throttle (GOV-4). */
  concerns: { keys: ConcernKeys; throttle: ConcernThrottle };
  /** The incident register's key for its sealed free texts (BRE-1; decision 0016). */
  incidents: { keys: IncidentKeys };
  /** Access recertification, dormant accounts and training (ACC-7; docs/access-reviews.md). */
  reviews: AccessReviews;
  logger: Logger;
  close(): Promise<void>;
}

export interface KeyAdministration {
  rotate: KeyVault['rotate'];
  status(): Promise<{
    protection: KeyRing['protection'];
    keks: number[];
    currentKek: number;
    vaultKeys: Awaited<ReturnType<KeyVault['dataKeysPerVaultKey']>>;
  }>;
}

/**
 * What only the composition root and named test and bench support hold (test/support/haven.ts,
 * bench/haven-server.ts): the gate's context with its pool and key vault, and the key ring. The boundary test
 * keeps `havenInternals` out of src/http, src/cli, src/workflows and web.
 */
export interface HavenInternals {
  gateContext: GateContext;
  vault: KeyVault;
  keyRing: KeyRing;
}

const internals = new WeakMap<Haven, HavenInternals>();

export function havenInternals(haven: Haven): HavenInternals {
  const found = internals.get(haven);
  if (!found) throw new Error('not a Haven opened by openHaven');
  return found;
}

export interface OpenOptions {
  /** Apply pending migrations (the server and `haven migrate` do; other commands expect them applied). */
  migrate?: boolean;
  logger?: Logger;
  /**
   * Databases opened by the caller (tests, benchmarks); they are closed with Haven. `gateDatabase` is the gate's
   * pool (on PostgreSQL: one that runs as GATE_ROLE); without it the gate shares `database`.
   */
  database?: Database;
  gateDatabase?: Database;
  vaultDatabase?: Database;
  /**
   * Run this process's job workers (HAVEN_JOB_WORKERS of them per kind of job): the server does; commands and
   * tests only add jobs, so a short-lived command never takes one.
   */
  jobWorkers?: boolean;
  /** What backups dump when the databases were given (tests on a server): owner URLs for pg_dump. */
  backupSources?: { main: BackupSource; vault: BackupSource };
}

interface OpenedDatabases {
  /** The general pool. */
  db: Database;
  /** The gate's pool: the same handle on PGlite, a pool of its own under GATE_ROLE on PostgreSQL. */
  gateDb: Database;
  vaultDb: Database;
  release: () => void;
}

/**
 * The main database and the key vault: two PostgreSQL databases, or two embedded ones in the data folder. On
 * PostgreSQL the main database gets two pools, each taking its role on connect (general, gate) and the key vault
 * runs as the gate's role; `owner` opens one pool each without a role, for migrations. PGlite is single-user:
 * there the separation rests on the code checks in test/gate/boundary.test.ts alone.
 */
export async function openDatabases(
  config: Config,
  options: { owner?: boolean } = {},
): Promise<OpenedDatabases> {
  if (config.databaseUrl && config.keyVaultUrl) {
    const opened: Database[] = [];
    const open = async (url: string, applicationName: string, role?: string) => {
      const db = await openPostgres({
        url,
        maxConnections: config.databaseMaxConnections,
        applicationName,
        ...(options.owner ? {} : { role }),
      });
      opened.push(db);
      return db;
    };
    try {
      const db = await open(config.databaseUrl, 'haven', GENERAL_ROLE);
      const gateDb = options.owner ? db : await open(config.databaseUrl, 'haven-gate', GATE_ROLE);
      const vaultDb = await open(config.keyVaultUrl, 'haven-keyvault', GATE_ROLE);
      return { db, gateDb, vaultDb, release: () => {} };
    } catch (error) {
      for (const db of opened) await db.close();
      throw error;
    }
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite({ dataDir: path.join(config.dataDir, 'db') });
    const vaultDb = await openPglite({ dataDir: path.join(config.dataDir, 'keyvault') });
    return { db, gateDb: db, vaultDb, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** Migrations (and, on PostgreSQL, the role grants) as the database owner, before the role pools open. */
async function migrateDatabases(
  opened: OpenedDatabases,
): Promise<{ applied: number[]; vaultApplied: number[] }> {
  const applied = await migrate(opened.db);
  const vaultApplied = await migrate(opened.vaultDb, bundledMigrations(VAULT_MIGRATIONS_DIR), {
    jobQueue: false,
  });
  return { applied, vaultApplied };
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

/** What a backup dumps: PGlite's own handles, or the servers' owner URLs for pg_dump. */
function backupSources(config: Config, opened: OpenedDatabases): { main: BackupSource; vault: BackupSource } {
  const source = (db: Database, url: string | undefined): BackupSource => {
    if ('pglite' in db) return { kind: 'pglite', db: db as Extract<BackupSource, { kind: 'pglite' }>['db'] };
    return { kind: 'postgres', url: url ?? '' };
  };
  return { main: source(opened.db, config.databaseUrl), vault: source(opened.vaultDb, config.keyVaultUrl) };
}

export const SHIPPED_DICTIONARY = new URL('../dictionaries/refugee-registration.yaml', import.meta.url);

/** The dictionary's text and file name, as configured. */
export function dictionarySource(config: Config): DictionarySource {
  const file = config.dictionaryFile ? path.resolve(config.dictionaryFile) : SHIPPED_DICTIONARY;
  try {
    return {
      text: readFileSync(file, 'utf8'),
      name: path.basename(typeof file === 'string' ? file : file.pathname),
    };
  } catch {
    throw new ConfigError('HAVEN_DICTIONARY_FILE', `cannot read ${file}`);
  }
}

export function loadDictionary(config: Config, source = dictionarySource(config)): Dictionary {
  try {
    return parseDictionary(source.text, source.name);
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
  const given = options.database && options.vaultDatabase;
  const onServer = !given && Boolean(config.databaseUrl);
  let migrated: { applied: number[]; vaultApplied: number[] } | undefined;
  if (options.migrate && onServer) {
    // The role pools cannot create tables (nor the roles they take): migrate as the owner, then open them.
    const owner = await openDatabases(config, { owner: true });
    try {
      migrated = await migrateDatabases(owner);
    } finally {
      await owner.db.close();
      await owner.vaultDb.close();
    }
  }
  const opened: OpenedDatabases = given
    ? {
        db: options.database!,
        gateDb: options.gateDatabase ?? options.database!,
        vaultDb: options.vaultDatabase!,
        release: () => {},
      }
    : await openDatabases(config).catch(async (error) => {
        await keyRing.close();
        throw error;
      });
  const vault = new KeyVault(opened.vaultDb, keyRing, {
    cacheSize: config.dekCacheSize,
    cacheSeconds: config.dekCacheSeconds,
  });
  const sessions = new SessionCache(config.sessionCacheSeconds);
  const refusals = new RefusalLedger(opened.db, {
    windowSeconds: config.auditRefusalWindowSeconds,
    onError: (error) => logger.error({ err: error }, 'counted refusals could not be written to the ledger'),
  });
  let gate: GateContext | undefined;
  const jobs = new JobQueue(opened.db, {
    logger,
    workers: options.jobWorkers ? config.jobWorkers : 0,
  });
  const closeAll = async () => {
    // Running jobs get a few seconds to finish; any still running then run again later (docs/jobs.md).
    await jobs.stop();
    await monitor?.stop();
    // A policy impact being computed stops after its slice; it is computed again when next asked for.
    await policyImpacts?.close();
    // Registrations already accepted are written before the databases close.
    await gate?.registrations.close();
    // Counted refusals go to the ledger before the database closes, so a flood is never lost silently (AUD-1).
    await refusals.close().catch((error) => logger.error({ err: error }, 'counted refusals were lost'));
    await sessions.close();
    vault.cache.clear();
    await opened.db.close();
    if (opened.gateDb !== opened.db) await opened.gateDb.close();
    await opened.vaultDb.close();
    await keyRing.close();
    opened.release();
  };
  const clock = { now: () => new Date() };
  let policyImpacts: PolicyImpacts | undefined;
  // A change is fanned out to partners and its deliveries queued in the change's own transaction (decision 0013).
  const noticeHooks: NoticeHooks = {
    ackHours: config.noticeAckHours,
    deliver: (tx, ids) => enqueueDeliveries(jobs, tx, ids),
  };
  let gateOperations: Gate | undefined;
  let pushes: Pushes | undefined;
  let monitor: Monitor | undefined;
  let reviews: AccessReviews | undefined;

  let backups: Backups | undefined;
  const concernKeysOf = concernKeys(keyRing.secret('concerns'));
  let dictionary: Dictionary;
  let notices: Notices;
  let policies: PolicyEngine;
  try {
    if (options.migrate) {
      const { applied, vaultApplied } = migrated ?? (await migrateDatabases(opened));
      if (applied.length + vaultApplied.length > 0) {
        logger.info({ applied, vaultApplied }, 'database migrations applied');
      }
    }
    await vault.open();
    await sessions.listen(opened.db);
    const source = dictionarySource(config);
    dictionary = loadDictionary(config, source);
    notices = loadNotices(config, dictionary);
    await syncPurposes(opened.db, dictionary);
    policies = await activeEngine(opened.db);
    policyImpacts = new PolicyImpacts(opened.db, source);
    gate = {
      db: opened.gateDb,
      vault,
      dictionary,
      notices,
      index: new BlindIndex(keyRing.secret('blind-index')),
      policies: () => policies,
      purposes: new PurposeRegister(opened.gateDb, dictionary),
      events: new EventBatcher(opened.gateDb),
      registrations: registrationWriter(opened.gateDb, vault, {
        maxBatch: config.writeBatchMax,
        waitMs: config.writeBatchWaitMs,
        concurrency: config.writeBatchConcurrency,
      }),
      importSecret: Buffer.from(
        hkdfSync('sha256', keyRing.secret('blind-index'), Buffer.alloc(0), 'haven/import-keys/v1', 32),
      ),
      cardSecret: Buffer.from(
        hkdfSync('sha256', keyRing.secret('accounts'), Buffer.alloc(0), 'haven/person-cards/v1', 32),
      ),
      pseudonymSecret: Buffer.from(
        hkdfSync('sha256', keyRing.secret('blind-index'), Buffer.alloc(0), 'haven/partner-pseudonyms/v1', 32),
      ),
      releaseSigner: await releaseSigner(keyRing.secret('ledger-signing')),
      partnerNotices: noticeHooks,

      now: () => clock.now(),
    };
    const finished = await completeUnfinishedErasures(gate);
    if (finished > 0) logger.warn({ finished }, 'completed erasures interrupted by a crash');
    // Keys of registrations a crash cut off between the vault and the data (group commit): of no use to anyone.
    const swept = await sweepUnusedKeys(gate.db, vault, 24);
    if (swept > 0) logger.warn({ swept }, 'removed data keys of registrations a crash interrupted');
    gateOperations = gateService(gate);
    pushes = new Pushes({
      db: opened.db,
      notices: gateOperations.partnerNotices,
      hooks: noticeHooks,
      sealingKey: Buffer.from(
        hkdfSync('sha256', keyRing.secret('pseudonyms'), Buffer.alloc(0), 'haven/webhook-secrets/v1', 32),
      ),
      origin: config.origin,
      logger,
      now: () => clock.now(),
    });
    pushes.define(jobs);
    backups = backupService({
      dir: config.backupDir ? path.resolve(config.backupDir) : path.join(config.dataDir, 'backups'),
      recipient: config.backupRecipient,
      keepDays: config.backupKeepDays,
      vaultKeepDays: config.backupVaultKeepDays,
      havenVersion: HAVEN_VERSION,
      ...(options.backupSources ?? backupSources(config, opened)),
      db: opened.db,
      ledger: ledgerIdentity(config.ledgerName, keyRing),
      // A restored key vault, opened with this key ring; no cache, so a destroyed key is gone at once.
      openVault: async (db) => {
        const restored = new KeyVault(db, keyRing, { cacheSize: 0, cacheSeconds: 1 });
        await restored.open();
        return restored;
      },
      now: () => clock.now(),
    });
    // RES-1: scheduled backups through the queue, one per occurrence across all servers.
    jobs.define(
      'backup-create',
      async () => {
        await backups!.create();
      },
      { retryLimit: 2, retryDelaySeconds: 300 },
    );
    if (config.backupRecipient && config.backupSchedule !== 'off')
      jobs.schedule('backup-create', config.backupSchedule);
    // RET-2: the retention sweep, on its schedule and when the DPO asks.
    defineRetentionSweep(jobs, gateOperations, { schedule: config.retentionSchedule, logger });
    // ACC-7: grants lapse by their review date and dormant accounts are disabled, on a schedule.
    reviews = accessReviews({
      db: opened.db,
      gate: gateOperations.accessReviews,
      clock,
      reviewDays: config.reviewDays,
      dormantDays: config.dormantDays,
    });
    defineAccessReviewJob(jobs, {
      db: opened.db,
      gate: gateOperations.accessReviews,
      clock,
      reviewDays: config.reviewDays,
      dormantDays: config.dormantDays,
      schedule: config.reviewSchedule,
      logger,
    });
    // AUD-6: the monitor follows the ledger; its baselines are recomputed daily.
    monitor = new Monitor({ db: opened.db, explain: gateOperations.explainAccesses, logger });
    // Its first start on this database begins at the ledger's head: an upgrade's history is not judged.
    await monitor.begin();
    defineBaselineJob(jobs, opened.db, {
      schedule: config.monitoringSchedule,
      logger,
      now: () => clock.now(),
    });
    // Last: capabilities define their jobs above, and a worker may run one as soon as this returns.
    await jobs.start();
  } catch (error) {
    await closeAll();
    throw error;
  }
  const haven: Haven = {
    config,
    db: opened.db,
    identity: identityContext(config, keyRing, refusals),
    refusals,
    sessions,
    ledger: ledgerIdentity(config.ledgerName, keyRing),
    checkpoints: checkpointPublisher(publishTarget(config.checkpointPublish, config.dataDir)),
    dictionary,
    notices,
    gate: gateOperations!,
    keys: {
      rotate: (onProgress) => vault.rotate(onProgress),
      status: async () => ({
        protection: keyRing.protection,
        keks: keyRing.kekVersions(),
        currentKek: keyRing.currentKekVersion(),
        vaultKeys: await vault.dataKeysPerVaultKey(),
      }),
    },
    migrationStatus: async () => ({
      main: await migrationStatus(opened.db),
      vault: await migrationStatus(opened.vaultDb, bundledMigrations(VAULT_MIGRATIONS_DIR)),
    }),
    setPolicies(engine) {
      policies = engine;
    },
    policyImpacts: policyImpacts!,
    clock,
    jobs,
    monitor: monitor!,

    pushes: pushes!,
    backups: backups!,
    reviews: reviews!,
    releaseKey: gate.releaseSigner.publicJwk as Record<string, string>,
    incidents: { keys: incidentKeys(keyRing.secret('incidents')) },
    concerns: {
      keys: concernKeysOf,
      throttle: new ConcernThrottle(concernKeysOf, { difficulty: 14, perMinute: 30 }),
    },
    logger,
    close: closeAll,
  };
  internals.set(haven, { gateContext: gate, vault, keyRing });
  return haven;
}
