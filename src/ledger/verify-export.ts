import { HavenError } from '../domain/errors.ts';
import { decodeBase64 } from './base64.ts';
import { canonicalBytes } from './canonical-json.ts';
import { type Checkpoint, openCheckpoint } from './checkpoint.ts';
import { CompactTree } from './compact-tree.ts';
import { ALG_ED25519, parseVerifierKey } from './signed-note.ts';
import { HASH_SIZE, isCount, leafHash, sameBytes } from './tree-hash.ts';

/**
 * The independent verifier's core (AUD-4): checks a ledger export (NDJSON, one
 * `{"index": n, "leafHash": "<base64>", "event": {...}}` per line, in index order) against a signed checkpoint,
 * and names the first index where the export and the checkpoint part ways. Streams: memory stays at the
 * O(log n) frontier of the tree, whatever the length of the export.
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
  /** Entries recomputed and folded into the tree (at most the checkpoint's size). */
  checked: number;
  /** The checkpoint's tree size (0 when the checkpoint could not be read). */
  treeSize: number;
  /** Lines after the first `treeSize` entries: the checkpoint does not cover them. */
  unchecked: number;
  origin?: string;
  /** The first index known to differ from what the checkpoint commits to; absent when it cannot be known. */
  firstBadIndex?: number;
  problem?: VerifyProblem;
}

interface ExportEntry {
  index: number;
  leafHash: Buffer;
  event: object;
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
  if (!isObject(value) || !isObject(value.event)) return undefined;
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

/** Reads the checkpoint signed by the log key; a refusal comes back as the problem of the report. */
function readCheckpoint(note: string, verifierKey: string): Checkpoint | VerifyProblem {
  let key: ReturnType<typeof parseVerifierKey>;
  try {
    key = parseVerifierKey(verifierKey.trim());
  } catch {
    return {
      code: 'verifier-key-invalid',
      message: 'The verifier key is not of the form name+keyid+base64key.',
    };
  }
  if (key.algorithm !== ALG_ED25519) {
    return { code: 'verifier-key-invalid', message: "The verifier key must be the log's Ed25519 key." };
  }
  try {
    return openCheckpoint(note, key).checkpoint;
  } catch (error) {
    const code = error instanceof HavenError ? CHECKPOINT_CODES[error.code] : undefined;
    if (error instanceof HavenError && code !== undefined) {
      return { code, message: CHECKPOINT_MESSAGES[error.code] ?? error.message };
    }
    throw error;
  }
}

/**
 * Verifies an export against a checkpoint note and the log's verifier key. Never throws for bad input: every
 * refusal is the report's `problem`; only errors reading `lines` propagate.
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  checkpointNote: string,
  verifierKey: string,
): Promise<VerifyReport> {
  const checkpoint = readCheckpoint(checkpointNote, verifierKey);
  if ('code' in checkpoint) return { ok: false, checked: 0, treeSize: 0, unchecked: 0, problem: checkpoint };
  const size = checkpoint.size;
  const tree = new CompactTree();
  // The problem's index is the first bad one; a problem without an index does not say where.
  const fail = (problem: VerifyProblem): VerifyReport => ({
    ok: false,
    checked: tree.size,
    treeSize: size,
    unchecked: 0,
    origin: checkpoint.origin,
    ...(problem.index === undefined ? {} : { firstBadIndex: problem.index }),
    problem,
  });
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
        return fail({
          code: 'export-too-short',
          index: expected,
          message: `The export ends after ${expected} entries; the checkpoint covers ${size}.`,
        });
      }
      const entry = parseEntry(item.text);
      let leaf: Buffer | undefined;
      try {
        leaf = entry && leafHash(canonicalBytes(entry.event));
      } catch {
        // canonicalBytes refuses values no audit event holds (fractions); such a line cannot be an entry.
      }
      if (entry === undefined || leaf === undefined) {
        return fail({
          code: 'export-line-malformed',
          index: expected,
          line: item.line,
          message: `Line ${item.line} is not an entry of the form {"index", "leafHash", "event"}.`,
        });
      }
      if (entry.index < expected) {
        return fail({
          code: 'entry-inserted',
          index: entry.index,
          line: item.line,
          message: `Line ${item.line} holds a second entry with index ${entry.index}.`,
        });
      }
      if (entry.index > expected) {
        return fail(await missingOrMisplaced(expected, entry.index, item.line, next));
      }
      if (!sameBytes(leaf, entry.leafHash)) {
        return fail({
          code: 'entry-altered',
          index: expected,
          line: item.line,
          message: `Entry ${expected} (line ${item.line}) does not match the leaf hash the log stored for it.`,
        });
      }
      tree.append(leaf);
    }
    if (!sameBytes(tree.root(), checkpoint.rootHash)) {
      // Each event matches its stored hash, so the hashes were rewritten too: only the root can tell, and one
      // root cannot say where. An earlier checkpoint (and a consistency proof) narrows it down.
      return fail({
        code: 'root-mismatch',
        message:
          `Every entry matches its stored leaf hash, yet the first ${size} entries do not have the checkpoint's ` +
          'root: the tree itself was rewritten (events and their hashes together). Check against an earlier ' +
          'checkpoint to find where.',
      });
    }
    let unchecked = 0;
    while ((await next()) !== undefined) unchecked++;
    return { ok: true, checked: size, treeSize: size, unchecked, origin: checkpoint.origin };
  } finally {
    await source.return(undefined);
  }
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
