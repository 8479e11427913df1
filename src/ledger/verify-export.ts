import { HavenError } from '../domain/errors.ts';
import { decodeBase64 } from './base64.ts';
import { canonicalBytes } from './canonical-json.ts';
import { type Checkpoint, openCheckpoint } from './checkpoint.ts';
import {
  type CommittedRange,
  committedRanges,
  type KeptCheckpoint,
  type Location,
  locate,
  RangeWatch,
} from './checkpoint-evidence.ts';
import { CompactTree } from './compact-tree.ts';
import { ALG_ED25519, parseVerifierKey, type VerifierKey } from './signed-note.ts';
import { HASH_SIZE, isCount, leafHash, sameBytes } from './tree-hash.ts';

/**
 * The independent verifier's core (AUD-4): checks a ledger export (NDJSON, one
 * `{"index": n, "leafHash": "<base64>", "event": {...}}` per line, in index order) against the signed checkpoints
 * an auditor kept (Haven publishes each with a consistency proof from the one before, see publish.ts), and says
 * where the export first departs from what they commit to. Streams: memory stays at the O(log n) frontier of the
 * tree plus O(log n) hashes per kept checkpoint, whatever the length of the export.
 *
 * Precision: `differingRange` always holds the first differing index (given SHA-256 collision resistance); it is
 * one index wide — and `firstDifferingIndex` is set — when the kept checkpoints, or the subtree hashes of their
 * verified consistency proofs, bracket it that closely, or when the export itself shows an entry wrong right
 * after a stretch the signed roots vouch for. With checkpoints every s entries the range is at most s wide.
 */

export interface VerifyProblem {
  code: string;
  /** The ledger index concerned, when there is one. */
  index?: number;
  /** The 1-based line of the export concerned, when there is one. */
  line?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries recomputed and folded into the tree (at most the largest checkpoint's size). */
  checked: number;
  /** The largest checkpoint's tree size (0 when no checkpoint could be read). */
  treeSize: number;
  /** Lines after the first `treeSize` entries: no checkpoint covers them. */
  unchecked: number;
  origin?: string;
  /** The first index where the export departs from the checkpoints, when it is proven exactly. */
  firstDifferingIndex?: number;
  /** Where the first differing index is proven to lie: from ≤ index < to. */
  differingRange?: { from: number; to: number };
  problem?: VerifyProblem;
}

interface ExportEntry {
  index: number;
  leafHash: Buffer;
  /** null: the log holds the entry's leaf hash but its event row is gone (export.ts). */
  event: object | null;
}

interface Line {
  line: number;
  text: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseEntry(text: string): ExportEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !(isObject(value.event) || value.event === null)) return undefined;
  const { index, leafHash: stored, event } = value;
  const hash = typeof stored === 'string' ? decodeBase64(stored) : undefined;
  if (typeof index !== 'number' || !isCount(index) || hash?.length !== HASH_SIZE) return undefined;
  return { index, leafHash: hash, event };
}

async function* numbered(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Line> {
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() !== '') yield { line, text };
  }
}

const CHECKPOINT_CODES: Record<string, string> = {
  'note-malformed': 'checkpoint-malformed',
  'checkpoint-malformed': 'checkpoint-malformed',
  'note-signature-invalid': 'checkpoint-signature-invalid',
  'note-unknown-key': 'checkpoint-signature-invalid',
};

const CHECKPOINT_MESSAGES: Record<string, string> = {
  'note-signature-invalid': 'The checkpoint signature does not verify: its size, root or origin was changed.',
  'note-unknown-key': 'The checkpoint is not signed by the given key.',
};

const problemOf = (code: string, message: string): VerifyProblem => ({ code, message });

function readKey(verifierKey: string): VerifierKey | VerifyProblem {
  try {
    const key = parseVerifierKey(verifierKey.trim());
    if (key.algorithm === ALG_ED25519) return key;
    return problemOf('verifier-key-invalid', "The verifier key must be the log's Ed25519 key.");
  } catch {
    return problemOf('verifier-key-invalid', 'The verifier key is not of the form name+keyid+base64key.');
  }
}

/** Reads a checkpoint signed by the log key; a refusal comes back as the problem of the report. */
function readCheckpoint(note: string, key: VerifierKey): Checkpoint | VerifyProblem {
  try {
    return openCheckpoint(note, key).checkpoint;
  } catch (error) {
    const code = error instanceof HavenError ? CHECKPOINT_CODES[error.code] : undefined;
    if (error instanceof HavenError && code !== undefined) {
      return problemOf(code, CHECKPOINT_MESSAGES[error.code] ?? error.message);
    }
    throw error;
  }
}

