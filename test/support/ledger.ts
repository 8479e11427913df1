import { randomUUID } from 'node:crypto';
import { type NewAuditEvent, recordAuditEvents } from '../../src/ledger/events.ts';
import { exportEntries } from '../../src/ledger/export.ts';
import type { NodeId } from '../../src/ledger/merkle.ts';
import { byteOffset, slotOf, TILE_WIDTH } from '../../src/ledger/tiles.ts';
import { sequenceAll, treeHead } from '../../src/ledger/tree-store.ts';
import type { Database, Sql } from '../../src/store/database.ts';

export function sampleEvents(n: number, action = 'person.read'): NewAuditEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    actor: { kind: 'staff', account: randomUUID(), organisation: randomUUID(), role: 'caseworker' },
    action,
    purpose: 'registration',
    subject: randomUUID(),
    subjectType: 'person',
    fieldGroups: ['identity', 'contact'],
    decision: i % 7 === 0 ? 'deny' : 'allow',
    reason: i % 7 === 0 ? 'no-consent' : 'ok',
    requestId: `req-${i.toString().padStart(6, '0')}`,
  }));
}

export async function appendEvents(
  db: { transaction<T>(w: (tx: Sql) => Promise<T>): Promise<T> },
  n: number,
): Promise<void> {
  const events = sampleEvents(n);
  for (let i = 0; i < events.length; i += 500) {
    await db.transaction((tx) => recordAuditEvents(tx, events.slice(i, i + 500)));
  }
}

export async function exportLines(sql: Sql, from: number, to: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportEntries(sql, from, to)) lines.push(line.trimEnd());
  return lines;
}

/**
 * Attacks on the stored tree, for tests: the leaves' event seqs in index order, and writing them back; one
 * stored node's hash, read and overwritten in its tile (src/ledger/tiles.ts).
 */
export async function storedLeafSeqs(sql: Sql): Promise<number[]> {
  const { rows } = await sql.query<{ seq: number }>('select seq from ledger_leaf order by leaf_index');
  return rows.map((r) => r.seq);
}

export async function rewriteLeafSeqs(sql: Sql, seqs: readonly number[]): Promise<void> {
  for (let tile = 0; tile * TILE_WIDTH < seqs.length; tile++) {
    const slice = seqs.slice(tile * TILE_WIDTH, (tile + 1) * TILE_WIDTH);
    const bytes = Buffer.alloc(slice.length * 8);
    for (const [i, seq] of slice.entries()) bytes.writeBigInt64BE(BigInt(seq), i * 8);
    await sql.query('update ledger_tile set seqs = $2 where level = 0 and tile_index = $1', [tile, bytes]);
  }
}

export async function overwriteNodeHash(
  sql: Sql,
  id: NodeId,
  hash: Buffer | ((old: Buffer) => Buffer),
): Promise<void> {
  const slot = slotOf(id);
  const { rows } = await sql.query<{ hashes: Buffer }>(
    'select hashes from ledger_tile where level = $1 and tile_index = $2',
    [slot.stratum, slot.tile],
  );
  const tile = rows[0];
  if (!tile) throw new Error(`no tile holds node ${id.level}/${id.index}`);
  const at = byteOffset(id);
  const hashes = Buffer.from(tile.hashes);
  const next = typeof hash === 'function' ? hash(hashes.subarray(at, at + 32)) : hash;
  next.copy(hashes, at);
  await sql.query('update ledger_tile set hashes = $3 where level = $1 and tile_index = $2', [
    slot.stratum,
    slot.tile,
    hashes,
  ]);
}

/**
 * Sequences until every committed event is in the tree. `sequenceAll` stops at the oldest transaction still
 * running anywhere on the server (another test's database included), which is right for Haven and flaky for a
 * test that needs the whole log now; this waits for such a transaction to finish (up to 30 s).
 */
export async function sequenceEverything(db: Database): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    await sequenceAll(db);
    const { rows } = await db.query<{ waiting: number }>(
      `select count(*)::int as waiting from audit_event e
        where (e.xid, e.seq) > coalesce((select (last_xid, last_seq) from ledger_head), ('0'::xid8, 0::bigint))`,
    );
    if (rows[0]!.waiting === 0) return;
    if (Date.now() > until) throw new Error(`${rows[0]!.waiting} events were never sequenced`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sequences until the tree holds at least `size` leaves. The sequencer takes only events of transactions older than
 * every transaction running on the server (pg_snapshot_xmin), and in a test run other databases on the same server
 * have transactions of their own open for a moment: waiting for them is the behaviour under test, not a fault.
 */
export async function sequenceUntil(db: Database, size: number, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await sequenceAll(db);
    if ((await treeHead(db)).size >= size || Date.now() > end) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
