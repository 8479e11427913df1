import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';

/** AES-256-GCM with a random 96-bit nonce: sealed = nonce ‖ ciphertext ‖ tag. */
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export type Key = Uint8Array | KeyObject;

// OpenSSL sets a raw key up again on every call (~20 µs here); a KeyObject is set up once (~1.5 µs). B5.
const asKeyObject = (key: Key): KeyObject => (key instanceof KeyObject ? key : createSecretKey(key));

// Nonces come from a pool of random bytes, each 12-byte slice used once: one CSPRNG call per 4,096 seals.
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;
function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 4096);
    nonceOffset = 0;
  }
  // A view, not a copy: OpenSSL copies the IV, and seal copies it into the output.
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

// Data keys too come from a pool (one CSPRNG call per 128 keys, B1); each slice is wiped once handed out.
let keyPool = Buffer.alloc(0);
let keyOffset = 0;

/** 32 fresh random bytes for a new key. */
export function freshKeyMaterial(): Buffer {
  if (keyOffset + KEY_BYTES > keyPool.length) {
    keyPool = randomBytes(KEY_BYTES * 128);
    keyOffset = 0;
  }
  const key = Buffer.from(keyPool.subarray(keyOffset, keyOffset + KEY_BYTES));
  keyPool.fill(0, keyOffset, keyOffset + KEY_BYTES);
  keyOffset += KEY_BYTES;
  return key;
}

export function seal(key: Key, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', asKeyObject(key), nonce);
  if (aad) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  cipher.final();
  // One allocation for nonce ‖ ciphertext ‖ tag (B5).
  const sealed = Buffer.allocUnsafe(NONCE_BYTES + body.length + TAG_BYTES);
  sealed.set(nonce, 0);
  sealed.set(body, NONCE_BYTES);
  sealed.set(cipher.getAuthTag(), NONCE_BYTES + body.length);
  return sealed;
}

export function open(key: Key, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  if (sealed.length < SEAL_OVERHEAD) {
    throw new HavenError('decryption-failed', 'Ciphertext is too short to be valid.', { status: 500 });
  }
  const decipher = createDecipheriv('aes-256-gcm', asKeyObject(key), sealed.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  if (aad) decipher.setAAD(aad);
  try {
    const plain = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    // GCM is a stream mode: final() only checks the tag and returns nothing more.
    const rest = decipher.final();
    return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
  } catch {
    // Wrong key, wrong AAD or altered bytes: GCM cannot tell which, and neither do we.
    throw new HavenError(
      'decryption-failed',
      'Ciphertext does not authenticate under this key and context.',
      {
        status: 500,
      },
    );
  }
}
