import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HavenError } from '../domain/errors.ts';
import type { GateContext } from '../gate/context.ts';
import {
  erasedCopies,
  keysPresent,
  personsThatOpen,
  reapplyErasures,
  sealedCopies,
  unerasedSample,
} from '../gate/restore-check.ts';
import { type LedgerIdentity, latestCheckpoint, signCheckpoint } from '../ledger/checkpoints.ts';
import { type AuditActor, recordAuditEvents } from '../ledger/events.ts';
import { exportEntries } from '../ledger/export.ts';
import { treeHead } from '../ledger/tree-store.ts';
import { verifyExport } from '../ledger/verify-export.ts';
import type { Database, Sql } from '../store/database.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from '../store/migrate.ts';
import { openPostgres } from '../store/postgres.ts';
import {
  type BackupSource,
  dumpDatabase,
  loadDatabase,
  postgresIsEmpty,
  type RestoreTarget,
  tableCounts,
} from './dump.ts';
import { type Erasure, erasuresInLedger, mergeErasures } from './erasures.ts';
import {
  type BackupFile,
  backupName,
  listBackups,
  pruneBackups,
  removeLeftovers,
  writeAtomically,
} from './files.ts';
import {
  type BackupKind,
  type BackupManifest,
  checkRecipient,
  type OpenedBackup,
  openBackup,
  packBackup,
  sealBackup,
} from './format.ts';

/**
 * Backups, restore and the restore drill (RES-1, ENC-4; docs/operations.md). The main database and the key vault
 * are backed up to separate files; a restore re-applies every erasure the ledgers know before the restored copy
 * is handed over, and the drill proves on a scratch copy that no erased person decrypts.
 */

type Vault = GateContext['vault'];
export type Progress = (step: string, done: number, total: number) => void;

export interface BackupDeps {
  dir: string;
  recipient: string | undefined;
  keepDays: number;
  vaultKeepDays: number;
  havenVersion: string;
  main: BackupSource;
  vault: BackupSource;
  /** The live general pool: its ledger (erasures, checkpoints) and where the drill's result is recorded. */
  db: Database;
  ledger: LedgerIdentity;
  /** The composition root opens a restored key vault with the key ring (the key ring never leaves it). */
  openVault(db: Database): Promise<Vault>;
  now(): Date;
}

export interface CreatedBackup {
  main: BackupFile;
  vault: BackupFile;
  removed: string[];
  leftovers: number;
}

async function writeBackup(
  deps: BackupDeps,
  kind: BackupKind,
  createdAt: Date,
  progress: Progress,
): Promise<BackupFile> {
  const source = kind === 'main' ? deps.main : deps.vault;
  progress(`Dumping the ${kind === 'main' ? 'main database' : 'key vault'}`, 0, 3);
  const dumped = await dumpDatabase(source);
  let ledger: BackupManifest['ledger'];
  if (kind === 'main') {
    const checkpoint = await latestCheckpoint(deps.db);
    ledger = {
      size: (await treeHead(deps.db)).size,
      ...(checkpoint ? { checkpoint: { size: checkpoint.size, note: checkpoint.note } } : {}),
    };
  }
  progress(`Encrypting the ${kind === 'main' ? 'main database' : 'key vault'}`, 1, 3);
  const { plaintext } = packBackup(
    {
      kind,
      database: source.kind,
      havenVersion: deps.havenVersion,
      migration: dumped.migration,
      createdAt: createdAt.toISOString(),
      ...(ledger ? { ledger } : {}),
      counts: dumped.counts,
    },
    [{ name: kind === 'main' ? 'database' : 'keyvault', data: dumped.data }],
  );
  const sealed = await sealBackup(plaintext, deps.recipient!);
  progress(`Writing the ${kind === 'main' ? 'main database' : 'key vault'}`, 2, 3);
  const file = path.join(deps.dir, backupName(kind, createdAt));
  writeAtomically(file, sealed);
  progress(`Writing the ${kind === 'main' ? 'main database' : 'key vault'}`, 3, 3);
  return listBackups(deps.dir).find((f) => f.path === file)!;
}

