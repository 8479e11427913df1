import { loadConfig } from '../../config/config.ts';
import { openHaven } from '../../haven.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';
import { type Progress, progressBar } from '../progress.ts';
import { asStaff } from './rights.ts';

/**
 * `haven retention preview --days 30`: what the retention rules make due within N days and what legal holds keep
 * (RET-1), through the gate as a named supervisor or DPO (`--as`), ledgered under that account. Counts per day
 * and category; `--json` adds every item (person ids, groups, rules), never a value.
 */
export async function retentionPreviewCommand(options: {
  as: string;
  days?: string;
  json?: boolean;
}): Promise<void> {
  const days = options.days === undefined ? 30 : Number(options.days);
  await asStaff(options.as, async (haven, request) => {
    const preview = await haven.gate.retentionPreview(request, { days });
    if (options.json) return printJson(preview);
    const { totals } = preview;
    const lines = [
      `From ${preview.today} to ${preview.until}: ${totals.items} items of ${totals.persons} persons fall due; ${totals.held} kept by a legal hold.`,
      ...preview.counts.map(
        (c) =>
          `${c.goesOn}  ${c.category.padEnd(14)} ${String(c.items).padStart(7)}${c.held ? `  (${c.held} held)` : ''}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/**
 * `haven retention sweep`: erases now what the rules make due today (RET-2), as the scheduled job does; finishes
 * first what an interrupted sweep left. Progress on standard error; figures (never names) on standard output.
 */
export async function retentionSweepCommand(options: { batch?: string; json?: boolean }): Promise<void> {
  const batchSize = options.batch === undefined ? undefined : Number(options.batch);
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  const bars = new Map<string, Progress>();
  const labels = {
    finishing: 'Finishing interrupted erasures',
    persons: 'Erasing persons past the person-wide rule',
    groups: 'Erasing field groups past their rule',
  };
  try {
    const outcome = await haven.gate.runRetentionSweep({
      trigger: 'command',
      actor: { kind: 'cli' },
      ...(batchSize === undefined ? {} : { batchSize }),
      onProgress: (p) => {
        if (p.phase === 'done' || p.total === null) return;
        let bar = bars.get(p.phase);
        if (!bar) {
          for (const other of bars.values()) other.stop();
          bar = progressBar(labels[p.phase]);
          bar.start(p.total);
          bars.set(p.phase, bar);
        }
        bar.update(p.done);
      },
    });
    for (const bar of bars.values()) bar.stop();
    if (options.json) return printJson(outcome);
    process.stdout.write(
      [
        `Sweep ${outcome.sweepId} for ${outcome.onDay}: ${outcome.personsErased} persons and ${outcome.groupsErased} field groups erased; ${outcome.held} due items kept by a legal hold or a restriction.`,
        ...(outcome.finished
          ? [`Finished ${outcome.finished} erasures an interrupted sweep had begun.`]
          : []),
        ...(outcome.notSeparated
          ? [
              `${outcome.notSeparated} field groups belonged to persons stored before key sets: deleted, but readable in older backups until the whole person is erased.`,
            ]
          : []),
        `Ledger event retention.sweep, digest ${outcome.digest}.`,
      ].join('\n') + '\n',
    );
  } finally {
    for (const bar of bars.values()) bar.stop();
    await haven.close();
  }
}
