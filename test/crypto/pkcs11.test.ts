import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import graphene from 'graphene-pk11';
import { openKeyRing, SECRET_NAMES } from '../../src/crypto/keyring/keyring.ts';
import { openPkcs11 } from '../../src/crypto/keyring/pkcs11.ts';
import { tempDir } from '../support/haven.ts';
import { newSoftHsmToken, softHsmSkipReason } from '../support/softhsm.ts';

const skip = softHsmSkipReason();

/** Reads what the token holds through a session of our own, as an attacker with the PIN would. */
function inspectToken(token: ReturnType<typeof newSoftHsmToken>) {
  const module = graphene.Module.load(token.library, 'inspect');
  module.initialize();
  try {
    const slots = module.getSlots(true);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      if (slot.getToken().label.trim() !== token.label) continue;
      const session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
      session.login(token.pin);
      const keys = session.find({ class: graphene.ObjectClass.SECRET_KEY });
      const found: { label: string; extractable: boolean; sensitive: boolean; valueReadable: boolean }[] = [];
      for (let k = 0; k < keys.length; k++) {
        const key = keys.items(k).toType<graphene.SecretKey>();
        let valueReadable = true;
        try {
          key.getAttribute({ value: null });
        } catch {
          valueReadable = false;
        }
        const attrs = key.getAttribute({ extractable: null, sensitive: null }) as {
          extractable: boolean;
          sensitive: boolean;
        };
        found.push({ label: key.label, ...attrs, valueReadable });
      }
      session.logout();
      session.close();
      return found;
    }
    return [];
  } finally {
    module.finalize();
  }
}

describe('PKCS#11 key ring on SoftHSM (ENC-2)', { skip }, () => {
  test('KEKs are made inside the HSM, non-extractable, and wrap and unwrap with context', async () => {
    const token = newSoftHsmToken();
    const file = path.join(tempDir(), 'keyring.json');
    const ring = await openKeyRing({
      file,
      hsm: openPkcs11({ library: token.library, tokenLabel: token.label, pin: token.pin }),
    });
    assert.equal(ring.protection, 'pkcs11');
    const material = randomBytes(32);
    const wrapped = await ring.wrap(material, Buffer.from('ctx:1'));
    assert.ok((await ring.unwrap(wrapped, Buffer.from('ctx:1'))).equals(material));
    await assert.rejects(ring.unwrap(wrapped, Buffer.from('ctx:2')), { code: 'decryption-failed' });
    await ring.close();

    const keys = inspectToken(token);
    assert.deepEqual(
      keys.map((k) => ({ ...k })),
      [{ label: 'haven-kek-1', extractable: false, sensitive: true, valueReadable: false }],
    );
    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text);
    assert.equal(doc.protection, 'pkcs11');
    assert.equal(doc.payload, undefined, 'the key file holds only ciphertext');
    const reopened = await openKeyRing({
      file,
      hsm: openPkcs11({ library: token.library, tokenLabel: token.label, pin: token.pin }),
    });
    for (const name of SECRET_NAMES) assert.ok(!text.includes(reopened.secret(name).toString('base64')));
    assert.ok((await reopened.unwrap(wrapped, Buffer.from('ctx:1'))).equals(material));
    await reopened.close();
  });

  test('a new KEK re-seals the key file; the old one can be retired from the HSM', async () => {
    const token = newSoftHsmToken();
    const file = path.join(tempDir(), 'keyring.json');
    const open = () =>
      openKeyRing({
        file,
        hsm: openPkcs11({ library: token.library, tokenLabel: token.label, pin: token.pin }),
      });
    const ring = await open();
    const secret = ring.secret('blind-index');
    const version = await ring.addKek();
    assert.equal(version, 2);
    const wrapped = await ring.wrap(Buffer.alloc(32, 1), Buffer.from('x'));
    assert.equal(wrapped.kekVersion, 2);
    await ring.retireKek(1);
    await assert.rejects(ring.retireKek(2), { code: 'kek-in-use' });
    await ring.close();
    assert.deepEqual(
      inspectToken(token).map((k) => k.label),
      ['haven-kek-2'],
    );
    const reopened = await open();
    assert.ok(reopened.secret('blind-index').equals(secret), 'the key file opens under the new KEK');
    await reopened.close();
  });

  test('a wrong PIN or token label stops Haven with the setting named', () => {
    const token = newSoftHsmToken();
    assert.throws(
      () => openPkcs11({ library: token.library, tokenLabel: token.label, pin: '000000' }),
      /HAVEN_PKCS11_PIN/,
    );
    assert.throws(
      () => openPkcs11({ library: token.library, tokenLabel: 'nope', pin: token.pin }),
      /HAVEN_PKCS11_TOKEN/,
    );
    assert.throws(
      () => openPkcs11({ library: '/nonexistent.so', tokenLabel: 'x', pin: 'x' }),
      /HAVEN_PKCS11_LIBRARY/,
    );
  });
});
