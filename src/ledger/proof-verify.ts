import { HavenError } from '../domain/errors.ts';
import { nodeSha256Into } from './node-sha256.ts';
import { EMPTY_ROOT, half, isCount, isPowerOfTwo, requireHash, sameBytes } from './tree-hash.ts';

/**
 * Verification of inclusion and consistency proofs (AUD-2), following the algorithms of RFC 9162 §2.1.3.2 and
 * §2.1.4.2 step by step. Each refusal throws a HavenError with a stable code (status 422):
 * `index-out-of-range`, `size-out-of-range`, `hash-wrong-size`, `proof-wrong-length`, `inclusion-proof-invalid`,
 * `consistency-proof-invalid`, `consistency-from-empty-tree`, `root-mismatch`.
 */

function refuse(code: string, message: string): HavenError {
  return new HavenError(code, message, { status: 422 });
}

function wrongLength(): HavenError {
  return refuse('proof-wrong-length', 'The proof has the wrong number of hashes for these tree sizes.');
}

function checkSize(size: number): void {
  if (!isCount(size)) throw refuse('size-out-of-range', 'Tree sizes must be whole numbers from 0 up.');
}

/** While fn is even and not 0, shift fn and sn right together (RFC 9162 §2.1.3.2 step 4.b.ii). */
function climbPastMissingRightSiblings(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

/** Checks that `leafHash` is the entry at `leafIndex` of the tree of `treeSize` with root `root`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkSize(treeSize);
  // Step 1: an index at or past the size is never in the tree (this also refuses every proof for size 0).
  if (!isCount(leafIndex) || leafIndex >= treeSize) {
    throw refuse('index-out-of-range', 'The entry index must be below the tree size.');
  }
  requireHash(leafHash, 'leaf hash');
  requireHash(root, 'root hash');
  for (const p of proof) requireHash(p, 'proof hash');
  // Steps 2–4, hashing in place into one buffer (B3: no allocation per node).
  let fn = leafIndex;
  let sn = treeSize - 1;
  const r = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw wrongLength();
    if (fn % 2 === 1 || fn === sn) {
      nodeSha256Into(p, r, r);
      [fn, sn] = climbPastMissingRightSiblings(fn, sn);
    } else {
      nodeSha256Into(r, p, r);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  if (sn !== 0) throw wrongLength();
  if (!sameBytes(r, root)) {
    throw refuse('inclusion-proof-invalid', 'The inclusion proof does not lead to the given root hash.');
  }
}

/** Checks that the tree of `size2` with root `root2` extends the tree of `size1` with root `root1`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkSize(size1);
  checkSize(size2);
  if (size1 > size2) throw refuse('size-out-of-range', 'The first tree size must not exceed the second.');
  if (size1 === size2) {
    // The same tree: nothing to prove, the two roots must simply agree (and the empty tree has a known root).
    if (proof.length !== 0) throw wrongLength();
    if (!sameBytes(root1, root2) || (size1 === 0 && !sameBytes(root1, EMPTY_ROOT))) {
      throw refuse('root-mismatch', 'Two checkpoints of the same tree size have different root hashes.');
    }
    return;
  }
  if (size1 === 0) {
    // RFC 9162 defines consistency proofs for 0 < size1 only: every tree extends the empty one.
    throw refuse(
      'consistency-from-empty-tree',
      'A consistency proof from the empty tree proves nothing; trust the first checkpoint on its own terms.',
    );
  }
  // Step 1.
  if (proof.length === 0) throw wrongLength();
  requireHash(root1, 'first root hash');
  requireHash(root2, 'second root hash');
  for (const c of proof) requireHash(c, 'proof hash');
  // Step 2: when size1 is a power of two, its root is a node of the second tree and the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  // Steps 5–6.
  const fr = Buffer.from(path[0]!);
  const sr = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) throw wrongLength();
    if (fn % 2 === 1 || fn === sn) {
      nodeSha256Into(c, fr, fr);
      nodeSha256Into(c, sr, sr);
      [fn, sn] = climbPastMissingRightSiblings(fn, sn);
    } else {
      nodeSha256Into(sr, c, sr);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw wrongLength();
  if (!sameBytes(fr, root1) || !sameBytes(sr, root2)) {
    throw refuse('consistency-proof-invalid', 'The consistency proof does not connect the two root hashes.');
  }
}
