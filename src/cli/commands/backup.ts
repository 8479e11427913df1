import { readFileSync } from 'node:fs';
import { erasuresInFile } from '../../backups/erasures.ts';
import { newBackupKey } from '../../backups/format.ts';
import type { Progress as StepProgress } from '../../backups/service.ts';
import { folderTargets, latestBackup, type RestoreTargets } from '../../backups/service.ts';
import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { type Haven, openHaven } from '../../haven.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';
import { type Progress, progressBar } from '../progress.ts';

async function withHaven<T>(work: (haven: Haven) => Promise<T>): Promise<T> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    return await work(haven);
  } finally {
    await haven.close();
  }
}

/** One progress bar per step of long work (RES-1), on standard error. */
function steps(): StepProgress & { stop(): void } {
  let label = '';
  let bar: Progress | undefined;
  const update = (step: string, done: number, total: number) => {
    if (step !== label) {
      bar?.stop();
      label = step;
      bar = progressBar(step);
      bar.start(total);
    }
    bar!.update(done);
  };
  return Object.assign(update, { stop: () => bar?.stop() });
}

/** The identity comes from a file or standard input (`-`), never from the server's settings. */
function identityFrom(source: string): string {
  try {
    return readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch {
    throw new HavenError('backup-identity-missing', `Cannot read the backup identity from ${source}.`, {
      status: 400,
    });
  }
}

export async function backupKeygen(options: { json?: boolean }): Promise<void> {
  const key = await newBackupKey();
  if (options.json) printJson(key);
  else
    process.stdout.write(
      `# Backup identity: keep it OFF this server (a password manager, a sealed envelope, an offline machine).\n${key.identity}\n# Put this on the server: HAVEN_BACKUP_RECIPIENT=${key.recipient}\n`,
    );
}

export async function backupCreate(options: { json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const progress = steps();
    const created = await haven.backups.create(progress);
    progress.stop();
    if (options.json) printJson(created);
    else
      process.stdout.write(
        `Backed up to ${created.main.path} (${created.main.bytes} bytes) and ${created.vault.path} (${created.vault.bytes} bytes).${created.removed.length ? ` Expired and removed: ${created.removed.join(', ')}.` : ''}\n`,
      );
  });
}

export async function backupList(options: { json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const files = haven.backups.list();
    if (options.json) printJson(files);
    else if (files.length === 0) process.stdout.write(`No backups in ${haven.backups.dir}.\n`);
    else
      for (const f of files)
        process.stdout.write(
          `${f.createdAt.toISOString()}  ${f.kind.padEnd(5)}  ${String(f.bytes).padStart(12)}  ${f.path}\n`,
        );
  });
}

export async function backupVerify(
  file: string,
  options: { identity: string; json?: boolean },
): Promise<void> {
  await withHaven(async (haven) => {
    const manifest = await haven.backups.verify(file, identityFrom(options.identity));
    if (options.json) printJson(manifest);
    else
      process.stdout.write(
        `OK: ${manifest.kind} backup of ${manifest.createdAt} (${manifest.database}, migration ${manifest.migration}), every part matches its SHA-256.\n`,
      );
  });
}

export async function backupRestore(
  file: string | undefined,
  options: {
    identity: string;
    vault?: string;
    into?: string;
    intoDatabaseUrl?: string;
    intoKeyvaultUrl?: string;
    forceNewFolder?: boolean;
    erasures?: string;
    json?: boolean;
  },
): Promise<void> {
  await withHaven(async (haven) => {
    let targets: RestoreTargets;
    let where: string;
    if (options.intoDatabaseUrl || options.intoKeyvaultUrl) {
      if (!options.intoDatabaseUrl || !options.intoKeyvaultUrl)
        throw new HavenError(
          'restore-target-missing',
          'Give both --into-database-url and --into-keyvault-url.',
          { status: 400 },
        );
      targets = {
        main: { kind: 'postgres', url: options.intoDatabaseUrl },
        vault: { kind: 'postgres', url: options.intoKeyvaultUrl },
      };
      where = 'the new databases';
    } else {
      if (!options.into)
        throw new HavenError('restore-target-missing', 'Give --into FOLDER (a new folder).', { status: 400 });
      const chosen = folderTargets(options.into, { forceNewFolder: options.forceNewFolder ?? false });
      targets = chosen.targets;
      where = chosen.dir;
    }
    const progress = steps();
    const report = await haven.backups.restore(
      {
        mainFile: file ?? latestBackup(haven.backups.dir, 'main').path,
        vaultFile: options.vault ?? latestBackup(haven.backups.dir, 'vault').path,
        identity: identityFrom(options.identity),
        targets,
        ...(options.erasures ? { erasures: erasuresInFile(options.erasures) } : {}),
      },
      progress,
    );
    progress.stop();
    if (options.json) printJson({ ...report, into: where });
    else
      process.stdout.write(
        `Restored ${report.main} + ${report.vault} into ${where}. Erasures re-applied: ${report.erasuresReapplied} (${report.keysDestroyed} keys the vault backup still held destroyed; ${report.liveErasures} from the live ledger). Counts ${report.counts.ok ? 'match' : `DIFFER: ${JSON.stringify(report.counts.differences)}`}.\n`,
      );
  });
}

export async function backupDrill(options: {
  identity: string;
  erasures?: string;
  json?: boolean;
}): Promise<void> {
  await withHaven(async (haven) => {
    const progress = steps();
    const report = await haven.backups.drill(
      {
        identity: identityFrom(options.identity),
        actor: { kind: 'cli' },
        ...(options.erasures ? { erasures: erasuresInFile(options.erasures) } : {}),
      },
      progress,
    );
    progress.stop();
    if (options.json) printJson(report);
    else {
      const e = report.erased;
      process.stdout.write(
        [
          `Restore drill ${report.pass ? 'PASSED' : 'FAILED'} on ${report.backup} + ${report.vaultBackup}`,
          `  ledger: ${report.ledger.ok ? 'OK' : 'FAILED'}, ${report.ledger.checked} of ${report.ledger.treeSize} entries checked against ${report.ledger.checkpoints} signed checkpoints${report.ledger.problem ? ` (${report.ledger.problem})` : ''}`,
          `  counts: ${report.counts.ok ? 'match the manifest' : `DIFFER ${JSON.stringify(report.counts.differences)}`}`,
          `  erased: ${e.total} (${e.since} since the backup; ${e.inBackup} with data in it; ${e.keysInVaultBackup} keys in the vault backup, destroyed by the restore); decrypted: ${e.decrypted}`,
          `  control: ${report.control.opened} of ${report.control.tried} others decrypt`,
          `  ledger event backup.drill, digest ${report.digest}`,
          '',
        ].join('\n'),
      );
    }
    process.exitCode = report.pass ? 0 : 1;
  });
}
