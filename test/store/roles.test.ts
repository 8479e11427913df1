import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/store/database.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { GATE_ROLE, GENERAL_ROLE, PROTECTED_TABLES } from '../../src/store/protected-tables.ts';
import { grantPoolRoles } from '../../src/store/roles.ts';
import { openTestDatabase, SERVER_URL, type TestDatabase } from '../support/database.ts';

/**
 * On a PostgreSQL server the protected tables belong to the gate's role: the general pool (identity, ledger jobs,
 * policies, health) runs as a role with no privilege on them, so a query that slipped past the code checks fails
 * in the server. PGlite is single-user: there test/gate/boundary.test.ts is the whole enforcement.
 */
describe('database roles (PostgreSQL)', { skip: !SERVER_URL && 'needs HAVEN_TEST_DATABASE_URL' }, () => {
  let database: TestDatabase;
  let general: Database;
  let gate: Database;
  const INSUFFICIENT_PRIVILEGE = { code: '42501' };

  before(async () => {
    database = await openTestDatabase('postgres');
    general = await openPostgres({ url: database.url!, maxConnections: 2, role: GENERAL_ROLE });
    gate = await openPostgres({ url: database.url!, maxConnections: 2, role: GATE_ROLE });
  });
  after(async () => {
    await general?.close();
    await gate?.close();
    await database?.drop();
  });

  test('each pool runs as its role', async () => {
    assert.equal((await general.query<{ r: string }>('select current_user as r')).rows[0]!.r, GENERAL_ROLE);
    assert.equal((await gate.query<{ r: string }>('select current_user as r')).rows[0]!.r, GATE_ROLE);
  });

  test('the general pool is refused every protected table of the main database, the gate’s pool is not', async () => {
    const mainTables = Object.keys(PROTECTED_TABLES).filter((t) => t !== 'vault_key' && t !== 'person_key');
    for (const table of mainTables) {
      await assert.rejects(general.query(`select count(*) from ${table}`), INSUFFICIENT_PRIVILEGE, table);
      await assert.rejects(general.query(`delete from ${table}`), INSUFFICIENT_PRIVILEGE, table);
      await gate.query(`select count(*) from ${table}`);
    }
  });

  test('the general pool keeps what it needs: staff, ledger, purposes, policies', async () => {
    for (const table of ['staff_account', 'audit_event', 'purpose', 'policy_version', 'schema_migration'])
      await general.query(`select count(*) from ${table}`);
  });

  test('a table nobody classified is closed to the general pool (fail closed)', async () => {
    await database.db.exec('create table unclassified_notes (id int)');
    await grantPoolRoles(database.db);
    await assert.rejects(general.query('select * from unclassified_notes'), INSUFFICIENT_PRIVILEGE);
    await gate.query('select * from unclassified_notes');
  });

  test('a pool whose role does not exist refuses to open, with a stable code', async () => {
    await assert.rejects(
      openPostgres({ url: database.url!, maxConnections: 1, role: 'haven_no_such_role' }),
      {
        code: 'database-role-missing',
      },
    );
  });
});
