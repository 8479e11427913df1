import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { bundledMigrations, migrate, migrationStatus } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { openTestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';

for (const kind of testDatabaseKinds()) {
  describe(`migrations (${kind})`, () => {
    test('apply on an empty database, once, and report ready', async () => {
      const t = await openTestDatabase(kind, { migrated: false });
      try {
        assert.deepEqual(await migrationStatus(t.db), { applied: 0, pending: bundledMigrations().length });
        const applied = await migrate(t.db);
        assert.deepEqual(
          applied,
          bundledMigrations().map((m) => m.version),
        );
        assert.deepEqual(await migrate(t.db), [], 'a second run applies nothing');
        assert.deepEqual(await migrationStatus(t.db), { applied: bundledMigrations().length, pending: 0 });
      } finally {
        await t.drop();
      }
    });

    test('two migrators at once apply each migration exactly once', async () => {
      const t = await openTestDatabase(kind, { migrated: false });
      try {
        const results = await Promise.all([migrate(t.db), migrate(t.db)]);
        assert.deepEqual(
          results.flat().sort((x, y) => x - y),
          bundledMigrations().map((m) => m.version),
        );
      } finally {
        await t.drop();
      }
    });

    test('a migration edited after it was applied stops Haven with a clear code', async () => {
      const t = await openTestDatabase(kind);
      try {
        const edited = bundledMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
        await assert.rejects(migrate(t.db, edited), { code: 'migration-changed' });
        await assert.rejects(migrationStatus(t.db, edited), { code: 'migration-changed' });
      } finally {
        await t.drop();
      }
    });
  });
}

describe('data is kept across restarts', () => {
  test('embedded PGlite in a data folder', async () => {
    const dir = tempDir();
    try {
      const first = await openPglite({ dataDir: dir });
      await migrate(first);
      await first.query(
        "insert into organisation (id, slug, name) values (gen_random_uuid(), 'kept', 'Kept')",
      );
      await first.close();
      const second = await openPglite({ dataDir: dir });
      const { rows } = await second.query<{ slug: string }>('select slug from organisation');
      assert.deepEqual(rows, [{ slug: 'kept' }]);
      assert.deepEqual(await migrate(second), []);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL server', {
    skip: testDatabaseKinds().includes('postgres') ? false : 'HAVEN_TEST_DATABASE_URL not set',
  }, async () => {
    const t = await openTestDatabase('postgres');
    try {
      await t.db.query(
        "insert into organisation (id, slug, name) values (gen_random_uuid(), 'kept', 'Kept')",
      );
      const reopened = await openPostgres({ url: t.url! });
      const { rows } = await reopened.query<{ slug: string }>('select slug from organisation');
      assert.deepEqual(rows, [{ slug: 'kept' }]);
      await reopened.close();
    } finally {
      await t.drop();
    }
  });
});
