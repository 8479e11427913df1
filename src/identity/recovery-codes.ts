import { createHmac, randomInt } from 'node:crypto';

/** Ten one-time recovery codes of 12 characters from an unambiguous alphabet (~59 bits each). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** Codes are stored as keyed hashes; the key lives in the key ring, not in the database. */
export function hashRecoveryCode(key: Uint8Array, code: string): Buffer {
  const normal = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return createHmac('sha256', key).update('recovery-code\0').update(normal).digest();
}