/** `haven backup create` and the scheduled job: a checkpoint, then the main database, then the key vault. */
export async function createBackup(deps: BackupDeps, progress: Progress = () => {}): Promise<CreatedBackup> {
  checkRecipient(deps.recipient);
  mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
  const leftovers = removeLeftovers(deps.dir);
  // A checkpoint now, so the ledger in the backup is covered by a signature the drill can check (AUD-3).
  await signCheckpoint(deps.db, deps.ledger);
  const createdAt = deps.now();
  const main = await writeBackup(deps, 'main', createdAt, progress);
  // The vault after the main database: it is at least as new, so it holds a key for everyone in the main copy.
  const vault = await writeBackup(deps, 'vault', createdAt, progress);
  const removed = pruneBackups(
    deps.dir,
    { keepDays: deps.keepDays, vaultKeepDays: deps.vaultKeepDays },
    deps.now(),
  );
  return { main, vault, removed: removed.map((f) => f.name), leftovers };
}

export async function readBackup(file: string, identity: string): Promise<OpenedBackup> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new HavenError('backup-not-found', `Cannot read ${file}.`, { status: 404 });
  }
  return openBackup(bytes, identity);
}

/** The newest backup of a kind, or a clear refusal. */
export function latestBackup(dir: string, kind: BackupKind): BackupFile {
  const found = listBackups(dir).find((f) => f.kind === kind);
  if (!found) {
    throw new HavenError(
      'backup-none',
      kind === 'vault'
        ? `No key-vault backup in ${dir} (they expire after HAVEN_BACKUP_VAULT_KEEP_DAYS): without one the data cannot be decrypted.`
        : `No backup in ${dir}; run \`haven backup create\`.`,
      { status: 404 },
    );
  }
  return found;
}

export interface RestoreTargets {
  main: RestoreTarget;
  vault: RestoreTarget;
}

/** PGlite: HAVEN_DATA_DIR's layout in a new folder. Refused if the folder is in use or holds anything. */
export function folderTargets(
  dir: string,
  options: { forceNewFolder?: boolean; now?: Date } = {},
): {
  dir: string;
  targets: RestoreTargets;
} {
  let chosen = path.resolve(dir);
  const used = existsSync(chosen) && readdirSync(chosen).length > 0;
  if (used) {
    if (!options.forceNewFolder) {
      const running = existsSync(path.join(chosen, 'haven.lock'));
      throw new HavenError(
        running ? 'restore-target-in-use' : 'restore-target-not-empty',
        `${chosen} ${running ? 'belongs to a running Haven' : 'is not empty'}: a restore never overwrites. Give a new folder, or --force-new-folder to restore next to it into a new one.`,
        { status: 409 },
      );
    }
    const stamp = (options.now ?? new Date()).toISOString().replace(/[-:.]/g, '');
    chosen = `${chosen}-restored-${stamp}`;
    if (existsSync(chosen))
      throw new HavenError('restore-target-not-empty', `${chosen} exists.`, { status: 409 });
  }
  return {
    dir: chosen,
    targets: {
      main: { kind: 'pglite', dataDir: path.join(chosen, 'db') },
      vault: { kind: 'pglite', dataDir: path.join(chosen, 'keyvault') },
    },
  };
}

export async function checkTargets(targets: RestoreTargets, live: string[]): Promise<void> {
  for (const target of [targets.main, targets.vault]) {
    if (target.kind !== 'postgres') continue;
    if (live.includes(target.url)) {
      throw new HavenError(
        'restore-target-in-use',
        'A restore never goes into the running system’s databases: create new, empty ones.',
        {
          status: 409,
        },
      );
    }
    if (!(await postgresIsEmpty(target.url))) {
      throw new HavenError(
        'restore-target-not-empty',
        'The target database is not empty: a restore never overwrites. Create a new, empty database.',
        {
          status: 409,
        },
      );
    }
  }
}

