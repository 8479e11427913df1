import type { Logger } from '../observability/logger.ts';
import type { Database } from '../store/database.ts';
import { type LedgerIdentity, latestCheckpoint, signCheckpoint } from './checkpoints.ts';
import type { CheckpointPublisher } from './publish.ts';
import { sequencePending, treeHead } from './tree-store.ts';

/**
 * The background work of the ledger in a Haven server: sequence pending events into the tree every few hundred
 * milliseconds, sign a checkpoint when the tree grew and the last one is older than the interval, and publish it
 * outside the instance (publish.ts). Several servers may run this at once: the database locks make it one
 * sequencer and one signer.
 */
export interface LedgerJobs {
  /** Runs one round now (tests, shutdown). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startLedgerJobs(
  db: Database,
  identity: LedgerIdentity,
  logger: Logger,
  options: { sequenceMs: number; checkpointSeconds: number; publisher?: CheckpointPublisher | undefined },
): LedgerJobs {
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastCheckpointCheck = 0;
  const round = async () => {
    try {
      while ((await sequencePending(db)) > 0 && !stopped) {}
      const now = Date.now();
      if (now - lastCheckpointCheck >= options.checkpointSeconds * 1000) {
        lastCheckpointCheck = now;
        const [head, last] = [await treeHead(db), await latestCheckpoint(db)];
        if (!last || head.size > last.size) {
          const signed = await signCheckpoint(db, identity);
          logger.info({ size: signed.size }, 'ledger checkpoint signed');
        }
        // Separately, so a checkpoint that could not go out is retried on the next round (AUD-4).
        const published = await options.publisher?.publishLatest(db).catch((error: unknown) => {
          logger.error({ err: error }, 'ledger checkpoint not published');
        });
        if (published !== undefined) logger.info({ size: published }, 'ledger checkpoint published');
      }
    } catch (error) {
      logger.error({ err: error }, 'ledger job failed');
    }
  };
  const tick = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.sequenceMs);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      // Leave nothing pending behind: the next process would sequence it anyway, but sooner is better.
      stopped = false;
      await round();
    },
  };
}
