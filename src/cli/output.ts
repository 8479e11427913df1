import { ConfigError } from '../config/config.ts';
import { HavenError } from '../domain/errors.ts';

/** Exit codes: 0 done, 1 refused or failed, 2 wrong usage, 78 bad configuration (EX_CONFIG). */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

export function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`haven: configuration error: ${error.message}\n`);
    process.exit(EXIT.config);
  }
  if (error instanceof HavenError) {
    process.stderr.write(`haven: ${error.message} [${error.code}]\n`);
    process.exit(EXIT.failed);
  }
  const e = error as Error & { code?: string };
  // Unknown errors can quote values (database messages do); print the type and code, not the text.
  process.stderr.write(
    `haven: unexpected ${e?.name ?? 'error'}${e?.code ? ` (${e.code})` : ''}; see the log for details\n`,
  );
  if (process.env.HAVEN_LOG_LEVEL === 'debug') process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exit(EXIT.failed);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads standard input to the end (e.g. --password-stdin), without its final newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A framed notice on the terminal (standard error), kept out of the JSON log on standard output. */
export function banner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  process.stderr.write(`\n${rule}\n${lines.map((l) => `| ${l.padEnd(width)} |`).join('\n')}\n${rule}\n\n`);
}
