import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { searchTerms } from '../../src/crypto/blind-index/person-tokens.ts';
import { BlindIndex } from '../../src/crypto/blind-index/tokens.ts';
import { openGroup } from '../../src/crypto/envelope.ts';
import {
  beginErasure,
  completeErasure,
  findByTokens,
  personMeta,
  readGroups,
} from '../../src/records/person-records.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { SERVER_URL, serverDatabaseUrl, testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { dictionary, findKnownValues, KNOWN_PEOPLE, storePerson } from '../support/records.ts';
import { organisation } from '../support/staff.ts';

/** A full copy of the main database as bytes: pg_dump for the server, the data-directory tarball for PGlite. */
async function dumpDatabase(t: TestHaven): Promise<Buffer> {
  if (t.database.kind === 'pglite') {
    const blob = await (
      t.database.db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
    ).pglite.dumpDataDir('none');
    return Buffer.from(await blob.arrayBuffer());
  }
  const file = path.join(tempDir(), 'dump.sql');
  execFileSync('pg_dump', ['--no-owner', '--file', file, t.database.url!]);
  return readFileSync(file);
}

for (const kind of testDatabaseKinds()) {
  describe(`protected person storage (${kind})`, () => {
    let t: TestHaven;
    let org: string;
    const ids: string[] = [];
    before(async () => {
      t = await startTestHaven(kind);
      org = await organisation(t, 'dump-test');
      for (const person of KNOWN_PEOPLE) ids.push(await storePerson(t, org, { ...person }));
    });
    after(() => t.close());

    test('a dump of the whole database holds none of the stored values, in any encoding', async () => {
      const dump = await dumpDatabase(t);
      assert.ok(dump.length > 10_000);
      const vault =
        t.vaultDatabase.kind === 'pglite'
          ? Buffer.from(
              await (
                await (
                  t.vaultDatabase.db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
                ).pglite.dumpDataDir('none')
              ).arrayBuffer(),
            )
          : Buffer.alloc(0);
      assert.deepEqual(findKnownValues(Buffer.concat([dump, vault])), []);
      // The test can fail: the same search finds a value that is there.
      assert.notDeepEqual(findKnownValues(Buffer.from(`xx${KNOWN_PEOPLE[1]['family-name']}xx`)), []);
    });

    test('the Arabic-script person is found by the Latin spelling, and by date of birth and document number', async () => {
      const index = new BlindIndex(t.internals.keyRing.secret('blind-index'));
      const find = (criteria: Parameters<typeof searchTerms>[3], similar = false) => {
        const terms = searchTerms(index, dictionary, org, criteria);
        return findByTokens(t.database.db, org, similar ? terms.similar : terms.exact, 10);
      };
      assert.deepEqual(await find({ name: 'Muhammad' }, true), [ids[0]]);
      assert.deepEqual(await find({ name: 'mohammed al halabi' }), [ids[0]]);
      assert.deepEqual(await find({ name: 'Oleksandra Shevchenko' }), [ids[1]]);
      assert.deepEqual(await find({ name: 'Олександра' }), [ids[1]]);
      assert.deepEqual(await find({ name: 'jose maria nunez' }), [ids[2]]);
      assert.deepEqual(await find({ name: 'Zahra Rahimi' }), [ids[3]]);
      assert.deepEqual(await find({ name: 'زهرا' }), [ids[3]]);
      assert.deepEqual(await find({ dateOfBirth: '1992-11-02' }), [ids[1]]);
      assert.deepEqual(await find({ documentNumber: 'n7q 31k-8842' }), [ids[0]]);
      assert.deepEqual(await find({ phone: '00963944123457' }), [ids[0]]);
      assert.deepEqual(
        await find({ name: 'Mohammed', dateOfBirth: '1992-11-02' }),
        [],
        'all terms must match',
      );
      const otherOrg = await organisation(t, 'another-org');
      const elsewhere = searchTerms(index, dictionary, otherOrg, { name: 'Mohammed' });
      assert.deepEqual(
        await findByTokens(t.database.db, otherOrg, elsewhere.exact, 10),
        [],
        'tokens are per organisation',
      );
    });
  });

  describe(`erasure reaches backups (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind);
    });
    after(() => t.close());

    test('a backup taken before the erasure and restored after it cannot decrypt the erased person', async () => {
      const org = await organisation(t, 'erasure-test');
      const erasedId = await storePerson(t, org, { ...KNOWN_PEOPLE[0] });
      const keptId = await storePerson(t, org, { ...KNOWN_PEOPLE[1] });

      // Backup of the main database, as an operator would take it.
      let restore: () => Promise<{
        db: import('../../src/store/database.ts').Database;
        drop: () => Promise<void>;
      }>;
      if (kind === 'pglite') {
        const tarball = await (
          t.database.db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
        ).pglite.dumpDataDir('none');
        restore = async () => {
          const db = await openPglite({ loadDataDir: tarball });
          return { db, drop: () => db.close() };
        };
      } else {
        const file = path.join(tempDir(), 'backup.dump');
        execFileSync('pg_dump', ['--format=custom', '--no-owner', '--file', file, t.database.url!]);
        restore = async () => {
          const name = `haven_restore_${Date.now().toString(36)}`;
          const admin = await openPostgres({ url: SERVER_URL!, maxConnections: 1 });
          await admin.query(`create database ${name}`);
          execFileSync('pg_restore', ['--no-owner', '--dbname', serverDatabaseUrl(name), file]);
          const db = await openPostgres({ url: serverDatabaseUrl(name) });
          return {
            db,
            drop: async () => {
              await db.close();
              await admin.query(`drop database ${name} with (force)`);
              await admin.close();
            },
          };
        };
      }

      await t.database.db.transaction((tx) => beginErasure(tx, erasedId));
      await t.database.db.transaction((tx) => completeErasure(t.internals.vault, tx, erasedId));
      const tombstone = await personMeta(t.database.db, erasedId);
      assert.equal(tombstone?.status, 'erased');
      assert.deepEqual(tombstone?.groups, []);

      const restored = await restore();
      try {
        const before = await personMeta(restored.db, erasedId);
        assert.equal(before?.status, 'active', 'the old backup still has the ciphertext');
        assert.ok(before!.groups.includes('identity'));
        await assert.rejects(readGroups(t.internals.vault, restored.db, before!, ['identity']), {
          code: 'person-erased',
        });
        // Every data key that still exists fails on the erased person's ciphertext.
        const { rows } = await restored.db.query<{ version: number; ciphertext: Buffer }>(
          `select version, ciphertext from person_group where person_id = $1 and field_group = 'identity'`,
          [erasedId],
        );
        const { rows: keys } = await t.vaultDatabase.db.query<{ person_id: string }>(
          'select person_id from person_key',
        );
        for (const { person_id } of keys) {
          const keys = (await t.internals.vault.personKey(person_id))!;
          assert.throws(
            () =>
              openGroup(keys.group('identity')!, erasedId, 'identity', rows[0]!.version, rows[0]!.ciphertext),
            {
              code: 'decryption-failed',
            },
          );
        }
        // Everyone else in the same backup is still readable: the backup remains a backup.
        const kept = await personMeta(restored.db, keptId);
        const values = await readGroups(t.internals.vault, restored.db, kept!, ['identity']);
        assert.equal(values.identity?.['family-name-latin'], 'Shevchenko');
      } finally {
        await restored.drop();
      }
    });
  });
}
