import { Detector } from '../src/monitoring/detector.ts';
import { evaluate } from '../src/monitoring/evaluate.ts';
import { SyntheticWorld } from '../src/monitoring/synthetic.ts';
import { DEFAULT_THRESHOLDS } from '../src/monitoring/thresholds.ts';
import { benchRegister } from './b1-register.ts';
import { benchRead } from './b2-read.ts';
import { type Figure, round } from './harness.ts';

/**
 * M1, monitor cost and detection (AUD-6). Not one of the design's B-numbers (B9 there is differential privacy,
 * a later capability), so its own letter. (1) What the rules cost per ledger entry, in process; (2) what the monitor
 * costs the write path — B1 registrations and B2 protected reads over HTTP with the monitor running against the same
 * load without it, in the same run; (3) detection rate and false alerts per 1,000 staff-days on synthetic traffic
 * (the figures of `haven monitoring evaluate`).
 */
export async function benchMonitoring(options: {
  kind: 'postgres' | 'pglite';
  people: number;
  seconds: number;
  connections: number;
  staff: number;
  days: number;
  /**
   * CI's quick run proves the code path only: the read load once without the monitor and once with it (each load
   * starts a Haven and signs in, about 30 s on 2 cores), no registration pair and no second baseline run.
   */
  quick?: boolean;
}): Promise<Figure[]> {
  const figures: Figure[] = [];

  // (1) The rules alone: a few days of synthetic traffic generated first, then timed through the Detector.
  const world = new SyntheticWorld({ seed: 'bench', staff: options.staff });
  const entries = Array.from({ length: 5 }, (_, d) => world.day(d).entries).flat();
  const detector = new Detector({ thresholds: () => DEFAULT_THRESHOLDS, baseline: () => undefined });
  const started = performance.now();
  for (const [i, { event, explanation }] of entries.entries())
    detector.observe({ entry: i + 1, event }, explanation);

  const ms = performance.now() - started;
  figures.push({
    id: 'M1',
    figure: 'anomaly rules per ledger entry, in process (no database)',
    value: round((ms * 1000) / entries.length, 2),
    unit: 'µs/entry',
    goal: '— (reported)',
    dataSize: `${entries.length} synthetic entries, ${options.staff} staff, 5 days`,
    concurrency: '1 thread',
  });

  // (2) The write path with and without the monitor following the ledger: without, with, without again — the
  // first load of a process runs colder, so the baseline is the mean of the loads either side.
  const pairs: [string, Figure, Figure][] = [];
  const read = {
    people: options.people,
    seconds: options.seconds,
    connections: options.connections,
    kind: options.kind,
  };
  const both = (a: Figure, b: Figure): Figure => ({ ...a, value: Math.round((a.value + b.value) / 2) });
  const [readOff] = await benchRead(read);
  const [readOn] = await benchRead({ ...read, monitor: true });
  if (options.quick) {
    pairs.push(['protected reads over HTTP (B2)', readOn!, readOff!]);
  } else {
    const [readOffAgain] = await benchRead(read);
    pairs.push(['protected reads over HTTP (B2)', readOn!, both(readOff!, readOffAgain!)]);
    const [writeOff] = await benchRegister(read);
    const [writeOn] = await benchRegister({ ...read, monitor: true });
    const [writeOffAgain] = await benchRegister(read);
    pairs.push(['registrations over HTTP (B1)', writeOn!, both(writeOff!, writeOffAgain!)]);
  }
  for (const [what, on, off] of pairs) {
    const ratio = on.value / off.value;
    figures.push({
      id: 'M1',
      figure: `${what} with the anomaly monitor running (${options.kind})`,
      value: on.value,
      unit: on.unit,
      baseline: {
        value: off.value,
        unit: off.unit,
        what: options.quick
          ? 'the same load in the same run, monitor off (one run before)'
          : 'the same load in the same run, monitor off (mean of the runs before and after)',
      },
      ratio: round(ratio),
      ratioMeaning: 'with / without the monitor (throughput)',
      goal: 'ratio ≥ 0.9 (the monitor must not slow the write path noticeably)',
      met: ratio >= 0.9,
      dataSize: on.dataSize,
      concurrency: on.concurrency,
      ...(on.database ? { database: on.database } : {}),
      notes: `${on.notes ?? ''} | Without: ${off.notes ?? ''}`,
    });
  }

  // (3) Detection and false alerts on synthetic traffic.
  const result = evaluate({ seed: 'haven', staff: options.staff, days: options.days });
  figures.push({
    id: 'M1',
    figure: 'injected insider scenarios that raised their intended alert',
    value: round(result.detectionRate * 100, 1),
    unit: '%',
    goal: '100 % of the injected scenarios',
    met: result.detectionRate === 1,
    dataSize: `seed haven, ${result.staff} staff, ${result.partners} partners, ${result.days} days (${result.staffDays} staff-days, ${result.entries} entries), ${result.injected} scenarios`,
    concurrency: '1 thread',
    notes: Object.entries(result.scenarios)
      .map(([s, x]) => `${s} ${x.detected}/${x.injected}`)
      .join(', '),
  });
  figures.push({
    id: 'M1',
    figure: 'false alerts on normal synthetic traffic',
    value: round(result.falseAlertsPer1000StaffDays, 1),
    unit: 'per 1,000 staff-days',
    goal: '≤ 35 per 1,000 staff-days (docs/monitoring.md)',
    met: result.falseAlertsPer1000StaffDays <= 35,
    dataSize: `${result.staffDays} staff-days; ${round((result.explained / result.accesses) * 100, 1)} % of ${result.accesses} accesses explained`,
    concurrency: '1 thread',
    notes: `by rule: ${JSON.stringify(result.falseByRule)}`,
  });
  return figures;
}
