/**
 * The one database interface Haven uses: plain parameterised SQL that runs unchanged on embedded PGlite and on
 * a PostgreSQL server. Repositories take a `Sql` so they work both inside and outside a transaction.
 */

export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | null
  | readonly SqlValue[]
  | { readonly [key: string]: unknown };

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Sql {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Calls `handler` for every NOTIFY on `channel` (sent with `select pg_notify(channel, payload)`, delivered when
   * the sending transaction commits). If notifications may have been missed (a lost connection), `handler` gets
   * the payload '*'. Returns a function that stops listening.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** First row or undefined; keeps call sites short. */
export async function one<Row>(
  sql: Sql,
  text: string,
  params?: readonly SqlValue[],
): Promise<Row | undefined> {
  const result = await sql.query<Row>(text, params);
  return result.rows[0];
}
