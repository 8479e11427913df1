import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, QueryResult, Sql, SqlValue } from './database.ts';

// Same row shapes on both back ends: bytea as Buffer (pg does this), int8 as number (see postgres.ts).
const parsers = {
  [types.BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
  [types.INT8]: (value: string) => Number(value),
};
// PGlite's own bytea serializer formats byte by byte in JavaScript (≈100 ms for 300 kB here); Node's hex is native.
const serializers = {
  [types.BYTEA]: (value: unknown) => {
    if (!(value instanceof Uint8Array)) throw new TypeError('a bytea parameter must be bytes');
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  },
};

function wrap(q: Pick<PGlite, 'query' | 'exec'>): Sql {
  return {
    async exec(script: string) {
      await q.exec(script);
    },
    async query<Row>(text: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>> {
      const result = await q.query<Row>(text, params as unknown[] | undefined);
      // Statements that return rows count them (as pg does); others report the rows they changed.
      return {
        rows: result.rows,
        rowCount: result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0),
      };
    },
  };
}

export interface PgliteOptions {
  /** Folder for the data; in memory when absent. */
  dataDir?: string;
  /** A tarball from `dumpDataDir`, to start from a prepared state (tests). */
  loadDataDir?: Blob;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database & { pglite: PGlite }> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers,
    serializers,
  });
  const direct = wrap(pglite);
  return {
    kind: 'pglite',
    pglite,
    query: direct.query,
    exec: direct.exec,
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx))),
    async listen(channel, handler) {
      const stop = await pglite.listen(channel, handler);
      return async () => stop();
    },
    close: () => pglite.close(),
  };
}
