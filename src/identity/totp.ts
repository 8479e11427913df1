import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP, the defaults every authenticator app supports: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const ISSUER = 'Haven';

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

function totp(secret: Uint8Array, label = 'staff'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: new Secret({ buffer: Uint8Array.from(secret).buffer }),
  });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) to enrol. */
export function totpUri(secret: Uint8Array, label: string): string {
  return totp(secret, label).toString();
}

export function totpSecretBase32(secret: Uint8Array): string {
  return totp(secret).secret.base32;
}

/**
 * Returns the time step the code belongs to (one step of clock drift either way is accepted), or null.
 * The caller refuses any step at or before the last one accepted, so a code works only once (no replay).
 */
export function verifyTotp(secret: Uint8Array, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** For tests and the CLI's self-check: the code an authenticator would show at `now`. */
export function totpCode(secret: Uint8Array, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now });
}
