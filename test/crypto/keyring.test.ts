import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/config/config.ts';
import { openKeyRing, SECRET_NAMES } from '../../src/crypto/keyring/keyring.ts';
import { tempDir } from '../support/haven.ts';

const PASSPHRASE = 'a passphrase long enough for tests';

describe('local key file', () => {
  test('is created on first open, kept on the next, with every named secret', async () => {
    const file = path.join(tempDir(), 'keyring.json');
    const first = await openKeyRing({ file });
    assert.equal(first.created, true);
    assert.equal(first.protection, 'none');
    const second = await openKeyRing({ file });
    assert.equal(second.created, false);
    for (const name of SECRET_NAMES) assert.ok(first.secret(name).equals(second.secret(name)), name);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'only the owner may read the key file');
  });

  test('with a passphrase nothing in the file is readable, and the wrong passphrase is refused', async () => {
    const file = path.join(tempDir(), 'keyring.json');
    const ring = await openKeyRing({ file, passphrase: PASSPHRASE });
    const text = readFileSync(file, 'utf8');
    assert.equal(JSON.parse(text).protection, 'passphrase');
    for (const name of SECRET_NAMES) assert.ok(!text.includes(ring.secret(name).toString('base64')));
    await assert.rejects(
      openKeyRing({ file, passphrase: 'a different passphrase entirely' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.setting, 'HAVEN_KEY_PASSPHRASE');
        assert.match(error.message, /does not open the key file/);
        return true;
      },
    );
    await assert.rejects(openKeyRing({ file }), /protected by a passphrase/);
    const again = await openKeyRing({ file, passphrase: PASSPHRASE });
    assert.ok(again.secret('accounts').equals(ring.secret('accounts')));
  });

  test('a key from the environment protects it for automation', async () => {
    const file = path.join(tempDir(), 'keyring.json');
    const key = randomBytes(32).toString('base64');
    const ring = await openKeyRing({ file, environmentKey: key });
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).protection, 'environment-key');
    await assert.rejects(
      openKeyRing({ file, environmentKey: randomBytes(32).toString('base64') }),
      ConfigError,
    );
    assert.ok(
      (await openKeyRing({ file, environmentKey: key }))
        .secret('blind-index')
        .equals(ring.secret('blind-index')),
    );
  });

  test('an unprotected file is sealed once a passphrase is configured, never the other way round', async () => {
    const file = path.join(tempDir(), 'keyring.json');
    const plain = await openKeyRing({ file });
    const sealed = await openKeyRing({ file, passphrase: PASSPHRASE });
    assert.equal(sealed.protection, 'passphrase');
    assert.ok(sealed.secret('accounts').equals(plain.secret('accounts')));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).payload, undefined);
    await assert.rejects(openKeyRing({ file }), ConfigError);
  });

  test('a file that is not a key file is named in the error', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keyring.json');
    writeFileSync(file, 'hello');
    await assert.rejects(openKeyRing({ file }), /HAVEN_KEY_FILE: .* is not a Haven key file/);
  });

  test('key material wrapped under a KEK opens only with the same context', async () => {
    const ring = await openKeyRing({ file: path.join(tempDir(), 'keyring.json') });
    const material = randomBytes(32);
    const wrapped = await ring.wrap(material, Buffer.from('person:1'));
    assert.ok((await ring.unwrap(wrapped, Buffer.from('person:1'))).equals(material));
    await assert.rejects(ring.unwrap(wrapped, Buffer.from('person:2')), { code: 'decryption-failed' });
  });
});
