import type { Database } from '../../src/store/database.ts';

/**
 * What a fuzz test looks at in the database: a fingerprint of every table (to prove a refused request wrote
 * nothing) and a text dump (to search for the markers that refused requests carried).
 */

/**
 * Tables and columns a refused request is expected to change, each with the reason. Everything else must be
 * byte-for-byte the same after a refusal.
 */
export const CHANGED_BY_REFUSALS: Record<string, { columns?: string[]; reason: string }> = {
  audit_event: { reason: 'every denial is an audit event (AUD-1)' },
  ledger_tile: { reason: 'the ledger sequences audit events into its Merkle tree in the background (AUD-2)' },
  ledger_head: { reason: 'the ledger sequences audit events into its Merkle tree in the background (AUD-2)' },
  ledger_checkpoint: { reason: 'checkpoints of the growing ledger are signed in the background (AUD-3)' },
  sign_in_throttle: { reason: 'failed sign-ins are counted per address (ACC-5)' },
  policy_impact: {
    reason:
      'the impact of an accepted policy proposal is computed in the background, after its request (ACC-2)',
  },
  staff_account: {
    columns: ['failed_attempts', 'last_failed_at', 'locked_at'],
    reason: 'failed factors are counted per account, and enough of them lock it (ACC-5)',
  },
  staff_session: {
    columns: ['last_seen_at', 'webauthn_challenge'],
    reason:
      'every request keeps its session alive (ACC-4); a passkey challenge is spent even by a failed attempt',
  },
};

async function tablesOf(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  return rows.map((r) => r.name);
}

export interface Fingerprinter {
  /** Row count and content digest of each table that a refusal must leave alone, by table name. */
  take(): Promise<Record<string, string>>;
  /** The tables left out entirely, for the test's diagnostics. */
  excluded: string[];
}

export async function fingerprinter(databases: Record<string, Database>): Promise<Fingerprinter> {
  const queries: { db: Database; sql: string }[] = [];
  const excluded: string[] = [];
  for (const [label, db] of Object.entries(databases)) {
    const parts: string[] = [];
    for (const table of await tablesOf(db)) {
      const rule = CHANGED_BY_REFUSALS[table];
      if (rule && !rule.columns) {
        excluded.push(`${label}.${table}`);
        continue;
      }
      const row = `(to_jsonb(r) - array[${(rule?.columns ?? []).map((c) => `'${c}'`).join(',')}]::text[])::text`;
      parts.push(
        `select '${label}.${table}' as name, count(*) || ':' || coalesce(md5(string_agg(${row}, ',' order by ${row})), '') as print from "${table}" r`,
      );
    }
    queries.push({ db, sql: parts.join(' union all ') });
  }
  return {
    excluded,
    async take() {
      const out: Record<string, string> = {};
      for (const { db, sql } of queries) {
        const { rows } = await db.query<{ name: string; print: string }>(sql);
        for (const r of rows) out[r.name] = r.print;
      }
      return out;
    },
  };
}

/** Tables whose fingerprint differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((name) => before[name] !== after[name]);
}

/**
 * Every row of every table as text, byte columns decoded too (JSON bodies of audit events are bytea), so a plain
 * string search finds what any column holds. A logical dump rather than the data files: PostgreSQL compresses
 * large values on disk, and this reads the same on PGlite and on a server.
 */
export async function textDump(databases: Database[]): Promise<string> {
  const chunks: string[] = [];
  for (const db of databases) {
    for (const table of await tablesOf(db)) {
      const { rows } = await db.query<{ text: string | null }>(
        `select string_agg(to_jsonb(r)::text, E'\\n') as text from "${table}" r`,
      );
      const text = rows[0]?.text ?? '';
      chunks.push(text);
      for (const hex of text.matchAll(/\\\\x([0-9a-f]+)/g))
        chunks.push(Buffer.from(hex[1]!, 'hex').toString('latin1'));
    }
  }
  return chunks.join('\n');
}