interface Loaded {
  main: Database;
  vault: Database;
  counts: { ok: boolean; differences: { table: string; expected: number; found: number }[] };
}

async function loadBoth(
  mainBackup: OpenedBackup,
  vaultBackup: OpenedBackup,
  targets: RestoreTargets,
  progress: Progress,
): Promise<Loaded> {
  if (mainBackup.manifest.kind !== 'main' || vaultBackup.manifest.kind !== 'vault') {
    throw new HavenError('backup-kind-wrong', 'Give a main-database backup and a key-vault backup.', {
      status: 422,
    });
  }
  progress('Restoring the main database', 0, 2);
  const main = await loadDatabase(targets.main, mainBackup.parts.get('database')!);
  let vault: Database;
  try {
    progress('Restoring the key vault', 1, 2);
    vault = await loadDatabase(targets.vault, vaultBackup.parts.get('keyvault')!);
  } catch (error) {
    await main.close();
    throw error;
  }
  progress('Restoring the key vault', 2, 2);
  // The counts of the snapshot backed up, compared before anything (migrations, erasures) changes the copy.
  const found = (await tableCounts(main)).counts;
  const differences = Object.entries(mainBackup.manifest.counts)
    .filter(([table, n]) => found[table] !== n)
    .map(([table, expected]) => ({ table, expected, found: found[table] ?? 0 }));
  // The copy is brought to this build's schema (and, on a server, the pool roles get their grants again).
  await migrate(main);
  await migrate(vault, bundledMigrations(VAULT_MIGRATIONS_DIR), { jobQueue: false });
  return { main, vault, counts: { ok: differences.length === 0, differences } };
}

export interface RestoreReport {
  main: string;
  vault: string;
  backupCreatedAt: string;
  vaultCreatedAt: string;
  erasuresReapplied: number;
  keysDestroyed: number;
  counts: Loaded['counts'];
}

/**
 * `haven backup restore`: both files are decrypted and checked whole before anything is written; the targets
 * must be new; the erasures of the live ledger, the restored ledger and any list the operator brings are
 * re-applied to the restored copy before this returns — nothing serves from it before.
 */
export async function restoreBackup(
  deps: Pick<BackupDeps, 'openVault'>,
  input: {
    mainFile: string;
    vaultFile: string;
    identity: string;
    targets: RestoreTargets;
    erasures: Erasure[];
  },
  progress: Progress = () => {},
): Promise<RestoreReport> {
  const mainBackup = await readBackup(input.mainFile, input.identity);
  const vaultBackup = await readBackup(input.vaultFile, input.identity);
  const loaded = await loadBoth(mainBackup, vaultBackup, input.targets, progress);
  try {
    const erased = mergeErasures(input.erasures, await erasuresInLedger(loaded.main));
    const vault = await deps.openVault(loaded.vault);
    progress('Re-applying erasures', 0, erased.length);
    const { keysDestroyed } = await reapplyErasures(loaded.main, vault, erased, (n) =>
      progress('Re-applying erasures', n, erased.length),
    );
    return {
      main: path.basename(input.mainFile),
      vault: path.basename(input.vaultFile),
      backupCreatedAt: mainBackup.manifest.createdAt,
      vaultCreatedAt: vaultBackup.manifest.createdAt,
      erasuresReapplied: erased.length,
      keysDestroyed,
      counts: loaded.counts,
    };
  } finally {
    await loaded.main.close();
    await loaded.vault.close();
  }
}

export interface DrillReport {
  pass: boolean;
  at: string;
  backup: string;
  vaultBackup: string;
  backupCreatedAt: string;
  ledger: { ok: boolean; treeSize: number; checked: number; checkpoints: number; problem?: string };
  counts: Loaded['counts'];
  erased: {
    /** Persons the live and restored ledgers record as erased. */
    total: number;
    /** Of them, erased after the backup was made. */
    since: number;
    /** Of them, with sealed data in the backup (what a thief of that backup holds). */
    inBackup: number;
    /** Of them, whose key the raw key-vault backup still held (removed by the restore). */
    keysInVaultBackup: number;
    /** Of them, whose data still decrypts after the restore: must be 0. */
    decrypted: number;
  };
  control: { tried: number; opened: number };
  digest: string;
}

