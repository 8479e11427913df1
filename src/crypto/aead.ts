import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';

/** AES-256-GCM with a random 96-bit nonce: sealed = nonce ‖ ciphertext ‖ tag. */
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export function seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  if (aad) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  if (sealed.length < SEAL_OVERHEAD) {
    throw new HavenError('decryption-failed', 'Ciphertext is too short to be valid.', { status: 500 });
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  if (aad) decipher.setAAD(aad);
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
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
