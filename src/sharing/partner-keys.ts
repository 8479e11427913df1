/**
 * Partners' public keys (JWK, RFC 7517): `sig` keys verify their client assertions (RFC 7523), `enc` keys encrypt
 * what is released to them (SHA-2). Haven holds public keys only: a JWK with private or symmetric parts is refused,
 * so a partner's secret never has to leave the partner.
 */
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { HavenError } from '../domain/errors.ts';

/** Asymmetric signature algorithms a partner may sign assertions with; `none` and HMAC never. */
export const SIGNING_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'RS256',
] as const;
/** Key agreement and key transport algorithms for encrypting releases to a partner (JWE). */
export const ENCRYPTION_ALGORITHMS = ['ECDH-ES', 'ECDH-ES+A256KW', 'RSA-OAEP-256'] as const;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

export interface PartnerKeyInput {
  jwk: Record<string, unknown>;
  use: 'sig' | 'enc';
}

export interface CheckedKey {
  kid: string;
  use: 'sig' | 'enc';
  alg: string;
  /** The public members only, as stored. */
  jwk: JWK;
}

const invalid = (message: string, code = 'partner-key-invalid') =>
  new HavenError(code, message, { status: 422, fields: [{ path: 'jwk', code, message }] });

/**
 * Checks a public JWK and gives what is stored: its kid (the one given, or its RFC 7638 thumbprint) and its
 * algorithm. The key must import with jose for that algorithm, and RSA keys must have at least 2048 bits.
 */
export async function checkPartnerKey(input: PartnerKeyInput): Promise<CheckedKey> {
  const jwk = input.jwk;
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw invalid('Give the key as a JWK object.');
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) {
    throw invalid(
      'This JWK holds a private or secret key: send only its public part.',
      'partner-key-private',
    );
  }
  const kty = jwk.kty;
  if (kty !== 'EC' && kty !== 'OKP' && kty !== 'RSA') throw invalid('The key type must be EC, OKP or RSA.');
  if (jwk.use !== undefined && jwk.use !== input.use) throw invalid(`The JWK says use "${String(jwk.use)}".`);
  const allowed: readonly string[] = input.use === 'sig' ? SIGNING_ALGORITHMS : ENCRYPTION_ALGORITHMS;
  const alg = typeof jwk.alg === 'string' ? jwk.alg : defaultAlg(jwk, input.use);
  if (!alg || !allowed.includes(alg)) {
    throw invalid(`Name the key's algorithm (alg), one of ${allowed.join(', ')}.`);
  }
  if (kty === 'RSA' && typeof jwk.n === 'string' && Buffer.from(jwk.n, 'base64url').length < 256) {
    throw invalid('An RSA key needs at least 2048 bits.');
  }
  const publicJwk: JWK = {};
  for (const member of ['kty', 'crv', 'x', 'y', 'n', 'e']) {
    if (typeof jwk[member] === 'string')
      (publicJwk as Record<string, string>)[member] = jwk[member] as string;
  }
  try {
    await importJWK({ ...publicJwk, alg }, alg);
  } catch {
    throw invalid(`The key cannot be used with ${alg}.`);
  }
  const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(publicJwk, 'sha256');
  if (!/^[A-Za-z0-9._:~-]{1,128}$/.test(kid)) {
    throw invalid('The key id (kid) may hold letters, digits and . _ : ~ - only, 128 at most.');
  }
  return { kid, use: input.use, alg, jwk: { ...publicJwk, kid, alg, use: input.use } };
}

function defaultAlg(jwk: Record<string, unknown>, use: 'sig' | 'enc'): string | undefined {
  if (use === 'enc') return jwk.kty === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES';
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(jwk.crv)];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}
