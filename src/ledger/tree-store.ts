import { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';
import { packBytes, unpackedSql } from '../store/packed-bytes.ts';
import {
  buildProof,
  CompactTree,
  consistencyProofPlan,
  EMPTY_ROOT,
  foldRight,
  inclusionProofPlan,
  type NodeId,
  nodeKey,
  rootNodes,
} from './merkle.ts';
import {
  appendToTiles,
  byteOffset,
  hashInTile,
  levelCount,
  partialTiles,
  type StoredTile,
  seqInTile,
  slotOf,
  TILE_WIDTH,
  tileKey,
} from './tiles.ts';

/**
 * The Merkle tree in PostgreSQL (AUD-2). Events are recorded in the transaction of the change they describe
 * (durable at commit); the sequencer then gives them leaf indexes in batches, under an advisory lock, so several
 * Haven servers build one tree. Appending writes the tiles the new leaves fill (tiles.ts); proofs read the tiles
 * holding the O(log n) nodes they need in one query, never the events.
 */

// Any constant shared by every Haven process; distinct from the migration lock.
const SEQUENCER_LOCK = 7_302_152;
export const DEFAULT_BATCH = 5_000;

export interface TreeHead {
  size: number;
  root: Buffer;
}

interface HeadRow {
  size: number;
  root: Buffer;
  frontier: Buffer;
  last_xid: string;
  last_seq: number;
}

function splitFrontier(frontier: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let i = 0; i < frontier.length; i += 32) hashes.push(frontier.subarray(i, i + 32));
  return hashes;
}

function missingLeafHash(seq: number): never {
  throw new HavenError('ledger-event-unhashed', `Audit event ${seq} was stored without its leaf hash.`, {
    status: 500,
  });
}

export async function treeHead(sql: Sql): Promise<TreeHead> {
  const { rows } = await sql.query<HeadRow>('select size, root from ledger_head where id = 1');
  return rows[0] ? { size: rows[0].size, root: rows[0].root } : { size: 0, root: EMPTY_ROOT };
}

/**
 * Sequences up to `batch` pending events into the tree, in one transaction. Returns how many it sequenced (0 when
 * nothing was pending or another process holds the sequencer lock). The order of the tree is the order of
 * sequencing — by (transaction id, seq) — which is why an event's index is assigned here and not when it is
 * recorded. Events of a transaction still running wait until every older transaction has finished.
 * Writes go to tiles (tiles.ts): the partial tile of each stratum is read, extended and written back, and every
 * tile completed on the way is written once — one statement for all of them.
 */
