import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HavenError } from '../domain/errors.ts';
import type { Database } from '../store/database.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { KeptCheckpoint } from './checkpoint-evidence.ts';
import { latestCheckpoint } from './checkpoints.ts';
import { verifyConsistency } from './merkle.ts';
import { parseNote } from './signed-note.ts';
import { consistencyProof } from './tree-store.ts';

/**
 * Publishing checkpoints outside the instance (AUD-3, AUD-4). A checkpoint kept only in Haven's own database
 * proves nothing against whoever controls the host: with the data folder and the running process they can
 * rebuild the tree and sign it again. Each checkpoint Haven signs is therefore handed out — appended to a folder
 * the auditor syncs off-host, or POSTed to a URL — with the consistency proof from the one published before
 * (RFC 9162 §2.1.4), checked before it leaves. An auditor verifying an export against these copies catches a
 * rewritten log, and `haven ledger verify --checkpoints` uses the proofs to narrow down where.
 */

export type PublishTarget = { kind: 'off' } | { kind: 'folder'; dir: string } | { kind: 'url'; url: string };

/** HAVEN_CHECKPOINT_PUBLISH: unset → HAVEN_DATA_DIR/checkpoints; `off`; an http(s) URL; or a folder. */
export function publishTarget(setting: string | undefined, dataDir: string): PublishTarget {
  if (setting === undefined) return { kind: 'folder', dir: path.join(dataDir, 'checkpoints') };
  if (setting === 'off') return { kind: 'off' };
  if (/^https?:\/\//.test(setting)) return { kind: 'url', url: setting };
  return { kind: 'folder', dir: path.resolve(setting) };
}

/** One published checkpoint: what the folder holds per file and what a URL receives as JSON. */
export interface PublishedCheckpoint extends KeptCheckpoint {
  size: number;
}

// Zero-padded so the files sort by size; one file per checkpoint, created once and never rewritten.
const fileName = (size: number): string => `${String(size).padStart(16, '0')}.json`;
const FILE_PATTERN = /^\d{16}\.json$/;

/** Every checkpoint published to a folder (what an auditor passes to `haven ledger verify --checkpoints`). */
export function readPublishedCheckpoints(dir: string): PublishedCheckpoint[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => FILE_PATTERN.test(name));
  } catch {
    throw new HavenError('checkpoints-unreadable', `The checkpoint folder ${dir} cannot be read.`, {
      status: 422,
    });
  }
  return names.sort().map((name) => {
    try {
      return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as PublishedCheckpoint;
    } catch {
      throw new HavenError('checkpoints-unreadable', `${name} in ${dir} is not a published checkpoint.`, {
        status: 422,
      });
    }
  });
}

function publishFailed(message: string, cause?: unknown): HavenError {
  return new HavenError('checkpoint-publish-failed', message, { status: 503, cause });
}

export interface CheckpointPublisher {
  readonly target: PublishTarget;
  /** Publishes the latest signed checkpoint if it is newer than the last one published; returns its size. */
  publishLatest(db: Database): Promise<number | undefined>;
}

export function checkpointPublisher(
  target: PublishTarget,
  options: { fetch?: typeof fetch } = {},
): CheckpointPublisher {
  // URL mode remembers what it sent in memory; a folder is its own memory (its last file).
  let lastSent: { size: number; root: Buffer } | undefined;
  const lastPublished = (): { size: number; root: Buffer } | undefined => {
    if (target.kind !== 'folder') return lastSent;
    let names: string[] = [];
    try {
      names = readdirSync(target.dir).filter((name) => FILE_PATTERN.test(name));
    } catch {}
    const last = names.sort().at(-1);
    if (last === undefined) return undefined;
    const record = JSON.parse(readFileSync(path.join(target.dir, last), 'utf8')) as PublishedCheckpoint;
    const { size, rootHash } = parseCheckpoint(parseNote(record.note).body);
    return { size, root: rootHash };
  };
  return {
    target,
    async publishLatest(db) {
      if (target.kind === 'off') return undefined;
      const latest = await latestCheckpoint(db);
      const previous = lastPublished();
      if (latest === undefined) return undefined;
      // The tree no longer extends what went out: say so loudly, and never publish over it.
      const inconsistent = () =>
        new HavenError(
          'ledger-inconsistent',
          `The ledger does not extend the checkpoint of ${previous?.size} entries it published; refusing to publish.`,
          { status: 500 },
        );
      if (previous !== undefined && previous.size >= latest.size) {
        if (previous.size === latest.size && previous.root.equals(latest.root)) return undefined;
        throw inconsistent();
      }
      const record: PublishedCheckpoint = { size: latest.size, note: latest.note };
      if (previous !== undefined && previous.size > 0) {
        const proof = await consistencyProof(db, previous.size, latest.size);
        try {
          verifyConsistency(previous.size, latest.size, proof, previous.root, latest.root);
        } catch {
          throw inconsistent();
        }
        record.consistency = { from: previous.size, proof: proof.map((p) => p.toString('base64')) };
      }
      const json = `${JSON.stringify(record)}\n`;
      if (target.kind === 'folder') {
        mkdirSync(target.dir, { recursive: true });
        try {
          writeFileSync(path.join(target.dir, fileName(latest.size)), json, { flag: 'wx', mode: 0o444 });
        } catch (error) {
          // Another Haven server published the same checkpoint first: that is the same file.
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
          throw publishFailed(`Cannot write to the checkpoint folder ${target.dir}.`, error);
        }
      } else {
        const response = await (options.fetch ?? fetch)(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json,
        }).catch((error: unknown) => {
          throw publishFailed(`Cannot reach ${target.url} to publish the checkpoint.`, error);
        });
        if (!response.ok) throw publishFailed(`${target.url} answered ${response.status} to the checkpoint.`);
      }
      lastSent = { size: latest.size, root: latest.root };
      return latest.size;
    },
  };
}