async function checkpointNotes(sql: Sql, upTo: number): Promise<string[]> {
  const { rows } = await sql.query<{ note: string }>(
    'select note from ledger_checkpoint where size <= $1 order by size',
    [upTo],
  );
  return rows.map((r) => r.note);
}

async function scratchTargets(
  deps: BackupDeps,
): Promise<{ targets: RestoreTargets; cleanup: () => Promise<void> }> {
  if (deps.main.kind === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-drill-'));
    return {
      targets: folderTargets(path.join(dir, 'restored')).targets,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // Two scratch databases on the live server, dropped after.
  const url = deps.main.url;
  const names = ['main', 'vault'].map((k) => `haven_drill_${k}_${randomBytes(5).toString('hex')}`);
  const admin = await openPostgres({ url, maxConnections: 1, applicationName: 'haven-drill' });
  try {
    for (const name of names) await admin.query(`create database ${name}`);
  } finally {
    await admin.close();
  }
  const at = (name: string) => {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    targets: {
      main: { kind: 'postgres', url: at(names[0]!) },
      vault: { kind: 'postgres', url: at(names[1]!) },
    },
    cleanup: async () => {
      const a = await openPostgres({ url, maxConnections: 1, applicationName: 'haven-drill' });
      try {
        for (const name of names) await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.close();
      }
    },
  };
}

/**
 * `haven backup drill` (RES-1): restores the newest backups into a scratch place, checks the restored ledger
 * against the signed checkpoints (its own and the live ones), compares row counts with the manifest, re-applies
 * erasures as a restore does, then tries to decrypt every erased person's sealed data from the backup. It
 * passes only if none decrypts, the ledger and counts hold, and a control sample of others still decrypts. The
 * result is a `backup.drill` ledger event; nothing of the scratch copy is kept.
 */
export async function drill(
  deps: BackupDeps,
  input: { identity: string; actor: AuditActor; erasures?: Erasure[] },
  progress: Progress = () => {},
): Promise<DrillReport> {
  const mainFile = latestBackup(deps.dir, 'main');
  const vaultFile = latestBackup(deps.dir, 'vault');
  const mainBackup = await readBackup(mainFile.path, input.identity);
  const vaultBackup = await readBackup(vaultFile.path, input.identity);
  const scratch = await scratchTargets(deps);
  let report: Omit<DrillReport, 'pass' | 'digest'>;
  try {
    const loaded = await loadBoth(mainBackup, vaultBackup, scratch.targets, progress);
    try {
      progress('Verifying the restored ledger', 0, 1);
      const head = await treeHead(loaded.main);
      const notes = [
        ...new Set([
          ...(await checkpointNotes(loaded.main, head.size)),
          ...(await checkpointNotes(deps.db, head.size)),
        ]),
      ];
      const verified =
        notes.length === 0
          ? {
              ok: false,
              checked: 0,
              problem: { code: 'checkpoint-missing', message: 'no signed checkpoint covers it' },
            }
          : await verifyExport(exportEntries(loaded.main, 0, head.size), notes, deps.ledger.verifierKey);
      progress('Verifying the restored ledger', 1, 1);
      const live = await erasuresInLedger(deps.db);
      const erasures = mergeErasures(live, await erasuresInLedger(loaded.main), input.erasures ?? []);
      const ids = erasures.map((e) => e.personId);
      const whole = new Set(erasures.filter((e) => !e.groups).map((e) => e.personId));
      const createdAt = mainBackup.manifest.createdAt;
      const since = erasures.filter((e) => e.time === '' || e.time > createdAt).length;
      // What a thief of the main backup holds of them, taken before the restore erases it again: whole persons'
      // groups, and the erased groups of persons otherwise kept.
      const copies = await erasedCopies(loaded.main, erasures);
      const vault = await deps.openVault(loaded.vault);
      const keysInVaultBackup = await keysPresent(vault, erasures);
      const control = await unerasedSample(loaded.main, 20);
      const controlFiltered = control.filter((id) => !whole.has(id));
      await reapplyErasures(loaded.main, vault, erasures, (n) =>
        progress('Re-applying erasures', n, ids.length),
      );
      progress('Trying to decrypt the erased', 0, ids.length);
      const decrypted = await personsThatOpen(vault, copies);
      progress('Trying to decrypt the erased', ids.length, ids.length);
      const opened = await personsThatOpen(vault, await sealedCopies(loaded.main, controlFiltered));
      report = {
        at: deps.now().toISOString(),
        backup: mainFile.name,
        vaultBackup: vaultFile.name,
        backupCreatedAt: createdAt,
        ledger: {
          ok: verified.ok,
          treeSize: head.size,
          checked: verified.checked,
          checkpoints: notes.length,
          ...(verified.problem ? { problem: `${verified.problem.code}: ${verified.problem.message}` } : {}),
        },
        counts: loaded.counts,
        erased: {
          total: ids.length,
          since,
          inBackup: new Set(copies.map((c) => c.personId)).size,
          keysInVaultBackup,
          decrypted: decrypted.size,
        },
        control: { tried: controlFiltered.length, opened: opened.size },
      };
    } finally {
      await loaded.main.close();
      await loaded.vault.close();
    }
  } finally {
    await scratch.cleanup();
  }
  const pass =
    report.ledger.ok &&
    report.counts.ok &&
    report.erased.decrypted === 0 &&
    report.control.opened === report.control.tried;
  const digest = createHash('sha256')
    .update(JSON.stringify({ pass, ...report }))
    .digest('hex');
  // RES-1: the drill's outcome is itself on the ledger; the digest lets the printed report be proven later.
  await deps.db.transaction(async (tx) => {
    await recordAuditEvents(tx, [
      {
        actor: input.actor,
        action: 'backup.drill',
        decision: 'allow',
        reason: pass ? 'pass' : 'fail',
        digest,
      },
    ]);
    // For the DPO's page (RES-1), without scanning the ledger.
    await tx.query(
      `insert into backup_drill (id, at, pass, digest, main_backup, erased_checked) values ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), report.at, pass, digest, report.backup, report.erased.total],
    );
  });
  return { pass, ...report, digest };
}

/** What Haven offers the `haven backup` commands and the scheduled job; the key ring stays in the composition root. */
export interface Backups {
  readonly dir: string;
  list(): BackupFile[];
  create(progress?: Progress): Promise<CreatedBackup>;
  verify(file: string, identity: string): Promise<BackupManifest>;
  /** Re-applies the live ledger's erasures too, and any the operator brings (`--erasures`). */
  restore(
    input: {
      mainFile: string;
      vaultFile: string;
      identity: string;
      targets: RestoreTargets;
      erasures?: Erasure[];
    },
    progress?: Progress,
  ): Promise<RestoreReport & { liveErasures: number }>;
  drill(
    input: { identity: string; actor: AuditActor; erasures?: Erasure[] },
    progress?: Progress,
  ): Promise<DrillReport>;
  /** The live databases' addresses a restore must never target. */
  live: string[];
}

export function backupService(deps: BackupDeps): Backups {
  const live = [deps.main, deps.vault].flatMap((s) => (s.kind === 'postgres' ? [s.url] : []));
  return {
    dir: deps.dir,
    live,
    list: () => listBackups(deps.dir),
    create: (progress) => createBackup(deps, progress),
    verify: async (file, identity) => (await readBackup(file, identity)).manifest,
    async restore(input, progress) {
      await checkTargets(input.targets, live);
      const fromLive = await erasuresInLedger(deps.db);
      const report = await restoreBackup(
        deps,
        { ...input, erasures: mergeErasures(fromLive, input.erasures ?? []) },
        progress,
      );
      return { ...report, liveErasures: fromLive.length };
    },
    drill: (input, progress) => drill(deps, input, progress),
  };
}
