/**
 * `npm run bench`: runs the benchmarks of ../shared/design/performance.md, each against its same-run baseline,
 * and writes bench-results.json and bench-results.md. Options: --only B5,B3  --quick (CI: seconds, not minutes)
 * --ms N (sampling time per figure)  --records N  --seconds N (HTTP load per figure)  --persons N (B6 registry size,
 * default 10⁶)  --due-persons N (B8 sweep size, default 10⁶).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchRegister } from './b1-register.ts';
import { benchRead } from './b2-read.ts';
import { benchLedger } from './b3-ledger.ts';
import { benchPolicy } from './b4-policy.ts';
import { benchEncryption } from './b5-encryption.ts';
import { benchLookup } from './b6-lookup.ts';
import { benchRetention } from './b8-retention.ts';
import { type Figure, machine } from './harness.ts';
import { benchMonitoring } from './m1-monitoring.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    ms: { type: 'string' },
    records: { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
    seconds: { type: 'string' },
    persons: { type: 'string' },
    'due-persons': { type: 'string' },
  },
});
const quick = values.quick === true;
const ms = Number(values.ms ?? (quick ? 200 : 3000));
const only = new Set(
  (values.only ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.toUpperCase()),
);
const wanted = (id: string) => only.size === 0 || only.has(id);

const seconds = Number(values.seconds ?? (quick ? 2 : 20));
const suite: [string, () => Promise<Figure[]>][] = [
  // The micro-benchmarks first, before the HTTP loads leave a large heap behind them.
  ['B4', () => benchPolicy({ decisions: quick ? 5_000 : 200_000, rawDecisions: quick ? 200 : 2_000 })],
  ['B5', () => benchEncryption({ ms, records: Number(values.records ?? (quick ? 500 : 10_000)) })],
  ...(['postgres', 'pglite'] as const).flatMap((kind) => [
    [
      'B1',
      () => benchRegister({ people: quick ? 200 : 5_000, seconds, connections: quick ? 4 : 32, kind }),
    ] as [string, () => Promise<Figure[]>],
    ['B2', () => benchRead({ people: quick ? 50 : 2_000, seconds, connections: quick ? 4 : 32, kind })] as [
      string,
      () => Promise<Figure[]>,
    ],
  ]),
  [
    'B3',
    () =>
      benchLedger({
        kind: 'postgres',
        events: quick ? 2_000 : 200_000,
        batch: 1_000,
        proofLeaves: quick ? 5_000 : 1_000_000,
      }),
  ],
  // The embedded database too, where a small deployment keeps its ledger; the 10⁸ figures need no database.
  [
    'B3',
    async () =>
      (
        await benchLedger({
          kind: 'pglite',
          events: quick ? 2_000 : 50_000,
          batch: 1_000,
          proofLeaves: quick ? 5_000 : 100_000,
        })
      ).filter((f) => !f.figure.includes('10⁸')),
  ],
  ...(['postgres', 'pglite'] as const).map(
    (kind) =>
      [
        'B8',
        () =>
          benchRetention({
            kind,
            persons: Number(values['due-persons'] ?? (quick ? 2_000 : 1_000_000)),
            log: (line) => process.stderr.write(`${line}\n`),
          }),
      ] as [string, () => Promise<Figure[]>],
  ),
  [
    'M1',
    () =>
      benchMonitoring({
        kind: 'postgres',
        people: quick ? 50 : 2_000,
        seconds,
        connections: quick ? 4 : 32,
        // The quick run's evaluation is smaller (about 2 s instead of a minute), not different in kind: every
        // scenario is still injected and judged.
        staff: quick ? 30 : 200,
        days: quick ? 14 : 60,
        quick,
      }),
  ],
  [
    'B6',
    () =>
      benchLookup({
        persons: Number(values.persons ?? (quick ? 2_000 : 1_000_000)),
        probes: quick ? 20 : 500,
        seconds: quick ? 1 : 10,
        log: (line) => process.stderr.write(`${line}\n`),
      }),
  ],
];

const host = machine();
const figures: Figure[] = [];
const failed: string[] = [];

/** The table so far: written after each benchmark, so a long run that fails late keeps what it measured. */
function writeResults(): string {
  writeFileSync(
    `${values.out}.json`,
    `${JSON.stringify({ machine: host, quick, date: new Date().toISOString(), figures, failed }, null, 2)}\n`,
  );
  const rows = figures.map((f) =>
    [
      f.id,
      f.figure,
      `${f.value} ${f.unit}`,
      f.baseline ? `${f.baseline.value} ${f.baseline.unit} (${f.baseline.what})` : '—',
      f.ratio === undefined ? '—' : String(f.ratio),
      f.goal,
      f.met === undefined ? '—' : f.met ? 'met' : 'missed',
      f.dataSize,
      f.concurrency,
      f.database ?? '—',
    ].join(' | '),
  );
  const table = [
    `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}${quick ? ' (quick run: sizes too small to judge)' : ''}`,
    '',
    '| id | figure | value | baseline (same run) | ratio | goal | goal met | data size | concurrency | database |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    ...failed.map((f) => `\nFailed: ${f}`),
    '',
  ].join('\n');
  writeFileSync(`${values.out}.md`, table);
  return table;
}

for (const [id, run] of suite) {
  if (!wanted(id)) continue;
  process.stderr.write(`${id}…\n`);
  try {
    figures.push(...(await run()));
  } catch (error) {
    failed.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    process.stderr.write(`${id} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  writeResults();
}
process.stdout.write(`${writeResults()}\n`);
for (const f of figures) if (f.notes) process.stdout.write(`${f.id} ${f.figure}: ${f.notes}\n`);
if (failed.length > 0) process.exitCode = 1;
