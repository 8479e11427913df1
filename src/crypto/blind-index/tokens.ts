import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/**
 * Blind-index tokens (ENC-3): HMAC-SHA-256 of a normalised value, truncated to 128 bits, under a key derived
 * (HKDF) per organisation, per field and per kind of key from the key ring's blind-index secret. The key never
 * enters the database, so the tokens cannot be recomputed or brute-forced from a dump; equal values give equal
 * tokens only within one field of one organisation. See docs/decisions/0004-blind-indexes.md.
 */
export const TOKEN_BYTES = 16;

export type TokenKind = 'exact' | 'skeleton';

export class BlindIndex {
  private readonly secret: Buffer;
  // KeyObjects, not raw bytes: OpenSSL sets a raw HMAC key up again on every call (12 µs here against 2 µs), and
  // a registration computes dozens of tokens (B1).
  private readonly keys = new Map<string, KeyObject>();

  constructor(secret: Buffer) {
    this.secret = secret;
  }

  private key(organisationId: string, field: string, kind: TokenKind): KeyObject {
    const id = `${organisationId}\0${field}\0${kind}`;
    let key = this.keys.get(id);
    if (!key) {
      key = createSecretKey(
        Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), `haven/blind-index/v1\0${id}`, 32)),
      );
      this.keys.set(id, key);
    }
    return key;
  }

  token(organisationId: string, field: string, kind: TokenKind, normalised: string): Buffer {
    return createHmac('sha256', this.key(organisationId, field, kind))
      .update(normalised, 'utf8')
      .digest()
      .subarray(0, TOKEN_BYTES);
  }
}
