import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HavenError } from '../../src/domain/errors.ts';
import {
  buildProof,
  CompactTree,
  consistencyProofPlan,
  EMPTY_ROOT,
  foldRight,
  inclusionProofPlan,
  leafHash,
  type NodeId,
  nodeHash,
  nodeKey,
  rootNodes,
  rootOf,
  subtreeNodes,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.ts';
import { nodeMap } from './tree-nodes.ts';

const leaves = (n: number, seed = 0): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${seed}/${i}`)));

function fetcher(nodes: Map<string, Buffer>) {
  const calls: NodeId[][] = [];
  const fetch = async (ids: NodeId[]) => {
    calls.push(ids);
    return new Map(
      ids.filter((id) => nodes.has(nodeKey(id))).map((id) => [nodeKey(id), nodes.get(nodeKey(id))!]),
    );
  };
  return { fetch, calls };
}

function refused(run: () => void, code?: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof HavenError, 'a HavenError');
    assert.equal(error.status, 422);
    if (code) assert.equal(error.code, code);
    return true;
  });
}

const flipBit = (proof: Buffer[], element: number, bit: number): Buffer[] =>
  proof.map((hash, i) => {
    if (i !== element) return hash;
    const copy = Buffer.from(hash);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  });

// One tree of 2000 leaves serves every property: its prefixes are the trees of every smaller size.
const ALL = leaves(2000);
const NODES = nodeMap(ALL);
const ROOTS = new Map<number, Buffer>();
const root = (size: number): Buffer => {
  if (!ROOTS.has(size)) ROOTS.set(size, rootOf(ALL.slice(0, size)));
  return ROOTS.get(size)!;
};
const nodesOfSize = (size: number) => {
  // Only nodes complete within the first `size` leaves exist in a tree of that size.
  const map = new Map<string, Buffer>();
  for (const [key, hash] of NODES) {
    const [level, index] = key.split(':').map(Number) as [number, number];
    if ((index + 1) * 2 ** level <= size) map.set(key, hash);
  }
  return map;
};

describe('Merkle tree hashing (AUD-2, RFC 9162 §2.1.1)', () => {
  test('uses the leaf and node prefixes and the empty-tree hash of RFC 9162', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    assert.deepEqual(EMPTY_ROOT, sha());
    assert.deepEqual(leafHash(Buffer.from('a')), sha(Buffer.from([0]), Buffer.from('a')));
    const [l, r] = leaves(2);
    assert.deepEqual(nodeHash(l!, r!), sha(Buffer.from([1]), l!, r!));
    assert.deepEqual(rootOf([]), EMPTY_ROOT);
    assert.deepEqual(foldRight([]), EMPTY_ROOT);
    assert.deepEqual(rootOf([l!]), l);
  });

  test('the root is the right fold of the perfect subtrees of the size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), (size) => {
        const ids = rootNodes(size);
        assert.equal(
          ids.reduce((sum, id) => sum + 2 ** id.level, 0),
          size,
        );
        assert.deepEqual(foldRight(ids.map((id) => NODES.get(nodeKey(id))!)), root(size));
      }),
      { numRuns: 300 },
    );
  });

  test('decomposes only ranges whose hash is a fold of stored nodes', () => {
    assert.deepEqual(subtreeNodes(4, 7), [
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(subtreeNodes(8, 16), [{ level: 3, index: 1 }]);
    assert.throws(() => subtreeNodes(1, 4), { code: 'subtree-range-invalid' });
    assert.throws(() => subtreeNodes(5, 3), { code: 'subtree-range-invalid' });
  });
});

describe('inclusion proofs (AUD-2, RFC 9162 §2.1.3)', () => {
  const sizeAndIndex = fc
    .integer({ min: 1, max: 2000 })
    .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));

  test('a proof built from stored nodes verifies against the reference root', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, async ([size, index]) => {
        const proof = await buildProof(inclusionProofPlan(index, size), fetcher(nodesOfSize(size)).fetch);
        verifyInclusion(index, size, ALL[index]!, proof, root(size));
      }),
      { numRuns: 400 },
    );
  });

  test('a flipped bit, another index, another size or a shortened or lengthened proof is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizeAndIndex,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        fc.nat(),
        async ([size, index], pick, bit, otherIndex, otherSize) => {
          const proof = await buildProof(inclusionProofPlan(index, size), fetcher(nodesOfSize(size)).fetch);
          const leaf = ALL[index]!;
          if (proof.length > 0) {
            refused(() =>
              verifyInclusion(index, size, leaf, flipBit(proof, pick % proof.length, bit), root(size)),
            );
            refused(() => verifyInclusion(index, size, leaf, proof.slice(0, -1), root(size)));
          }
          refused(() => verifyInclusion(index, size, flipBit([leaf], 0, bit)[0]!, proof, root(size)));
          refused(() => verifyInclusion(index, size, leaf, [...proof, ALL[0]!], root(size)));
          refused(() => verifyInclusion(index, size, leaf, [ALL[0]!, ...proof], root(size)));
          const wrongIndex = otherIndex % size;
          if (wrongIndex !== index) refused(() => verifyInclusion(wrongIndex, size, leaf, proof, root(size)));
          // Against the checkpoint of another size (its own root), the proof must fail.
          const wrongSize = index + 1 + (otherSize % (2000 - index));
          if (wrongSize !== size)
            refused(() => verifyInclusion(index, wrongSize, leaf, proof, root(wrongSize)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('refuses an index outside the tree', () => {
    refused(() => verifyInclusion(0, 0, ALL[0]!, [], EMPTY_ROOT), 'index-out-of-range');
    refused(() => verifyInclusion(3, 3, ALL[3]!, [], root(3)), 'index-out-of-range');
    refused(() => verifyInclusion(-1, 3, ALL[0]!, [], root(3)), 'index-out-of-range');
    assert.throws(() => inclusionProofPlan(5, 5), { code: 'index-out-of-range' });
    refused(() => verifyInclusion(0, 1, Buffer.alloc(31), [], root(1)), 'hash-wrong-size');
  });
});

describe('consistency proofs (AUD-2, RFC 9162 §2.1.4)', () => {
  const sizes = fc
    .integer({ min: 1, max: 2000 })
    .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

  test('a proof built from stored nodes verifies against the reference roots', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ([size1, size2]) => {
        const proof = await buildProof(consistencyProofPlan(size1, size2), fetcher(nodesOfSize(size2)).fetch);
        verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: 400 },
    );
  });

  test('a flipped bit, other sizes, swapped roots or a shortened or lengthened proof is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizes,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        async ([size1, size2], pick, bit, other) => {
          fc.pre(size1 < size2);
          const proof = await buildProof(
            consistencyProofPlan(size1, size2),
            fetcher(nodesOfSize(size2)).fetch,
          );
          const [r1, r2] = [root(size1), root(size2)];
          refused(() => verifyConsistency(size1, size2, flipBit(proof, pick % proof.length, bit), r1, r2));
          refused(() => verifyConsistency(size1, size2, proof.slice(0, -1), r1, r2));
          refused(() => verifyConsistency(size1, size2, [...proof, r1], r1, r2));
          refused(() => verifyConsistency(size1, size2, [proof[0]!, ...proof], r1, r2));
          refused(() => verifyConsistency(size1, size2, proof, r2, r1));
          refused(() => verifyConsistency(size1, size2, proof, flipBit([r1], 0, bit)[0]!, r2));
          const wrong1 = 1 + (other % size2);
          if (wrong1 !== size1) refused(() => verifyConsistency(wrong1, size2, proof, root(wrong1), r2));
          const wrong2 = size1 + (other % (2001 - size1));
          if (wrong2 !== size2) refused(() => verifyConsistency(size1, wrong2, proof, r1, root(wrong2)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('equal sizes need an empty proof and equal roots; the empty tree proves nothing', () => {
    verifyConsistency(5, 5, [], root(5), root(5));
    verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT);
    refused(() => verifyConsistency(5, 5, [root(5)], root(5), root(5)), 'proof-wrong-length');
    refused(() => verifyConsistency(5, 5, [], root(5), root(6)), 'root-mismatch');
    refused(() => verifyConsistency(0, 0, [], root(1), root(1)), 'root-mismatch');
    refused(() => verifyConsistency(0, 7, [], EMPTY_ROOT, root(7)), 'consistency-from-empty-tree');
    refused(() => verifyConsistency(8, 7, [], root(8), root(7)), 'size-out-of-range');
    refused(() => verifyConsistency(3, 7, [], root(3), root(7)), 'proof-wrong-length');
    assert.deepEqual(consistencyProofPlan(0, 7), []);
    assert.deepEqual(consistencyProofPlan(7, 7), []);
    assert.throws(() => consistencyProofPlan(8, 7), { code: 'size-out-of-range' });
  });
});

describe('building proofs from stored nodes', () => {
  test('reads every node it needs in one call, each once', async () => {
    const { fetch, calls } = fetcher(nodesOfSize(1000));
    await buildProof(consistencyProofPlan(377, 1000), fetch);
    assert.equal(calls.length, 1);
    const keys = calls[0]!.map(nodeKey);
    assert.equal(new Set(keys).size, keys.length);
    const { fetch: none, calls: noCalls } = fetcher(nodesOfSize(10));
    assert.deepEqual(await buildProof(consistencyProofPlan(10, 10), none), []);
    assert.equal(noCalls.length, 0);
  });

  test('refuses to build a proof from a missing node', async () => {
    const nodes = nodesOfSize(100);
    nodes.delete(nodeKey({ level: 0, index: 42 }));
    await assert.rejects(buildProof(inclusionProofPlan(43, 100), fetcher(nodes).fetch), {
      code: 'ledger-node-missing',
    });
  });

  test('stays exact for tree sizes far above 2^32', async () => {
    // With every leaf equal, all nodes of one level share a hash, so trees of any size can be built here.
    const levels = [leafHash(Buffer.from('same'))];
    while (levels.length < 54) levels.push(nodeHash(levels.at(-1)!, levels.at(-1)!));
    const fetch = async (ids: NodeId[]) => new Map(ids.map((id) => [nodeKey(id), levels[id.level]!]));
    const big = 2 ** 52 + 2 ** 40 + 12_345;
    const rootOfSize = (size: number) => foldRight(rootNodes(size).map((id) => levels[id.level]!));
    for (const index of [0, 2 ** 33 + 7, big - 1]) {
      const proof = await buildProof(inclusionProofPlan(index, big), fetch);
      verifyInclusion(index, big, levels[0]!, proof, rootOfSize(big));
    }
    const size1 = 2 ** 35 + 3;
    const proof = await buildProof(consistencyProofPlan(size1, big), fetch);
    verifyConsistency(size1, big, proof, rootOfSize(size1), rootOfSize(big));
    refused(() => verifyConsistency(size1, big, proof.slice(1), rootOfSize(size1), rootOfSize(big)));
  });
});

describe('compact tree (sequencer and verifier)', () => {
  test('its root equals the reference root at every size', () => {
    const tree = new CompactTree();
    assert.deepEqual(tree.root(), EMPTY_ROOT);
    for (let size = 1; size <= 600; size++) {
      tree.append(ALL[size - 1]!);
      assert.equal(tree.size, size);
      assert.deepEqual(tree.root(), root(size), `size ${size}`);
    }
  });

  test('emits each perfect node exactly once, with its hash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), (size) => {
        const tree = new CompactTree();
        const emitted = new Map<string, Buffer>();
        for (const leaf of ALL.slice(0, size)) {
          for (const { id, hash } of tree.appendAndCollect(leaf)) {
            assert.ok(!emitted.has(nodeKey(id)), `node ${nodeKey(id)} emitted twice`);
            emitted.set(nodeKey(id), hash);
          }
        }
        assert.deepEqual(emitted, nodesOfSize(size));
      }),
      { numRuns: 40 },
    );
  });

  test('resumes from its frontier as if it had never stopped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (stop, more) => {
        const first = new CompactTree();
        for (const leaf of ALL.slice(0, stop)) first.append(leaf);
        const { size, hashes } = first.frontier();
        assert.deepEqual(
          hashes,
          rootNodes(stop).map((id) => NODES.get(nodeKey(id))),
        );
        const resumed = CompactTree.fromFrontier(size, hashes);
        for (const leaf of ALL.slice(stop, stop + more)) resumed.append(leaf);
        assert.deepEqual(resumed.root(), root(stop + more));
      }),
      { numRuns: 100 },
    );
  });

  test('refuses a frontier that does not fit its size, and leaf hashes of the wrong length', () => {
    assert.throws(() => CompactTree.fromFrontier(3, [ALL[0]!]), { code: 'frontier-invalid' });
    assert.throws(() => CompactTree.fromFrontier(1, [Buffer.alloc(16)]), { code: 'frontier-invalid' });
    assert.throws(() => new CompactTree().append(Buffer.alloc(33)), { code: 'hash-wrong-size' });
  });
});
