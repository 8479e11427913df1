import { decodeBase64 } from './base64.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { CompletedNode } from './compact-tree.ts';
import { consistencyProofPlan, subtreeNodes } from './merkle.ts';
import { verifyConsistency } from './proof-verify.ts';
import { foldRight, type NodeId, nodeKey, sameBytes } from './tree-hash.ts';

/**
 * What signed checkpoints commit to, as ranges of leaves with a known hash, and where an export departs from
 * them (AUD-4). A checkpoint commits to the prefix [0, size); a consistency proof between two kept checkpoints,
 * once it verifies against both signed roots (RFC 9162 §2.1.4.2), commits to each range its hashes cover —
 * whoever supplied it, since a proof that connects two signed roots can only hold the true node hashes
 * (SHA-256 collision resistance). A proof that does not verify is a hint that failed and is ignored.
 */

/** A checkpoint as Haven publishes it and an auditor keeps it: the note, and the proof from the one before. */
export interface KeptCheckpoint {
  note: string;
  /** Consistency proof from the previously published checkpoint (size `from`), captured at publication. */
  consistency?: { from: number; proof: string[] } | undefined;
}

/** Leaves [start, end) whose hash signed material commits to: the right fold of `nodes` (perfect subtrees). */
export interface CommittedRange {
  start: number;
  end: number;
  hash: Buffer;
  nodes: NodeId[];
}

const rangeOf = (hash: Buffer, nodes: NodeId[]): CommittedRange => {
  const first = nodes[0]!;
  const last = nodes.at(-1)!;
  return {
    start: first.index * 2 ** first.level,
    end: (last.index + 1) * 2 ** last.level,
    hash,
    nodes,
  };
};

/** The ranges checkpoints (sorted by size, one per size) and their verified proofs commit to. */
export function committedRanges(
  checkpoints: readonly Checkpoint[],
  proofs: ReadonlyMap<number, KeptCheckpoint['consistency']>,
): { ranges: CommittedRange[]; proofsUsed: number; proofsIgnored: number } {
  const bySize = new Map(checkpoints.map((c) => [c.size, c]));
  const ranges: CommittedRange[] = [];
  let proofsUsed = 0;
  let proofsIgnored = 0;
  for (const checkpoint of checkpoints) {
    if (checkpoint.size > 0) ranges.push(rangeOf(checkpoint.rootHash, subtreeNodes(0, checkpoint.size)));
    const consistency = proofs.get(checkpoint.size);
    if (consistency === undefined) continue;
    const earlier = bySize.get(consistency.from);
    const proof = consistency.proof.map((p) => decodeBase64(p));
    try {
      if (earlier === undefined || earlier.size === 0 || earlier.size >= checkpoint.size) throw new Error();
      if (proof.some((p) => p === undefined)) throw new Error();
      verifyConsistency(
        earlier.size,
        checkpoint.size,
        proof as Buffer[],
        earlier.rootHash,
        checkpoint.rootHash,
      );
    } catch {
      proofsIgnored++;
      continue;
    }
    proofsUsed++;
    // The plan names, per proof hash, the perfect subtrees it folds (RFC 9162 §2.1.4.1 SUBPROOF).
    consistencyProofPlan(earlier.size, checkpoint.size).forEach((nodes, i) => {
      ranges.push(rangeOf(proof[i] as Buffer, nodes));
    });
  }
  return { ranges, proofsUsed, proofsIgnored };
}

/** Collects, while the export is folded into a CompactTree, the export's hashes of the nodes ranges name. */
export class RangeWatch {
  readonly #hashes = new Map<string, Buffer | undefined>();

  constructor(ranges: readonly CommittedRange[]) {
    for (const range of ranges) for (const id of range.nodes) this.#hashes.set(nodeKey(id), undefined);
  }

  observe(completed: readonly CompletedNode[]): void {
    for (const node of completed) {
      const key = nodeKey(node.id);
      if (this.#hashes.has(key)) this.#hashes.set(key, node.hash);
    }
  }

  /** The export's hash of the range, or undefined while the export has not reached its end. */
  hashOf(range: CommittedRange): Buffer | undefined {
    const hashes = range.nodes.map((id) => this.#hashes.get(nodeKey(id)));
    return hashes.every((h) => h !== undefined) ? foldRight(hashes as Buffer[]) : undefined;
  }
}

export type Location =
  | { kind: 'same' }
  /** The first differing index lies in [from, to); exact when to = from + 1. */
  | { kind: 'differs'; from: number; to: number }
  /** Signed ranges disagree with each other: a range the export matches contains one it does not. */
  | { kind: 'contradiction'; size: number };

/**
 * Where the export first departs from the committed ranges it has reached: every index below `from` is inside a
 * range the export matches; the smallest range it does not match ends at `to`. `knownBad` (an index the export
 * itself shows to be wrong: missing, or not matching its stored leaf hash) caps `to`.
 */
export function locate(ranges: readonly CommittedRange[], watch: RangeWatch, knownBad?: number): Location {
  const seen = ranges.flatMap((range) => {
    const hash = watch.hashOf(range);
    return hash === undefined ? [] : [{ range, same: sameBytes(hash, range.hash) }];
  });
  let from = 0;
  for (const { range } of seen.filter((s) => s.same).sort((a, b) => a.range.start - b.range.start)) {
    if (range.start > from) break;
    from = Math.max(from, range.end);
  }
  let to = knownBad === undefined ? Number.POSITIVE_INFINITY : knownBad + 1;
  for (const { range, same } of seen) {
    if (same) continue;
    if (range.end <= from) return { kind: 'contradiction', size: range.end };
    to = Math.min(to, range.end);
  }
  return Number.isFinite(to) ? { kind: 'differs', from: Math.min(from, to - 1), to } : { kind: 'same' };
}
