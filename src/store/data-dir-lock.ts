import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config.ts';

/**
 * The embedded database is used by one process at a time. A lock file with the owner's pid keeps a second
 * `haven` (a CLI command while the server runs, say) from opening the same folder and corrupting it.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'haven.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new ConfigError(
          'HAVEN_DATA_DIR',
          `${dataDir} is in use by another Haven process (pid ${owner}); stop it first, or use a PostgreSQL server (HAVEN_DATABASE_URL) to run several`,
        );
      }
      unlinkSync(file); // stale lock from a process that is gone
    }
  }
  throw new ConfigError('HAVEN_DATA_DIR', `cannot lock ${dataDir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
