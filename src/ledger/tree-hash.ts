import { createHash, hash } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { nodeSha256Into } from './node-sha256.ts';

/**
 * The hashing rules of the ledger's Merkle tree (AUD-2, RFC 9162 §2.1.1) and the arithmetic on tree sizes that
 * the proofs, the compact tree and the verifier share. Sizes and indexes are plain numbers: every one is a safe
 * integer (below 2^53), so the arithmetic below divides instead of using 32-bit bitwise operators.
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1): the root of the empty tree. Never mutate it. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** MTH({d}) = SHA-256(0x00 ‖ d): the leaf prefix keeps a leaf from passing for an inner node. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** leafHash of the bytes after the first of `prefixed`, whose first byte is 0x00: one call, no copy (B3). */
export function leafHashOfPrefixed(prefixed: Buffer): Buffer {
  if (prefixed[0] !== 0x00)
    throw new HavenError('leaf-prefix-missing', 'A leaf input must start with 0x00.', { status: 500 });
  return hash('sha256', prefixed, 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right), the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  const out = Buffer.allocUnsafe(32);
  nodeSha256Into(left, right, out);
  return out;
}

/**
 * A perfect subtree: the 2^level leaves [index·2^level, (index+1)·2^level). Level 0 nodes are leaf hashes.
 * These are the only nodes the database stores: they never change once complete.
 */
export interface NodeId {
  level: number;
  index: number;
}

/** The key of a node in the map `buildProof` asks the database layer for. */
export function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

/**
 * The hash of a range from the hashes of its perfect subtrees, left to right, largest first: the last two are
 * joined first, as RFC 9162's split at the largest power of two below the size does. Empty → the empty root.
 */
export function foldRight(hashes: readonly Uint8Array[]): Buffer {
  const last = hashes.at(-1);
  if (last === undefined) return Buffer.from(EMPTY_ROOT);
  let hash: Buffer = Buffer.from(last);
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A tree size or leaf count: a non-negative safe integer. */
export function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** k in RFC 9162 §2.1.1: the largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Right shift by one that stays exact above 2^32. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

export function ones(n: number): number {
  let count = 0;
  for (; n > 0; n = half(n)) count += n % 2;
  return count;
}

export function requireHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new HavenError('hash-wrong-size', `The ${what} must be a ${HASH_SIZE}-byte SHA-256 hash.`, {
      status: 422,
    });
  }
}