interface Evidence {
  origin: string;
  size: number;
  /** Kept checkpoints by size, ascending. */
  sizes: number[];
  /** The largest checkpoint's root. */
  root: Buffer;
  ranges: CommittedRange[];
}

/** Opens every kept checkpoint; two signed trees of one size, or two origins, are refused (AUD-3). */
function gatherEvidence(kept: readonly KeptCheckpoint[], verifierKey: string): Evidence | VerifyProblem {
  const key = readKey(verifierKey);
  if ('code' in key) return key;
  if (kept.length === 0) return problemOf('checkpoint-missing', 'Give at least one signed checkpoint.');
  const bySize = new Map<number, Checkpoint>();
  const proofs = new Map<number, KeptCheckpoint['consistency']>();
  for (const { note, consistency } of kept) {
    const checkpoint = readCheckpoint(note, key);
    if ('code' in checkpoint) return checkpoint;
    const same = bySize.get(checkpoint.size);
    if (same && !sameBytes(same.rootHash, checkpoint.rootHash)) {
      return {
        code: 'checkpoints-contradict',
        index: checkpoint.size,
        message: `The log signed two different trees of ${checkpoint.size} entries: it forked its history.`,
      };
    }
    if (same === undefined && bySize.size > 0 && bySize.values().next().value?.origin !== checkpoint.origin) {
      return problemOf('checkpoint-origin-mismatch', 'The checkpoints name different logs (origins).');
    }
    bySize.set(checkpoint.size, checkpoint);
    if (consistency !== undefined) proofs.set(checkpoint.size, consistency);
  }
  const checkpoints = [...bySize.values()].sort((a, b) => a.size - b.size);
  const { ranges } = committedRanges(checkpoints, proofs);
  const last = checkpoints.at(-1)!;
  return {
    origin: last.origin,
    size: last.size,
    sizes: checkpoints.map((c) => c.size),
    root: last.rootHash,
    ranges,
  };
}

const rangeText = ({ from, to }: { from: number; to: number }): string =>
  to - from === 1 ? `at index ${from}` : `between index ${from} and index ${to - 1}`;

/** Turns a location into the problem to report; `entry` is what the export itself showed, if anything. */
function verdict(location: Location, entry: VerifyProblem | undefined): VerifyProblem | undefined {
  if (location.kind === 'contradiction') {
    return {
      code: 'checkpoints-contradict',
      index: location.size,
      message: `The export matches one signed checkpoint but not an earlier one (${location.size} entries): the log signed two trees that do not extend each other.`,
    };
  }
  if (location.kind === 'same') return entry;
  if (entry?.index !== undefined && location.to === entry.index + 1) return entry;
  return {
    code: 'entry-changed',
    index: location.from,
    message:
      `The export departs from the signed checkpoints ${rangeText(location)}: entries there were edited, ` +
      'inserted, removed or reordered together with their stored hashes.' +
      (location.to - location.from > 1 ? ' Keep checkpoints closer together to narrow it down.' : ''),
  };
}

