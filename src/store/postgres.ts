import { createHash } from 'node:crypto';
import pg from 'pg';
import { HavenError } from '../domain/errors.ts';
import type { Database, QueryResult, Sql, SqlValue } from './database.ts';

// int8 (counts, ledger indexes) as number: Haven's values stay far below 2^53.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

// Every statement is prepared once per connection and then only bound and executed: Haven's SQL is a fixed set
// of texts, and planning them again on every call cost more than running them (B2: 0.25 ms of 0.44 ms).
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `haven_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async exec(script: string) {
      await client.query(script);
    },
    async query<Row>(text: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>> {
      const result = await client.query({
        name: statementName(text),
        text,
        values: params as unknown[] | undefined,
        types: typeParsers,
      });
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
  /**
   * A role every connection takes when it starts (like `SET ROLE`): the gate's pool and the general pool run as
   * different roles, so only the gate's can touch personal data (src/store/roles.ts). A plain identifier.
   */
  role?: string;
}

export async function openPostgres(options: PostgresOptions): Promise<Database & { pool: pg.Pool }> {
  const role = options.role;
  if (role !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(role))
    throw new Error(`not a role name: ${role}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'haven',
    // The role is taken in the connection's start-up packet, before any query: nothing runs as the owner.
    ...(role ? { options: `-c role=${role}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const direct = wrap(pool);
  const missingRole = () =>
    new HavenError(
      'database-role-missing',
      `The database user cannot take the role ${role}; run \`haven migrate\` as the database owner first (it creates the roles).`,
      { status: 503 },
    );
  let rows: { role: string }[];
  try {
    ({ rows } = await direct.query<{ role: string }>('select current_user as role'));
  } catch (error) {
    await pool.end();
    // 22023: the role does not exist; 42501: the user may not take it.
    const code = (error as { code?: string }).code;
    if (role && (code === '22023' || code === '42501' || code === '42704')) throw missingRole();
    throw error;
  }
  if (role && rows[0]?.role !== role) {
    await pool.end();
    throw missingRole();
  }
  return {
    kind: 'postgres',
    pool,
    query: direct.query,
    exec: direct.exec,
    async transaction(work) {
      const client = await pool.connect();
      let result: Awaited<ReturnType<typeof work>>;
      try {
        await client.query('begin');
        result = await work(wrap(client));
        await client.query('commit');
      } catch (error) {
        // A connection that cannot even roll back is destroyed rather than returned to the pool.
        const broken = await client.query('rollback').then(
          () => false,
          () => true,
        );
        client.release(broken);
        throw error;
      }
      client.release();
      return result;
    },
    async listen(channel, handler) {
      // A connection of its own, outside the pool: LISTEN belongs to one session.
      const client = new pg.Client({
        connectionString: options.url,
        application_name: `${options.applicationName ?? 'haven'}-listen`,
      });
      // Losing the connection means missing notifications: say so with the payload '*'.
      let lost = false;
      const onLost = () => {
        if (lost) return;
        lost = true;
        handler('*');
      };
      client.on('error', onLost);
      client.on('end', onLost);
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) handler(message.payload ?? '');
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        lost = true;
        await client.end().catch(() => {});
      };
    },
    close: () => pool.end(),
  };
}
