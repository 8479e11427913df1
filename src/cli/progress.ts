import cliProgress from 'cli-progress';

/**
 * A progress bar on standard error for long work (rotation, imports). On a terminal it redraws in place;
 * elsewhere (CI, logs) it prints a line every 10%, so the output stays readable.
 */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export function progressBar(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0),
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let lastTenth = -1;
  return {
    start(t) {
      total = t;
      process.stderr.write(`${label}: 0/${t}\n`);
    },
    update(done) {
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total} (${tenth * 10}%)\n`);
      }
    },
    stop() {},
  };
}
