import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { nodeSha256Into } from '../../src/ledger/node-sha256.ts';
import { leafHash, leafHashOfPrefixed, nodeHash } from '../../src/ledger/tree-hash.ts';

const reference = (left: Uint8Array, right: Uint8Array) =>
  createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();

describe('the Merkle node hash in JavaScript (B3)', () => {
  test('equals SHA-256(0x01 ‖ left ‖ right) from node:crypto on generated inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (l, r) => {
          const out = Buffer.alloc(32);
          nodeSha256Into(l, r, out);
          assert.ok(out.equals(reference(l, r)));
          assert.ok(nodeHash(l, r).equals(reference(l, r)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('edge bytes: all zeros, all ones, and the output written over either input', () => {
    for (const [l, r] of [
      [Buffer.alloc(32), Buffer.alloc(32)],
      [Buffer.alloc(32, 0xff), Buffer.alloc(32, 0xff)],
      [Buffer.alloc(32, 0x80), Buffer.alloc(32, 0x7f)],
    ] as const) {
      const expected = reference(l, r);
      const left = Buffer.from(l);
      nodeSha256Into(left, r, left);
      assert.ok(left.equals(expected));
      const right = Buffer.from(r);
      nodeSha256Into(l, right, right);
      assert.ok(right.equals(expected));
    }
  });

  test('a leaf hashed from its prefixed bytes equals the leaf hash; an unprefixed input is refused', () => {
    const body = Buffer.from('{"v":1}');
    assert.ok(leafHashOfPrefixed(Buffer.concat([Buffer.from([0]), body])).equals(leafHash(body)));
    assert.throws(() => leafHashOfPrefixed(body), { code: 'leaf-prefix-missing' });
  });
});
