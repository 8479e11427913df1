import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CompactTree,
  foldRight,
  inclusionProofPlan,
  leafHash,
  nodeKey,
  rootNodes,
  verifyInclusion,
} from '../../src/ledger/merkle.ts';
import {
  appendToTiles,
  hashInTile,
  levelCount,
  levelOffset,
  partialTiles,
  type StoredTile,
  seqInTile,
  slotOf,
  TILE_HASHES,
  TILE_WIDTH,
  tileKey,
} from '../../src/ledger/tiles.ts';
import { inclusionProof, rootAt, sequenceAll, treeHead } from '../../src/ledger/tree-store.ts';
import { bundledMigrations, migrate } from '../../src/store/migrate.ts';
import { openTestDatabase, testDatabaseKinds } from '../support/database.ts';
import { sampleEvents } from '../support/ledger.ts';
import { nodeMap } from './tree-nodes.ts';

const leafOf = (i: number) => leafHash(Buffer.from(`event ${i}`));

/** Sequencing rounds of the given sizes into an in-memory tile store, as the database layer does. */
function sequenceInMemory(rounds: readonly number[]) {
  const store = new Map<string, StoredTile>();
  const tree = new CompactTree();
  let next = 0;
  const writes: number[] = [];
  for (const size of rounds) {
    const leaves = Array.from({ length: size }, () => ({ hash: leafOf(next), seq: 1000 + next++ }));
    const tiles = appendToTiles(tree, store, leaves);
    writes.push(tiles.length);
    for (const tile of tiles) store.set(tileKey(tile.stratum, tile.tile), tile);
  }
  return { store, tree, size: next, writes };
}

