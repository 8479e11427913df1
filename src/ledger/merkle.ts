import { HavenError } from '../domain/errors.ts';
import {
  EMPTY_ROOT,
  foldRight,
  HASH_SIZE,
  isCount,
  type NodeId,
  nodeHash,
  nodeKey,
  splitPoint,
} from './tree-hash.ts';

/**
 * The ledger's RFC 9162 Merkle tree (AUD-2): the root, and which stored nodes make up each inclusion and
 * consistency proof. Pure functions; the database layer (tree-store.ts) reads the nodes a plan names and
 * `buildProof` folds them into the proof RFC 9162 defines. Verification lives in proof-verify.ts and the
 * incremental tree in compact-tree.ts; both are re-exported here so callers have one module to import.
 */

export { CompactTree, type CompletedNode, type Frontier } from './compact-tree.ts';
export { verifyConsistency, verifyInclusion } from './proof-verify.ts';
export { EMPTY_ROOT, foldRight, HASH_SIZE, leafHash, type NodeId, nodeHash, nodeKey } from './tree-hash.ts';

/** One proof element as stored nodes: the perfect subtrees of its range, left to right, to be right-folded. */
export type ProofPlan = NodeId[][];

/** MTH over leaf hashes, straight from the recursive definition of RFC 9162 §2.1.1 (the reference). */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  const mth = (start: number, end: number): Buffer => {
    const n = end - start;
    if (n === 1) return Buffer.from(leafHashes[start]!);
    const k = splitPoint(n);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return leafHashes.length === 0 ? Buffer.from(EMPTY_ROOT) : mth(0, leafHashes.length);
}

function invalidRange(): HavenError {
  return new HavenError(
    'subtree-range-invalid',
    'A Merkle subtree range is not one the ledger can compute.',
    { status: 500 },
  );
}

/**
 * The perfect subtrees of [start, end), left to right, largest first. RFC 9162 splits a range at the largest
 * power of two below its length, so its hash is the right fold of the binary decomposition of the length; that
 * equals a fold of stored nodes only when each piece is aligned, which holds for every range a proof or a
 * root needs (a prefix of the tree, or a range that starts on a boundary of a power of two at least its length).
 */
export function subtreeNodes(start: number, end: number): NodeId[] {
  if (!isCount(start) || !isCount(end) || end < start) throw invalidRange();
  let size = 1;
  let level = 0;
  while (size * 2 <= end - start) {
    size *= 2;
    level++;
  }
  const nodes: NodeId[] = [];
  for (let at = start; at < end; size /= 2, level--) {
    if (at + size > end) continue;
    if (at % size !== 0) throw invalidRange();
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}

/** The perfect subtrees that make up a tree of `treeSize` leaves; its root is their right fold. */
export function rootNodes(treeSize: number): NodeId[] {
  if (!isCount(treeSize)) throw sizeOutOfRange();
  return subtreeNodes(0, treeSize);
}

type Range = readonly [start: number, end: number];

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1 as ranges, bottom-up. */
function pathRanges(m: number, start: number, end: number): Range[] {
  if (end - start === 1) return [];
  const k = splitPoint(end - start);
  return m < k
    ? [...pathRanges(m, start, start + k), [start + k, end]]
    : [...pathRanges(m - k, start + k, end), [start, start + k]];
}

/** SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1 as ranges, bottom-up. */
function subproofRanges(m: number, start: number, end: number, b: boolean): Range[] {
  const n = end - start;
  if (m === n) return b ? [] : [[start, end]];
  const k = splitPoint(n);
  return m <= k
    ? [...subproofRanges(m, start, start + k, b), [start + k, end]]
    : [...subproofRanges(m - k, start + k, end, false), [start, start + k]];
}

function sizeOutOfRange(): HavenError {
  return new HavenError('size-out-of-range', 'Tree sizes must be whole numbers from 0 up.', { status: 422 });
}

/** The stored nodes of the inclusion proof for `leafIndex` in the tree of `treeSize` (RFC 9162 §2.1.3.1). */
export function inclusionProofPlan(leafIndex: number, treeSize: number): ProofPlan {
  if (!isCount(treeSize)) throw sizeOutOfRange();
  if (!isCount(leafIndex) || leafIndex >= treeSize) {
    throw new HavenError('index-out-of-range', 'The entry index must be below the tree size.', {
      status: 422,
    });
  }
  return pathRanges(leafIndex, 0, treeSize).map(([start, end]) => subtreeNodes(start, end));
}

/**
 * The stored nodes of the consistency proof from `size1` to `size2` (RFC 9162 §2.1.4.1). Equal sizes and a
 * first size of 0 have the empty proof (there is nothing to prove from the empty tree).
 */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  if (!isCount(size1) || !isCount(size2)) throw sizeOutOfRange();
  if (size1 > size2) {
    throw new HavenError('size-out-of-range', 'The first tree size must not exceed the second.', {
      status: 422,
    });
  }
  if (size1 === 0 || size1 === size2) return [];
  return subproofRanges(size1, 0, size2, true).map(([start, end]) => subtreeNodes(start, end));
}

/**
 * Turns a plan into the proof: asks `fetch` once for every distinct node the plan names (one database query;
 * no call at all for an empty plan), then right-folds each element.
 */
export async function buildProof(
  plan: ProofPlan,
  fetch: (ids: NodeId[]) => Promise<Map<string, Buffer>>,
): Promise<Buffer[]> {
  const wanted = new Map<string, NodeId>();
  for (const element of plan) for (const id of element) wanted.set(nodeKey(id), id);
  if (wanted.size === 0) return plan.map(() => foldRight([]));
  const hashes = await fetch([...wanted.values()]);
  return plan.map((element) =>
    foldRight(
      element.map((id) => {
        const hash = hashes.get(nodeKey(id));
        if (hash?.length !== HASH_SIZE) {
          throw new HavenError(
            'ledger-node-missing',
            'A stored node of the ledger tree is missing or damaged.',
            { status: 500 },
          );
        }
        return hash;
      }),
    ),
  );
}
