import { HavenError } from '../domain/errors.ts';
import { foldRight, HASH_SIZE, isCount, type NodeId, nodeHash, ones } from './tree-hash.ts';

/** The size of a tree and the hashes of its perfect subtrees (rootNodes(size)), left to right. */
export interface Frontier {
  size: number;
  hashes: Buffer[];
}

/** A perfect subtree completed by an append: exactly the rows the database layer stores (AUD-2). */
export interface CompletedNode {
  id: NodeId;
  hash: Buffer;
}

function frontierInvalid(message: string): HavenError {
  return new HavenError('frontier-invalid', message, { status: 500 });
}

/**
 * An append-only Merkle tree that keeps only its frontier: one hash per perfect subtree of the tree's size,
 * O(log n) memory. The sequencer appends with it and the verifier recomputes the root of an export with it.
 */
export class CompactTree {
  #size = 0;
  /** Hashes of rootNodes(size), left to right (so the largest subtree first). */
  #hashes: Buffer[] = [];

  /** Resumes from a stored frontier, so appending never reads old nodes back. */
  static fromFrontier(size: number, hashes: readonly Uint8Array[]): CompactTree {
    if (!isCount(size)) throw frontierInvalid('A ledger frontier needs a whole-number size.');
    if (hashes.length !== ones(size) || hashes.some((hash) => hash.length !== HASH_SIZE)) {
      throw frontierInvalid('The stored ledger frontier does not match its tree size.');
    }
    const tree = new CompactTree();
    tree.#size = size;
    tree.#hashes = hashes.map((hash) => Buffer.from(hash));
    return tree;
  }

  get size(): number {
    return this.#size;
  }

  frontier(): Frontier {
    return { size: this.#size, hashes: this.#hashes.map((hash) => Buffer.from(hash)) };
  }

  root(): Buffer {
    return foldRight(this.#hashes);
  }

  append(leafHash: Uint8Array): void {
    this.#append(leafHash, undefined);
  }

  /** Appends and returns the leaf and every parent the leaf completes, bottom-up. */
  appendAndCollect(leafHash: Uint8Array): CompletedNode[] {
    const completed: CompletedNode[] = [];
    this.#append(leafHash, completed);
    return completed;
  }

  #append(leafHash: Uint8Array, completed: CompletedNode[] | undefined): void {
    if (leafHash.length !== HASH_SIZE) {
      throw new HavenError('hash-wrong-size', `A leaf hash must be ${HASH_SIZE} bytes.`, { status: 422 });
    }
    if (!Number.isSafeInteger(this.#size + 1)) throw frontierInvalid('The ledger tree cannot grow further.');
    let hash: Buffer = Buffer.from(leafHash);
    let index = this.#size;
    let level = 0;
    completed?.push({ id: { level, index }, hash: Buffer.from(hash) });
    // An odd index has a complete left sibling on the frontier: merge until the new subtree is a left child.
    while (index % 2 === 1) {
      hash = nodeHash(this.#hashes.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      completed?.push({ id: { level, index }, hash: Buffer.from(hash) });
    }
    this.#hashes.push(hash);
    this.#size++;
  }
}