/**
 * Verifies an export against kept checkpoints (one note, or several, each optionally with the consistency proof
 * published with it) and the log's verifier key. Never throws for bad input: every refusal is the report's
 * `problem`; only errors reading `lines` propagate.
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  checkpoints: string | readonly (string | KeptCheckpoint)[],
  verifierKey: string,
): Promise<VerifyReport> {
  const kept = (typeof checkpoints === 'string' ? [checkpoints] : checkpoints).map((c) =>
    typeof c === 'string' ? { note: c } : c,
  );
  const evidence = gatherEvidence(kept, verifierKey);
  if ('code' in evidence) return { ok: false, checked: 0, treeSize: 0, unchecked: 0, problem: evidence };
  const { size, ranges } = evidence;
  const tree = new CompactTree();
  const watch = new RangeWatch(ranges);
  // `exact`: the log's stored hashes are proven genuine, so the entry at fault is the first that differs.
  const report = (entry: VerifyProblem | undefined, exact = false, unchecked = 0): VerifyReport => {
    let location = locate(ranges, watch, entry?.index);
    if (
      exact &&
      entry?.index !== undefined &&
      location.kind === 'differs' &&
      location.to === entry.index + 1
    ) {
      location = { kind: 'differs', from: entry.index, to: entry.index + 1 };
    }
    const problem = verdict(location, entry);
    const base = { checked: tree.size, treeSize: size, unchecked, origin: evidence.origin };
    if (problem === undefined) return { ok: true, ...base };
    const range = location.kind === 'differs' ? { from: location.from, to: location.to } : undefined;
    return {
      ok: false,
      ...base,
      ...(range && range.to - range.from === 1 ? { firstDifferingIndex: range.from } : {}),
      ...(range ? { differingRange: range } : {}),
      problem,
    };
  };
  const source = numbered(lines);
  const next = async (): Promise<Line | undefined> => {
    const result = await source.next();
    return result.done ? undefined : result.value;
  };
  try {
    while (tree.size < size) {
      const expected = tree.size;
      const item = await next();
      if (item === undefined) {
        return report({
          code: 'export-too-short',
          index: expected,
          message: `The export ends after ${expected} entries; the checkpoint covers ${size}.`,
        });
      }
      const entry = parseEntry(item.text);
      let leaf: Buffer | undefined;
      try {
        leaf = entry?.event ? leafHash(canonicalBytes(entry.event)) : undefined;
      } catch {
        // canonicalBytes refuses values no audit event holds (fractions); such a line cannot be an entry.
      }
      if (entry?.event === null && entry.index === expected) {
        return report(
          {
            code: 'entry-missing',
            index: expected,
            line: item.line,
            message: `The event of entry ${expected} (line ${item.line}) is gone; the log still holds its leaf hash.`,
          },
          await storedHashesHold(tree, entry.leafHash, size, evidence.root, next),
        );
      }
      if (entry === undefined || leaf === undefined) {
        return report({
          code: 'export-line-malformed',
          index: expected,
          line: item.line,
          message: `Line ${item.line} is not an entry of the form {"index", "leafHash", "event"}.`,
        });
      }
      if (entry.index < expected) {
        // The export has one entry too many here: at this position, or (a forgery before it) one earlier.
        return report({
          code: 'entry-inserted',
          index: expected,
          line: item.line,
          message: `Line ${item.line} holds a second entry with index ${entry.index}, where entry ${expected} belongs.`,
        });
      }
      if (entry.index > expected) {
        return report(await missingOrMisplaced(expected, entry.index, item.line, next));
      }
      if (!sameBytes(leaf, entry.leafHash)) {
        return report(
          {
            code: 'entry-altered',
            index: expected,
            line: item.line,
            message: `Entry ${expected} (line ${item.line}) does not match the leaf hash the log stored for it.`,
          },
          await storedHashesHold(tree, entry.leafHash, size, evidence.root, next),
        );
      }
      watch.observe(tree.appendAndCollect(leaf));
    }
    let unchecked = 0;
    while ((await next()) !== undefined) unchecked++;
    return report(undefined, false, unchecked);
  } finally {
    await source.return(undefined);
  }
}

/**
 * Entry `tree.size` does not match its stored leaf hash (or lost its event). Folds the log's stored hashes from
 * there to the checkpoint's size, reading on: if they give the signed root, they are the log's genuine hashes
 * (collision resistance), so every earlier entry — each matched its stored hash — is genuine, and this entry is
 * exactly the first that differs. Any other irregularity further on gives up (the answer is then a range).
 */
async function storedHashesHold(
  tree: CompactTree,
  stored: Buffer,
  size: number,
  root: Buffer,
  next: () => Promise<Line | undefined>,
): Promise<boolean> {
  const log = CompactTree.fromFrontier(tree.size, tree.frontier().hashes);
  log.append(stored);
  while (log.size < size) {
    const item = await next();
    const entry = item && parseEntry(item.text);
    if (entry?.index !== log.size) return false;
    log.append(entry.leafHash);
  }
  return sameBytes(log.root(), root);
}

/** Entry `expected` is not where it belongs: read on (keeping nothing) to tell a gap from a reordering. */
async function missingOrMisplaced(
  expected: number,
  found: number,
  line: number,
  next: () => Promise<Line | undefined>,
): Promise<VerifyProblem> {
  for (let item = await next(); item !== undefined; item = await next()) {
    if (parseEntry(item.text)?.index === expected) {
      return {
        code: 'entry-out-of-order',
        index: expected,
        line,
        message: `Entry ${expected} comes at line ${item.line}, after entry ${found} (line ${line}).`,
      };
    }
  }
  return {
    code: 'entry-missing',
    index: expected,
    line,
    message: `Entry ${expected} is missing: line ${line} holds entry ${found} in its place.`,
  };
}