export async function sequencePending(db: Database, batch = DEFAULT_BATCH): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows: lock } = await tx.query<{ locked: boolean }>(
      'select pg_try_advisory_xact_lock($1) as locked',
      [SEQUENCER_LOCK],
    );
    if (!lock[0]?.locked) return 0;
    const { rows: heads } = await tx.query<HeadRow>(
      'select size, root, frontier, last_xid::text as last_xid, last_seq from ledger_head where id = 1',
    );
    const head = heads[0];
    // Events past the watermark, from transactions older than every running one: none can appear below them later.
    // Ordered by the xid8 column itself: ordering by the text form would put transaction 1000 before 999.
    const { rows: pending } = await tx.query<{ seq: number; leaf_hash: Buffer | null; xid: string }>(
      `select e.seq, e.leaf_hash, e.xid::text as xid from audit_event e
        where (e.xid, e.seq) > ($1::xid8, $2::bigint) and e.xid < pg_snapshot_xmin(pg_current_snapshot())
        order by e.xid, e.seq limit $3`,
      [head?.last_xid ?? '0', head?.last_seq ?? 0, batch],
    );
    if (pending.length === 0) return 0;
    const tree = head ? CompactTree.fromFrontier(head.size, splitFrontier(head.frontier)) : new CompactTree();
    const partial = partialTiles(tree.size);
    const stored = partial.length > 0 ? await fetchTiles(tx, partial) : new Map<string, StoredTile>();
    const tiles = appendToTiles(
      tree,
      stored,
      pending.map((event) => ({ hash: event.leaf_hash ?? missingLeafHash(event.seq), seq: event.seq })),
    );
    // Tiles are 16 KB each: sent as one binary parameter, not as hex text (packed-bytes.ts).
    const hashes = packBytes(tiles.map((t) => t.hashes));
    const seqs = packBytes(tiles.map((t) => t.seqs));
    await tx.query(
      `insert into ledger_tile (level, tile_index, width, hashes, seqs)
       select l, t, w, ${unpackedSql('$4::bytea', 'ho', 'hn')}, ${unpackedSql('$7::bytea', 'so', 'sn')}
         from unnest($1::smallint[], $2::bigint[], $3::smallint[], $5::int[], $6::int[], $8::int[], $9::int[])
           as x(l, t, w, ho, hn, so, sn)
       on conflict (level, tile_index) do update
         set width = excluded.width, hashes = excluded.hashes, seqs = excluded.seqs`,
      [
        tiles.map((t) => t.stratum),
        tiles.map((t) => t.tile),
        tiles.map((t) => t.width),
        hashes.blob,
        hashes.offsets,
        hashes.lengths,
        seqs.blob,
        seqs.offsets,
        seqs.lengths,
      ],
    );
    const frontier = Buffer.concat(tree.frontier().hashes);
    const last = pending.at(-1)!;
    await tx.query(
      `insert into ledger_head (id, size, root, frontier, last_xid, last_seq, updated_at)
       values (1, $1, $2, $3, $4::xid8, $5, now())
       on conflict (id) do update set size = excluded.size, root = excluded.root, frontier = excluded.frontier,
         last_xid = excluded.last_xid, last_seq = excluded.last_seq, updated_at = excluded.updated_at`,
      [tree.size, tree.root(), frontier, last.xid, last.seq],
    );
    return pending.length;
  });
}

/** Sequences until nothing is pending (tests, `haven ledger checkpoint`, shutdown). */
export async function sequenceAll(db: Database, batch = DEFAULT_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sequencePending(db, batch);
    total += n;
    if (n === 0) return total;
  }
}

interface TileRow {
  level: number;
  tile_index: number;
  width: number;
  hashes: Buffer;
  seqs: Buffer | null;
}

async function fetchTiles(
  sql: Sql,
  wanted: readonly { stratum: number; tile: number }[],
): Promise<Map<string, StoredTile>> {
  const { rows } = await sql.query<TileRow>(
    `select t.level, t.tile_index, t.width, t.hashes, t.seqs from ledger_tile t
       join unnest($1::smallint[], $2::bigint[]) as want(level, tile_index)
         on t.level = want.level and t.tile_index = want.tile_index`,
    [wanted.map((w) => w.stratum), wanted.map((w) => w.tile)],
  );
  return new Map(
    rows.map((row) => [
      tileKey(row.level, row.tile_index),
      { stratum: row.level, tile: row.tile_index, width: row.width, hashes: row.hashes, seqs: row.seqs },
    ]),
  );
}

/**
 * The hashes of stored nodes, from the tiles that hold them, in one query that reads only each node's 32 bytes
 * (tiles are stored uncompressed, so PostgreSQL fetches just the part of the row a slice needs).
 */
async function fetchNodes(sql: Sql, ids: NodeId[]): Promise<Map<string, Buffer>> {
  const slots = ids.map(slotOf);
  const { rows } = await sql.query<{ k: number; width: number; hash: Buffer }>(
    `select want.k, t.width, substring(t.hashes from want.at + 1 for 32) as hash
       from unnest($1::smallint[], $2::bigint[], $3::int[], $4::int[]) as want(level, tile_index, at, k)
       join ledger_tile t on t.level = want.level and t.tile_index = want.tile_index`,
    [slots.map((s) => s.stratum), slots.map((s) => s.tile), ids.map(byteOffset), ids.map((_, k) => k)],
  );
  const nodes = new Map<string, Buffer>();
  for (const row of rows) {
    const slot = slots[row.k]!;
    // A place the tile has not filled yet holds zeros, not a node.
    if (slot.position < levelCount(row.width, slot.inner)) nodes.set(nodeKey(ids[row.k]!), row.hash);
  }
  return nodes;
}

