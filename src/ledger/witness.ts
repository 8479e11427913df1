import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { HavenError } from '../domain/errors.ts';
import { verifyConsistency } from './merkle.ts';
import { cosign, openCheckpoint, parseSignerKey, type SignerKey } from './note.ts';

/**
 * The witness (AUD-3): a small program an oversight body runs on its own machine. It remembers the last
 * checkpoint it cosigned, fetches the log's new checkpoint and a consistency proof between the two, verifies
 * signature and proof, and only then cosigns (C2SP tlog-cosignature) and hands the cosignature back. A log that
 * rewrote its history cannot get a cosignature, and the witness says exactly what it saw.
 */

export interface WitnessState {
  origin: string;
  size: number;
  /** base64 root hash of the last cosigned checkpoint. */
  root: string;
  /** The checkpoint note as received, kept as evidence. */
  note: string;
  cosignedAt: string;
}

export interface WitnessOptions {
  logUrl: string;
  logKey: string;
  signer: SignerKey;
  token: string;
  state: WitnessState | undefined;
  now?: () => number;
  fetch?: typeof fetch;
}

export type WitnessOutcome =
  | { result: 'cosigned'; state: WitnessState; previousSize: number | null }
  | { result: 'unchanged'; state: WitnessState };

function rewrote(message: string): HavenError {
  return new HavenError('log-rewrote-history', message, { status: 409 });
}

export async function witnessOnce(options: WitnessOptions): Promise<WitnessOutcome> {
  const get = options.fetch ?? fetch;
  const base = options.logUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${options.token}` };
  const response = await get(`${base}/api/ledger/checkpoint`);
  if (!response.ok) {
    throw new HavenError('log-unreachable', `The log answered ${response.status} for its checkpoint.`, {
      status: 503,
    });
  }
  const noteText = await response.text();
  const { checkpoint, body } = openCheckpoint(noteText, options.logKey);
  const previous = options.state;
  const root = checkpoint.rootHash.toString('base64');
  if (previous) {
    if (previous.origin !== checkpoint.origin) {
      throw rewrote(
        `The log now calls itself ${checkpoint.origin}; this witness follows ${previous.origin}.`,
      );
    }
    if (checkpoint.size < previous.size) {
      throw rewrote(
        `The log shrank: its checkpoint has ${checkpoint.size} entries, but this witness cosigned ${previous.size} entries at ${previous.cosignedAt}.`,
      );
    }
    if (checkpoint.size === previous.size) {
      if (root !== previous.root) {
        throw rewrote(
          `The log signed two different trees of ${checkpoint.size} entries: root ${root} now, root ${previous.root} cosigned at ${previous.cosignedAt}. It rewrote its history.`,
        );
      }
      return { result: 'unchanged', state: previous };
    }
    if (previous.size > 0) {
      const proofResponse = await get(
        `${base}/api/ledger/proofs/consistency?from=${previous.size}&to=${checkpoint.size}`,
        { headers: auth },
      );
      if (!proofResponse.ok) {
        throw new HavenError(
          'log-unreachable',
          `The log answered ${proofResponse.status} for a consistency proof.`,
          {
            status: 503,
          },
        );
      }
      const { proof } = (await proofResponse.json()) as { proof: string[] };
      try {
        verifyConsistency(
          previous.size,
          checkpoint.size,
          proof.map((p) => Buffer.from(p, 'base64')),
          Buffer.from(previous.root, 'base64'),
          checkpoint.rootHash,
        );
      } catch {
        throw rewrote(
          `The log's checkpoint of ${checkpoint.size} entries (root ${root}) does not extend the checkpoint of ${previous.size} entries (root ${previous.root}) this witness cosigned at ${previous.cosignedAt}: entries before ${previous.size} were changed, removed or reordered. The log rewrote its history.`,
        );
      }
    }
  }
  const seconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const line = cosign(body, options.signer, seconds);
  const post = await get(`${base}/api/ledger/cosignatures`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ size: checkpoint.size, cosignature: line.replace(/\n$/, '') }),
  });
  if (!post.ok) {
    const detail = (await post.json().catch(() => ({}))) as { code?: string };
    throw new HavenError(
      'cosignature-refused',
      `The log refused the cosignature (${detail.code ?? post.status}).`,
      {
        status: 503,
      },
    );
  }
  return {
    result: 'cosigned',
    previousSize: previous?.size ?? null,
    state: {
      origin: checkpoint.origin,
      size: checkpoint.size,
      root,
      note: noteText,
      cosignedAt: new Date(seconds * 1000).toISOString(),
    },
  };
}

export function readWitnessState(file: string): WitnessState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HavenError('witness-state-invalid', `The witness state file ${file} cannot be read.`, {
      status: 422,
    });
  }
}

export function writeWitnessState(file: string, state: WitnessState): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function readSignerKey(file: string): SignerKey {
  return parseSignerKey(readFileSync(file, 'utf8').trim());
}
