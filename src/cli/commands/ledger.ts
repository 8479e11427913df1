import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { type Haven, openHaven } from '../../haven.ts';
import type { KeptCheckpoint } from '../../ledger/checkpoint-evidence.ts';
import { registerWitness, signCheckpoint } from '../../ledger/checkpoints.ts';
import { exportEntries } from '../../ledger/export.ts';
import { newSignerKey } from '../../ledger/note.ts';
import { readPublishedCheckpoints } from '../../ledger/publish.ts';
import { sequenceAll, treeHead } from '../../ledger/tree-store.ts';
import { verifyExport } from '../../ledger/verify-export.ts';
import { readSignerKey, readWitnessState, witnessOnce, writeWitnessState } from '../../ledger/witness.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

async function withHaven<T>(work: (haven: Haven) => Promise<T>): Promise<T> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    return await work(haven);
  } finally {
    await haven.close();
  }
}

/** `haven ledger key`: the verifier key to give to auditors and witnesses. No database needed beyond the key ring. */
export async function ledgerKey(): Promise<void> {
  await withHaven(async (haven) => {
    process.stdout.write(`${haven.ledger.verifierKey}\n`);
  });
}

/** `haven ledger checkpoint`: sequence what is pending and sign a checkpoint now. */
export async function ledgerCheckpoint(options: { out?: string }): Promise<void> {
  await withHaven(async (haven) => {
    const checkpoint = await signCheckpoint(haven.db, haven.ledger);
    await haven.checkpoints.publishLatest(haven.db);
    if (options.out) writeFileSync(options.out, checkpoint.note);
    else process.stdout.write(checkpoint.note);
  });
}

/** `haven ledger export`: the entries as NDJSON (to a file or standard output), with a progress bar. */
export async function ledgerExport(options: { from?: string; to?: string; out?: string }): Promise<void> {
  await withHaven(async (haven) => {
    await sequenceAll(haven.db);
    const head = await treeHead(haven.db);
    const from = Number(options.from ?? 0);
    const to = Math.min(Number(options.to ?? head.size), head.size);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
      throw new HavenError('export-range-invalid', `Give 0 ≤ --from ≤ --to ≤ ${head.size}.`, { status: 400 });
    }
    const out = options.out ? createWriteStream(options.out) : process.stdout;
    const bar = options.out ? progressBar('Exporting ledger entries') : undefined;
    bar?.start(to - from);
    let done = 0;
    for await (const line of exportEntries(haven.db, from, to)) {
      if (!out.write(line)) await once(out, 'drain');
      if (++done % 1000 === 0) bar?.update(done);
    }
    bar?.update(done);
    bar?.stop();
    if (options.out)
      await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
  });
}

function keyText(value: string): string {
  return existsSync(value) ? readFileSync(value, 'utf8').trim() : value.trim();
}

/** A kept checkpoint file: a signed note as `haven ledger checkpoint` writes it, or a published JSON record. */
function readKeptCheckpoint(file: string): KeptCheckpoint {
  const text = readFileSync(file, 'utf8');
  if (!text.trimStart().startsWith('{')) return { note: text };
  try {
    return JSON.parse(text) as KeptCheckpoint;
  } catch {
    throw new HavenError('checkpoints-unreadable', `${file} is not a published checkpoint.`, { status: 422 });
  }
}

/**
 * `haven ledger verify` (AUD-4): recomputes the tree from an export, checks it against every checkpoint given
 * (files, and the folder of published ones the auditor kept), and says where the export first departs from
 * them. Reads only the files; never the database.
 */
export async function ledgerVerify(options: {
  events: string;
  checkpoint?: string[];
  checkpoints?: string;
  key: string;
  json?: boolean;
}): Promise<void> {
  const kept = [
    ...(options.checkpoint ?? []).map(readKeptCheckpoint),
    ...(options.checkpoints ? readPublishedCheckpoints(options.checkpoints) : []),
  ];
  if (kept.length === 0) {
    throw new HavenError('checkpoint-missing', 'Give --checkpoint FILE or --checkpoints FOLDER.', {
      status: 400,
    });
  }
  const lines = createInterface({
    input: createReadStream(options.events),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const report = await verifyExport(lines, kept, keyText(options.key));
  if (options.json) printJson(report);
  else if (report.ok) {
    process.stdout.write(
      `OK: ${report.checked} entries match the signed checkpoints up to ${report.treeSize} entries (${report.origin}).${report.unchecked ? ` ${report.unchecked} later entries are not covered by a checkpoint.` : ''}\n`,
    );
  } else {
    const range = report.differingRange;
    const where =
      report.firstDifferingIndex !== undefined
        ? ` First index where the log and the checkpoints part ways: ${report.firstDifferingIndex}.`
        : range
          ? ` The log and the checkpoints first part ways at an index from ${range.from} to ${range.to - 1}.`
          : '';
    process.stdout.write(`FAILED [${report.problem?.code}]: ${report.problem?.message}${where}\n`);
  }
  process.exitCode = report.ok ? 0 : 1;
}

export async function addWitness(name: string, options: { key: string; json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const { token } = await registerWitness(
      haven.db,
      { name, verifierKey: keyText(options.key) },
      { kind: 'cli' },
    );
    if (options.json) printJson({ name, token });
    else
      process.stdout.write(`Witness ${name} registered. Give it this access token (shown once):\n${token}\n`);
  });
}

/** `haven witness keygen NAME --out FILE`: a witness's Ed25519 key pair; prints the verifier key to register. */
export async function witnessKeygen(name: string, options: { out: string }): Promise<void> {
  if (existsSync(options.out))
    throw new HavenError('file-exists', `${options.out} exists; not overwriting a key.`, { status: 409 });
  const { signerKey, verifierKey } = newSignerKey(name);
  writeFileSync(options.out, `${signerKey}\n`, { mode: 0o600 });
  process.stdout.write(`${verifierKey}\n`);
}

export interface WitnessRunOptions {
  log: string;
  logKey: string;
  key: string;
  state: string;
  token: string;
  interval?: string;
}

/**
 * `haven witness`: checks the log and cosigns, once or every --interval seconds. A log that rewrote its history is
 * reported on standard error with exit code 3, and nothing is cosigned.
 */
export async function runWitness(options: WitnessRunOptions): Promise<void> {
  const signer = readSignerKey(options.key);
  const logKey = keyText(options.logKey);
  const round = async () => {
    const outcome = await witnessOnce({
      logUrl: options.log,
      logKey,
      signer,
      token: keyText(options.token),
      state: readWitnessState(options.state),
    });
    if (outcome.result === 'cosigned') {
      writeWitnessState(options.state, outcome.state);
      process.stdout.write(
        `${new Date().toISOString()} cosigned ${outcome.state.origin} at ${outcome.state.size} entries${outcome.previousSize === null ? ' (first checkpoint seen: trusted on first use)' : `, consistent with ${outcome.previousSize}`}\n`,
      );
    } else {
      process.stdout.write(`${new Date().toISOString()} unchanged at ${outcome.state.size} entries\n`);
    }
  };
  const interval = options.interval === undefined ? undefined : Number(options.interval);
  try {
    await round();
    while (interval !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      await round();
    }
  } catch (error) {
    if (error instanceof HavenError && error.code === 'log-rewrote-history') {
      process.stderr.write(
        `ALERT: ${error.message}\nNothing was cosigned. Keep ${options.state} as evidence.\n`,
      );
      process.exit(3);
    }
    throw error;
  }
}
