import { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';
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

/**
 * The Merkle tree in PostgreSQL (AUD-2). Events are recorded in the transaction of the change they describe
 * (durable at commit); the sequencer then gives them leaf indexes in batches, under an advisory lock, so several
 * Haven servers build one tree. Appending writes the perfect subtrees each leaf completes; proofs read the
 * O(log n) stored nodes they need in one query, never the events.
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
    const { rows: pending } = await tx.query<{ seq: number; leaf_hash: Buffer | null; xid: string }>(
      `select seq, leaf_hash, xid::text as xid from audit_event
        where (xid, seq) > ($1::xid8, $2::bigint) and xid < pg_snapshot_xmin(pg_current_snapshot())
        order by xid, seq limit $3`,
      [head?.last_xid ?? '0', head?.last_seq ?? 0, batch],
    );
    if (pending.length === 0) return 0;
    const tree = head ? CompactTree.fromFrontier(head.size, splitFrontier(head.frontier)) : new CompactTree();
    const levels: number[] = [];
    const indexes: number[] = [];
    const hashes: Buffer[] = [];
    const seqs: (number | null)[] = [];
    for (const event of pending) {
      for (const node of tree.appendAndCollect(event.leaf_hash ?? missingLeafHash(event.seq))) {
        levels.push(node.id.level);
        indexes.push(node.id.index);
        hashes.push(node.hash);
        seqs.push(node.id.level === 0 ? event.seq : null);
      }
    }
    await tx.query(
      `insert into ledger_node (level, node_index, hash, seq)
       select * from unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bigint[])`,
      [levels, indexes, hashes, seqs],
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

async function fetchNodes(sql: Sql, ids: NodeId[]): Promise<Map<string, Buffer>> {
  const { rows } = await sql.query<{ level: number; node_index: number; hash: Buffer }>(
    `select n.level, n.node_index, n.hash from ledger_node n
       join unnest($1::smallint[], $2::bigint[]) as want(level, node_index)
         on n.level = want.level and n.node_index = want.node_index`,
    [ids.map((id) => id.level), ids.map((id) => id.index)],
  );
  return new Map(rows.map((row) => [nodeKey({ level: row.level, index: row.node_index }), row.hash]));
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
  const { rows } = await sql.query<{ hash: Buffer }>(
    'select hash from ledger_node where level = 0 and node_index = $1',
    [index],
  );
  if (!rows[0]) throw outOfRange('No entry at that index yet.');
  return rows[0].hash;
}