/** The leaves [from, to): index, the seq of the event row, and the leaf hash the tree stored. */
export async function leavesInRange(
  sql: Sql,
  from: number,
  to: number,
): Promise<{ index: number; seq: number; hash: Buffer }[]> {
  if (to <= from) return [];
  const { rows } = await sql.query<TileRow>(
    `select level, tile_index, width, hashes, seqs from ledger_tile
      where level = 0 and tile_index >= $1 and tile_index <= $2 order by tile_index`,
    [Math.floor(from / TILE_WIDTH), Math.floor((to - 1) / TILE_WIDTH)],
  );
  const leaves: { index: number; seq: number; hash: Buffer }[] = [];
  for (const row of rows) {
    const tile: StoredTile = {
      stratum: 0,
      tile: row.tile_index,
      width: row.width,
      hashes: row.hashes,
      seqs: row.seqs,
    };
    for (let position = 0; position < row.width; position++) {
      const index = row.tile_index * TILE_WIDTH + position;
      if (index < from || index >= to) continue;
      leaves.push({ index, seq: seqInTile(tile, position), hash: hashInTile(tile, { level: 0, index }) });
    }
  }
  return leaves;
}

function outOfRange(message: string): HavenError {
  return new HavenError('proof-out-of-range', message, { status: 422 });
}

/** RFC 9162 §2.1.3.1 inclusion proof for `leafIndex` in the tree of `treeSize`, from stored nodes. */
export async function inclusionProof(sql: Sql, leafIndex: number, treeSize: number): Promise<Buffer[]> {
  const head = await treeHead(sql);
  if (treeSize > head.size)
    throw outOfRange(`The ledger has ${head.size} entries; tree size ${treeSize} does not exist yet.`);
  if (leafIndex < 0 || leafIndex >= treeSize)
    throw outOfRange('The entry index must be below the tree size.');
  return buildProof(inclusionProofPlan(leafIndex, treeSize), (ids) => fetchNodes(sql, ids));
}

/** RFC 9162 §2.1.4.1 consistency proof between two tree sizes, from stored nodes. */
export async function consistencyProof(sql: Sql, size1: number, size2: number): Promise<Buffer[]> {
  const head = await treeHead(sql);
  if (size2 > head.size)
    throw outOfRange(`The ledger has ${head.size} entries; tree size ${size2} does not exist yet.`);
  if (size1 < 0 || size1 > size2) throw outOfRange('The first size must not exceed the second.');
  return buildProof(consistencyProofPlan(size1, size2), (ids) => fetchNodes(sql, ids));
}

/** The root of the tree at an earlier size, from stored nodes (for signing and checking checkpoints). */
export async function rootAt(sql: Sql, size: number): Promise<Buffer> {
  const head = await treeHead(sql);
  if (size > head.size) throw outOfRange(`The ledger has ${head.size} entries.`);
  if (size === head.size) return head.root;
  const ids = rootNodes(size);
  const nodes = await fetchNodes(sql, ids);
  return foldRight(ids.map((id) => nodes.get(nodeKey(id))!));
}

/** The leaf hash the tree stored for an entry (for inclusion proofs served to auditors). */
export async function leafHashAt(sql: Sql, index: number): Promise<Buffer> {
  const [leaf] = await leavesInRange(sql, index, index + 1);
  if (!leaf) throw outOfRange('No entry at that index yet.');
  return leaf.hash;
}
