import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { openGroup, sealGroup } from '../../src/crypto/envelope.ts';

describe('field-group encryption (ENC-1)', () => {
  test('round trips any group of values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue()),
        fc.integer({ min: 1, max: 1e6 }),
        (values, version) => {
          const dek = randomBytes(32);
          const id = randomUUID();
          const sealed = sealGroup(dek, id, 'identity', version, values);
          assert.deepEqual(
            openGroup(dek, id, 'identity', version, sealed),
            JSON.parse(JSON.stringify(values)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a ciphertext moved to another person, group or version does not decrypt', () => {
    const dek = randomBytes(32);
    const id = randomUUID();
    const sealed = sealGroup(dek, id, 'identity', 3, { givenName: 'Amina' });
    assert.throws(() => openGroup(dek, randomUUID(), 'identity', 3, sealed), { code: 'decryption-failed' });
    assert.throws(() => openGroup(dek, id, 'contact', 3, sealed), { code: 'decryption-failed' });
    assert.throws(() => openGroup(dek, id, 'identity', 2, sealed), { code: 'decryption-failed' });
  });

  test('a wrong key or a flipped bit is refused', () => {
    const dek = randomBytes(32);
    const id = randomUUID();
    const sealed = sealGroup(dek, id, 'identity', 1, { givenName: 'Amina' });
    assert.throws(() => openGroup(randomBytes(32), id, 'identity', 1, sealed), { code: 'decryption-failed' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), (bit) => {
        const tampered = Buffer.from(sealed);
        tampered[bit >> 3]! ^= 1 << (bit & 7);
        assert.throws(() => openGroup(dek, id, 'identity', 1, tampered), { code: 'decryption-failed' });
      }),
    );
  });
});
