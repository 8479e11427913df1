import { printJson } from '../output.ts';
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
