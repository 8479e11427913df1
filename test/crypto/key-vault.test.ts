import assert from 'node:assert/strict';
import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { open as openSealed, seal } from '../../src/crypto/aead.ts';
import { openKeyRing } from '../../src/crypto/keyring/keyring.ts';
import { openPkcs11 } from '../../src/crypto/keyring/pkcs11.ts';
import { KeyVault } from '../../src/crypto/vault/key-vault.ts';
import type { PersonKeys } from '../../src/crypto/vault/person-keys.ts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';
import { newSoftHsmToken, softHsmSkipReason } from '../support/softhsm.ts';

const GROUPS = ['identity', 'contact', 'biometrics'];

/** Same person key and same key for every group. */
function sameKeys(a: PersonKeys, b: PersonKeys): boolean {
  return a.person.equals(b.person) && GROUPS.every((g) => a.group(g)?.equals(b.group(g)!) ?? !b.group(g));
}

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
      const keys = await vault.createPersonKey(id);
      assert.equal(keys.person.symmetricKeySize, 32);
      assert.ok((await vault.personKey(id))!.person.equals(keys.person));
      await assert.rejects(vault.createPersonKey(id), { code: 'person-key-exists' });
      assert.equal(await vault.destroyPersonKey(id), true);
      assert.equal(await vault.personKey(id), null);
      const { rows } = await vaultDb.db.query('select 1 from person_key where person_id = $1', [id]);
      assert.equal(rows.length, 0);
    });

    test('a new person gets a key per field group, all different, from one stored seed', async () => {
      const { vault } = await newVault(0);
      const id = randomUUID();
      const keys = await vault.createPersonKey(id);
      const all = [keys.person, ...GROUPS.map((g) => keys.group(g)!)];
      assert.equal(new Set(all.map((k) => k.export().toString('hex'))).size, all.length);
      const { rows } = await vaultDb.db.query<{ format: number; n: number }>(
        'select format, length(wrapped) as n from person_key where person_id = $1',
        [id],
      );
      assert.deepEqual(rows, [{ format: 2, n: 32 + 28 }], 'one row: a sealed 32-byte seed');
      assert.ok(sameKeys((await vault.personKey(id))!, keys));
    });

    test('destroying a group key (RET-2) keeps the person key and the other groups, and a rewrite gets a new key', async () => {
      const { vault } = await newVault(10);
      const id = randomUUID();
      const keys = await vault.createPersonKey(id);
      const sealed = seal(keys.group('biometrics')!, Buffer.from('template'), Buffer.from(id));
      assert.equal(await vault.destroyGroupKeys(id, ['biometrics'], GROUPS), 'destroyed');
      const after = (await vault.personKey(id))!;
      assert.equal(after.format, 3);
      assert.equal(after.group('biometrics'), null);
      assert.ok(after.person.equals(keys.person));
      assert.equal(after.copies, null, 'copies of group values (corrections, answers) lose their key too');
      for (const g of ['identity', 'contact']) assert.ok(after.group(g)!.equals(keys.group(g)!));
      // Again: nothing more to do, and still gone.
      assert.equal(await vault.destroyGroupKeys(id, ['biometrics'], GROUPS), 'destroyed');
      assert.equal((await vault.personKey(id))!.group('biometrics'), null);
      // A later write of the group gets a fresh key; the old ciphertext stays unreadable.
      assert.ok(!(await vault.ensureCopiesKey(id))!.copies!.equals(keys.copies!), 'a fresh copies key');
      const renewed = (await vault.ensureGroupKeys(id, ['biometrics']))!;
      const fresh = renewed.group('biometrics')!;
      assert.ok(!fresh.equals(keys.group('biometrics')!));
      assert.throws(() => openSealed(fresh, sealed, Buffer.from(id)), { code: 'decryption-failed' });
      assert.ok(renewed.group('identity')!.equals(keys.group('identity')!));
      // A vault read without the cache sees the same.
      const cold = new KeyVault(vaultDb.db, ring, { cacheSize: 0, cacheSeconds: 60 });
      await cold.open();
      assert.ok(sameKeys((await cold.personKey(id))!, renewed));
      assert.equal(await vault.destroyGroupKeys(randomUUID(), ['biometrics'], GROUPS), 'no-keys');
    });

    test('a person stored before key sets keeps one key for all: readable, but not separable', async () => {
      const { vault } = await newVault(0);
      const id = randomUUID();
      const dek = randomBytes(32);
      // A row as the vault wrote it before key sets: format 1, the data key under the v1 context.
      const { rows } = await vaultDb.db.query<{ version: number }>(
        'select max(version) as version from vault_key',
      );
      const probe = await vault.createPersonKey(randomUUID());
      assert.ok(probe);
      const vaultKey = (
        vault as unknown as { vaultKey(v: number): Promise<import('node:crypto').KeyObject> }
      ).vaultKey(rows[0]!.version);
      await vaultDb.db.query(
        'insert into person_key (person_id, vault_key_version, format, wrapped) values ($1, $2, 1, $3)',
        [id, rows[0]!.version, seal(await vaultKey, dek, Buffer.from(`haven/person-key/v1:${id}`))],
      );
      const keys = (await vault.personKey(id))!;
      assert.equal(keys.separated, false);
      assert.ok(keys.person.equals(createSecretKey(dek)));
      assert.ok(keys.group('biometrics')!.equals(createSecretKey(dek)));
      assert.equal(await vault.destroyGroupKeys(id, ['biometrics'], GROUPS), 'not-separated');
      assert.ok((await vault.personKey(id))!.group('biometrics'));
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
        const deks = new Map<string, PersonKeys>();
        for (const id of ids) deks.set(id, await vault.createPersonKey(id));
        // Some persons as key sets (a group erased): rotation re-wraps them in their own form.
        for (const id of ids.slice(0, 10)) {
          await vault.destroyGroupKeys(id, ['biometrics'], GROUPS);
          deks.set(id, (await vault.personKey(id))!);
        }
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
        for (const id of ids)
          assert.ok(sameKeys(reread.get(id)!, deks.get(id)!), 'every record stays readable');
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
      for (const [i, id] of ids.entries()) assert.ok(sameKeys(reread.get(id)!, deks[i]!));
      await ring.close();
    } finally {
      await db.drop();
    }
  });
});