describe('the ledger tree in tiles (B3)', () => {
  test('a node sits in the tile of its stratum at its inner level', () => {
    assert.deepEqual(slotOf({ level: 0, index: 0 }), { stratum: 0, tile: 0, inner: 0, position: 0 });
    assert.deepEqual(slotOf({ level: 0, index: 257 }), { stratum: 0, tile: 1, inner: 0, position: 1 });
    assert.deepEqual(slotOf({ level: 7, index: 3 }), { stratum: 0, tile: 1, inner: 7, position: 1 });
    assert.deepEqual(slotOf({ level: 8, index: 3 }), { stratum: 1, tile: 0, inner: 0, position: 3 });
    assert.deepEqual(slotOf({ level: 26, index: 1 }), { stratum: 3, tile: 0, inner: 2, position: 1 });
    assert.equal(TILE_HASHES, 256 + 128 + 64 + 32 + 16 + 8 + 4 + 2);
    assert.deepEqual([0, 1, 2, 7].map(levelOffset), [0, 256, 384, 508]);
    assert.equal(levelCount(200, 3), 25);
  });

  test('the partial tiles of a size are the ones a round extends', () => {
    assert.deepEqual(partialTiles(0), []);
    assert.deepEqual(partialTiles(256), [{ stratum: 1, tile: 0, width: 1 }]);
    assert.deepEqual(partialTiles(70_000), [
      { stratum: 0, tile: 273, width: 112 },
      { stratum: 1, tile: 1, width: 17 },
      { stratum: 2, tile: 0, width: 1 },
    ]);
  });

  test('rounds of any size store every perfect subtree exactly as the reference tree has it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), (rounds) => {
        const { store, tree, size } = sequenceInMemory(rounds);
        const reference = nodeMap(Array.from({ length: size }, (_, i) => leafOf(i)));
        for (const [key, hash] of reference) {
          const [level, index] = key.split(':').map(Number) as [number, number];
          const slot = slotOf({ level, index });
          const tile = store.get(tileKey(slot.stratum, slot.tile));
          assert.ok(tile, `tile for ${key}`);
          assert.ok(hashInTile(tile, { level, index }).equals(hash), key);
        }
        // Level 0 keeps each leaf's event seq in order.
        for (let i = 0; i < size; i++) {
          const tile = store.get(tileKey(0, Math.floor(i / TILE_WIDTH)))!;
          assert.equal(seqInTile(tile, i % TILE_WIDTH), 1000 + i);
        }
        assert.equal(tree.size, size);
      }),
      { numRuns: 40 },
    );
  });

  test('past 65,536 leaves the third stratum is used, and a proof at any index comes from tiles alone', () => {
    const { store, tree } = sequenceInMemory([40_000, 1, 30_000, 255]);
    const size = tree.size;
    assert.ok(store.has(tileKey(2, 0)));
    for (const index of [0, 255, 256, 65_535, 65_536, size - 1]) {
      const plan = inclusionProofPlan(index, size);
      const proof = plan.map(
        (element) =>
          element.reduceRight<Buffer | undefined>((acc, id) => {
            const slot = slotOf(id);
            const hash = hashInTile(store.get(tileKey(slot.stratum, slot.tile))!, id);
            return acc
              ? createHash('sha256')
                  .update(Buffer.from([1]))
                  .update(hash)
                  .update(acc)
                  .digest()
              : hash;
          }, undefined)!,
      );
      verifyInclusion(index, size, leafOf(index), proof, tree.root());
    }
    // The root from the tiles' perfect subtrees equals the tree's own.
    const roots = rootNodes(size).map((id) => {
      const slot = slotOf(id);
      return hashInTile(store.get(tileKey(slot.stratum, slot.tile))!, id);
    });
    assert.ok(foldRight(roots).equals(tree.root()));
  });

  test('an append writes a row per 256 leaves and stratum, not a row per node', () => {
    const { writes } = sequenceInMemory(Array.from({ length: 40 }, () => 1000));
    // 1,000 leaves touch 4 or 5 level-0 tiles and one tile of each stratum above.
    for (const count of writes) assert.ok(count <= 7, `wrote ${count} tiles for 1,000 leaves`);
  });

  test('a partial tile that does not match the tree head is refused, not overwritten', () => {
    const { store, tree } = sequenceInMemory([300]);
    const tile = store.get(tileKey(0, 1))!;
    store.set(tileKey(0, 1), { ...tile, width: tile.width - 1 });
    assert.throws(() => appendToTiles(tree, store, [{ hash: leafOf(300), seq: 1 }]), {
      code: 'ledger-inconsistent',
    });
    store.delete(tileKey(0, 1));
    assert.throws(() => appendToTiles(tree, store, [{ hash: leafOf(300), seq: 1 }]), {
      code: 'ledger-inconsistent',
    });
  });

  test('a damaged tile is reported, never read past its end', () => {
    const { store } = sequenceInMemory([10]);
    const tile = store.get(tileKey(0, 0))!;
    assert.throws(() => hashInTile({ ...tile, hashes: tile.hashes.subarray(32) }, { level: 0, index: 0 }), {
      code: 'ledger-node-missing',
    });
    assert.throws(() => hashInTile(tile, { level: 0, index: 10 }), { code: 'ledger-node-missing' });
    assert.throws(() => seqInTile({ ...tile, seqs: null }, 0), { code: 'ledger-node-missing' });
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`migrating a ledger of node rows to tiles (${kind})`, () => {
    test('a tree stored node by node reads the same after migration 0005, and keeps growing', async () => {
      const t = await openTestDatabase(kind, { migrated: false });
      try {
        await migrate(
          t.db,
          bundledMigrations().filter((m) => m.version < 5),
        );
        // The tree as 0002 stored it: every perfect subtree a row, leaves with their event's seq.
        const events = sampleEvents(600);
        const { rows } = await t.db.query<{ seq: number; body: Buffer }>(
          `insert into audit_event (body, leaf_hash)
           select b, sha256('\\x00'::bytea || b) from unnest($1::bytea[]) with ordinality as u(b, o) order by o
           returning seq, body`,
          [events.map((e) => Buffer.from(JSON.stringify(e)))],
        );
        const leaves = rows.map((r) => leafHash(r.body));
        const nodes = nodeMap(leaves);
        const levels: number[] = [];
        const indexes: number[] = [];
        const hashes: Buffer[] = [];
        const seqs: (number | null)[] = [];
        for (const [key, hash] of nodes) {
          const [level, index] = key.split(':').map(Number) as [number, number];
          levels.push(level);
          indexes.push(index);
          hashes.push(hash);
          seqs.push(level === 0 ? rows[index]!.seq : null);
        }
        await t.db.query(
          `insert into ledger_node (level, node_index, hash, seq)
           select * from unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bigint[])`,
          [levels, indexes, hashes, seqs],
        );
        const tree = new CompactTree();
        for (const leaf of leaves) tree.append(leaf);
        const last = rows.at(-1)!;
        await t.db.query(
          `insert into ledger_head (id, size, root, frontier, last_xid, last_seq)
           select 1, $1, $2, $3, xid, seq from audit_event where seq = $4`,
          [tree.size, tree.root(), Buffer.concat(tree.frontier().hashes), last.seq],
        );

        await migrate(t.db);
        const { rows: leafRows } = await t.db.query<{ leaf_index: number; seq: number; hash: Buffer }>(
          'select leaf_index, seq, hash from ledger_leaf order by leaf_index',
        );
        assert.equal(leafRows.length, 600);
        for (const row of leafRows) {
          assert.equal(row.seq, rows[row.leaf_index]!.seq);
          assert.ok(row.hash.equals(leaves[row.leaf_index]!));
        }
        assert.ok((await rootAt(t.db, 256)).equals(nodes.get(nodeKey({ level: 8, index: 0 }))!));
        for (const index of [0, 255, 256, 599]) {
          verifyInclusion(index, 600, leaves[index]!, await inclusionProof(t.db, index, 600), tree.root());
        }
        // Sequencing continues on the migrated tiles.
        await t.db.query(
          `insert into audit_event (body, leaf_hash) select b, sha256('\\x00'::bytea || b) from unnest($1::bytea[]) as u(b)`,
          [sampleEvents(100).map((e) => Buffer.from(JSON.stringify(e)))],
        );
        assert.equal(await sequenceAll(t.db, 37), 100);
        const head = await treeHead(t.db);
        assert.equal(head.size, 700);
        const { rows: all } = await t.db.query<{ hash: Buffer }>(
          'select hash from ledger_leaf order by leaf_index',
        );
        const grown = new CompactTree();
        for (const row of all) grown.append(row.hash);
        assert.ok(grown.root().equals(head.root));
      } finally {
        await t.drop();
      }
    });
  });
}
