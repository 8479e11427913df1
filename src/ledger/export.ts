import type { Sql } from '../store/database.ts';
import { leavesInRange } from './tree-store.ts';

/**
 * Ledger export (AUD-4) as NDJSON, one entry per line in index order:
 * `{"index": n, "leafHash": "<base64 of the leaf hash the tree stored>", "event": {…}}`. The leaf hash comes from
 * the tree, the event from the event table (through the `seq` the tree recorded in its leaf tile), so an event edited, deleted,
 * inserted or moved after it was sequenced shows up at its index in `haven ledger verify`. Read in pages; memory
 * stays flat for any range.
 */
const PAGE = 2_000;

export async function* exportEntries(sql: Sql, from: number, to: number): AsyncGenerator<string> {
  for (let start = from; start < to; start += PAGE) {
    const end = Math.min(to, start + PAGE);
    // An event row deleted after sequencing exports as `"event": null` with the tree's leaf hash, so the
    // verifier can still fold the log's hashes past it and name the deletion's index exactly (AUD-4).
    const leaves = await leavesInRange(sql, start, end);
    const { rows: events } = await sql.query<{ seq: number; body: Buffer }>(
      'select seq, body from audit_event where seq = any($1::bigint[])',
      [leaves.map((leaf) => leaf.seq)],
    );
    const bodies = new Map(events.map((e) => [e.seq, e.body]));
    const rows = leaves.map((leaf) => ({
      leaf_index: leaf.index,
      body: bodies.get(leaf.seq) ?? null,
      leaf_hash: leaf.hash,
    }));
    for (const row of rows) {
      let event: unknown = null;
      try {
        if (row.body !== null) event = JSON.parse(row.body.toString('utf8'));
      } catch {
        // A body that is not JSON was not written by Haven; export it as text so the verifier flags it.
        event = row.body!.toString('base64');
      }
      yield `${JSON.stringify({ index: row.leaf_index, leafHash: row.leaf_hash.toString('base64'), event })}\n`;
    }
  }
}
