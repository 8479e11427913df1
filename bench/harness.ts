import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/**
 * Benchmark plumbing: every figure is reported with its same-run baseline, the ratio, the goal from
 * ../shared/design/performance.md, the data size, the concurrency and the machine. No figure is asserted.
 */
export interface Figure {
  id: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: { value: number; unit: string; what: string };
  /** value / baseline (or baseline / value where smaller is better and noted in `ratioMeaning`). */
  ratio?: number;
  ratioMeaning?: string;
  goal: string;
  met?: boolean;
  dataSize: string;
  concurrency: string;
  database?: string;
  notes?: string;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Runs `work` repeatedly for about `ms` and returns per-call times in microseconds. */
export async function sample(
  work: () => unknown | Promise<unknown>,
  options: { ms?: number; min?: number; warmup?: number } = {},
) {
  const warmup = options.warmup ?? 200;
  for (let i = 0; i < warmup; i++) await work();
  const times: number[] = [];
  const until = performance.now() + (options.ms ?? 2000);
  while (performance.now() < until || times.length < (options.min ?? 100)) {
    const start = performance.now();
    await work();
    times.push((performance.now() - start) * 1000);
  }
  return times;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  return {
    n: times.length,
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** CPU time (ms) of each process whose command line contains `match` (PostgreSQL's backends); Linux only. */
function processCpuMs(match: string): Map<string, number> {
  const cpu = new Map<string, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return cpu;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(match)) continue;
      // Fields after the command name: utime and stime are the 12th and 13th, in ticks of 10 ms.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // The process ended while we looked.
    }
  }
  return cpu;
}

/**
 * CPU spent by this process (Node: server and harness, and PGlite when embedded) and by the PostgreSQL server's
 * processes between start and stop, per request: per process, so a backend that closes meanwhile (a pool's idle
 * timeout) takes only its own time with it, and one that starts meanwhile counts whole.
 */
export function cpuMeter(): { stop(requests: number): { nodeMs: number; postgresMs: number } } {
  const node = process.cpuUsage();
  const postgres = processCpuMs('postgres');
  return {
    stop(requests) {
      const used = process.cpuUsage(node);
      let postgresMs = 0;
      for (const [pid, ms] of processCpuMs('postgres')) postgresMs += ms - (postgres.get(pid) ?? 0);
      return {
        nodeMs: (used.user + used.system) / 1000 / Math.max(1, requests),
        postgresMs: postgresMs / Math.max(1, requests),
      };
    },
  };
}
