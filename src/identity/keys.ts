import { createHmac, hkdfSync } from 'node:crypto';
import type { KeyRing } from '../crypto/keyring/keyring.ts';

/** Keys for staff-account secrets, derived from the key ring's `accounts` secret, one per use (HKDF, RFC 5869). */
export interface AccountKeys {
  /** Seals TOTP secrets (AES-256-GCM). */
  totp: Buffer;
  /** Keyed hashes of recovery codes, setup and enrolment codes. */
  codes: Buffer;
  /** Keyed hashes of client addresses in the throttle table. */
  addresses: Buffer;
}

export function accountKeys(keyRing: KeyRing): AccountKeys {
  const root = keyRing.secret('accounts');
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `haven/accounts/${info}`, 32));
  return { totp: derive('totp'), codes: derive('codes'), addresses: derive('addresses') };
}

export function keyedHash(key: Uint8Array, domain: string, value: string): Buffer {
  return createHmac('sha256', key).update(domain).update('\0').update(value).digest();
}
