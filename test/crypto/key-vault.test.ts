import assert from 'node:assert/strict';
import { type KeyObject, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openKeyRing } from '../../src/crypto/keyring/keyring.ts';
import { openPkcs11 } from '../../src/crypto/keyring/pkcs11.ts';
import { KeyVault } from '../../src/crypto/vault/key-vault.ts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';
import { newSoftHsmToken, softHsmSkipReason } from '../support/softhsm.ts';

for (const kind of testDatabaseKinds()) {
  describe(`key vault (${kind})`, () => {
    let vaultDb: TestDatabase;
    let ring: Awaited<ReturnType<typeof openKeyRing>>;
    before(async () => {
      vaultDb = await openTestDatabase(kind, { vault: true });
      ring = await openKeyRing({ file: path.join(tempDir(), 'keyring.json') });
    });
    after(() => vaultDb.drop());

    async function newVault(cacheSize = 100) {
      const vault = new KeyVault(vaultDb.db, ring, { cacheSize, cacheSeconds: 60 });
      await vault.open();
      return { ring, vault };
    }

    test('a person key is created once, read back, and gone after destruction', async () => {
      const { vault } = await newVault(0);
      const id = randomUUID();
      const dek = await vault.createPersonKey(id);
      assert.equal(dek.symmetricKeySize, 32);
      assert.ok((await vault.personKey(id))!.equals(dek));
      await assert.rejects(vault.createPersonKey(id), { code: 'person-key-exists' });
      assert.equal(await vault.destroyPersonKey(id), true);
      assert.equal(await vault.personKey(id), null);
      const { rows } = await vaultDb.db.query('select 1 from person_key where person_id = $1', [id]);
      assert.equal(rows.length, 0);
    });

    test('destroying a key also drops it from the cache at once', async () => {
      const { vault } = await newVault(10);
      const id = randomUUID();
      await vault.createPersonKey(id);
      assert.ok(await vault.personKey(id));
      await vault.destroyPersonKey(id);
      assert.equal(await vault.personKey(id), null);
    });

    test('the KEK is called once per vault key, not per person (B5)', async () => {
      const { vault } = await newVault(0);
      const ids = Array.from({ length: 300 }, () => randomUUID());
      for (const id of ids) await vault.createPersonKey(id);
      const reader = new KeyVault(vaultDb.db, ring, { cacheSize: 0, cacheSeconds: 60 });
      await reader.open();
      const before = { ...ring.kekCalls };
      const keys = await reader.personKeys(ids);
      assert.equal(keys.size, ids.length);
      assert.ok(
        ring.kekCalls.unwrap - before.unwrap <= 1,
        `unwraps: ${ring.kekCalls.unwrap - before.unwrap}`,
      );
    });

    test('rotation re-wraps every data key under a new KEK and can resume after an interruption', async () => {
      const db = await openTestDatabase(kind, { vault: true });
      try {
        const ring = await openKeyRing({ file: path.join(tempDir(), 'keyring.json') });
        const vault = new KeyVault(db.db, ring, { cacheSize: 0, cacheSeconds: 60 });
        await vault.open();
        const ids = Array.from({ length: 2500 }, () => randomUUID());
        const deks = new Map<string, KeyObject>();
        for (const id of ids) deks.set(id, await vault.createPersonKey(id));
        // Interrupt after the first batch.
        await assert.rejects(
          vault.rotate((p) => {
            if (p.done >= 1000) throw new Error('power cut');
          }),
          /power cut/,
        );
        const mid = await db.db.query<{ v: number; n: number }>(
          'select vault_key_version as v, count(*)::int as n from person_key group by 1 order by 1',
        );
        assert.equal(mid.rows.length, 2, 'half re-wrapped');
        const fresh = new KeyVault(db.db, ring, { cacheSize: 0, cacheSeconds: 60 });
        await fresh.open();
        const finished = await fresh.rotate();
        assert.equal(finished.resumed, true);
        assert.equal(finished.kekVersion, 2);
        const after = await db.db.query<{ v: number; n: number }>(
          'select vault_key_version as v, count(*)::int as n from person_key group by 1',
        );
        assert.deepEqual(after.rows, [{ v: 2, n: ids.length }]);
        assert.deepEqual(ring.kekVersions(), [2], 'the old KEK is retired');
        const reread = await fresh.personKeys(ids);
        for (const id of ids) assert.ok(reread.get(id)!.equals(deks.get(id)!), 'every record stays readable');
      } finally {
        await db.drop();
      }
    });
  });
}

describe('key vault with the KEK in SoftHSM', { skip: softHsmSkipReason() }, () => {
  test('rotation moves every data key to a new HSM key and destroys the old one', async () => {
    const db = await openTestDatabase('pglite', { vault: true });
    const token = newSoftHsmToken();
    try {
      const ring = await openKeyRing({
        file: path.join(tempDir(), 'keyring.json'),
        hsm: openPkcs11({ library: token.library, tokenLabel: token.label, pin: token.pin }),
      });
      const vault = new KeyVault(db.db, ring, { cacheSize: 0, cacheSeconds: 60 });
      await vault.open();
      const ids = Array.from({ length: 50 }, () => randomUUID());
      const deks = await Promise.all(ids.map((id) => vault.createPersonKey(id)));
      const result = await vault.rotate();
      assert.equal(result.done, 50);
      assert.deepEqual(ring.kekVersions(), [2]);
      const reread = await vault.personKeys(ids);
      for (const [i, id] of ids.entries()) assert.ok(reread.get(id)!.equals(deks[i]!));
      await ring.close();
    } finally {
      await db.drop();
    }
  });
});
