import { loadConfig } from '../../config/config.ts';
import { openHaven } from '../../haven.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

/** `haven keys rotate`: a new KEK, and every person's data key re-wrapped under it (ENC-2). Resumable. */
export async function rotateKeys(options: { json?: boolean }): Promise<void> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  const bar = progressBar('Re-wrapping data keys');
  let started = false;
  try {
    const result = await haven.vault.rotate((p) => {
      if (!started) {
        started = true;
        if (p.resumed) process.stderr.write('Resuming an interrupted rotation.\n');
        bar.start(p.total);
      }
      bar.update(p.done);
    });
    bar.stop();
    const summary = {
      kekVersion: result.kekVersion,
      vaultKeyVersion: result.vaultKeyVersion,
      rewrapped: result.done,
      resumed: result.resumed,
      keks: haven.keyRing.kekVersions(),
    };
    if (options.json) printJson(summary);
    else {
      process.stdout.write(
        `Rotated to KEK version ${summary.kekVersion}: ${summary.rewrapped} data keys re-wrapped; encrypted data untouched.\n`,
      );
    }
  } finally {
    bar.stop();
    await haven.close();
  }
}

export async function keyStatus(options: { json?: boolean }): Promise<void> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    const { rows } = await haven.vault.db.query<{ version: number; kek_version: number; n: number }>(
      `select v.version, v.kek_version, count(p.person_id)::int as n
         from vault_key v left join person_key p on p.vault_key_version = v.version group by 1, 2 order by 1`,
    );
    const status = {
      protection: haven.keyRing.protection,
      keyFile: haven.config.keyFilePath,
      keks: haven.keyRing.kekVersions(),
      currentKek: haven.keyRing.currentKekVersion(),
      vaultKeys: rows.map((r) => ({ version: r.version, kekVersion: r.kek_version, dataKeys: r.n })),
    };
    if (options.json) printJson(status);
    else {
      process.stdout.write(
        `Key file ${status.keyFile} (protection: ${status.protection}); KEK versions ${status.keks.join(', ')} (current ${status.currentKek}).\n`,
      );
      for (const v of status.vaultKeys) {
        process.stdout.write(
          `  vault key ${v.version} under KEK ${v.kekVersion}: ${v.dataKeys} person data keys\n`,
        );
      }
    }
  } finally {
    await haven.close();
  }
}
