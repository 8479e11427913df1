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
    const result = await haven.keys.rotate((p) => {
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
      keks: (await haven.keys.status()).keks,
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
    const keys = await haven.keys.status();
    const status = {
      protection: keys.protection,
      keyFile: haven.config.keyFilePath,
      keks: keys.keks,
      currentKek: keys.currentKek,
      vaultKeys: keys.vaultKeys,
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
