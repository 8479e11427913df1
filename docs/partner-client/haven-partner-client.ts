/**
 * A partner's client for Haven (docs/partners.md): make a key pair, sign client assertions (RFC 7523
 * private_key_jwt) and get a 5-minute access token. It needs Node 22+ (or any runtime with fetch and WebCrypto)
 * and the `jose` package, nothing from Haven: copy it into your own system.
 *
 *   const keys = await generatePartnerKeys();           // once; register keys.publicJwk with Haven (use: sig)
 *   const { accessToken } = await tokenFor({ havenUrl, partnerId, privateKey: keys.privateKey, kid: keys.kid });
 *   await fetch(`${havenUrl}/api/partner/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
 *
 *   const enc = await generateEncryptionKeys();        // once; register enc.publicJwk with Haven (use: enc)
 *   const jwe = await (await fetch(`${havenUrl}/api/partner/releases/${id}`, { headers })).text();
 *   const release = await openRelease(jwe, enc.privateKey, await (await fetch(`${havenUrl}/api/partner/keys`)).json());
 */
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  compactDecrypt,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type KeyObject,
  SignJWT,
} from 'jose';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type PrivateKey = CryptoKey | KeyObject;

export interface PartnerKeyPair {
  /** Keep this on your side; Haven never sees it. */
  privateKey: PrivateKey;
  /** Give this to Haven's staff (POST /api/partners/{id}/keys with use "sig"). */
  publicJwk: JWK;
  kid: string;
  alg: string;
}

/** A new signing key pair (EC P-256, ES256 by default); its kid is its RFC 7638 thumbprint. */
export async function generatePartnerKeys(
  alg: 'ES256' | 'ES384' | 'EdDSA' = 'ES256',
): Promise<PartnerKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' }, kid, alg };
}

export interface AssertionOptions {
  partnerId: string;
  /** Haven's token endpoint, exactly: e.g. https://haven.example.org/oauth/token */
  tokenEndpoint: string;
  privateKey: PrivateKey;
  kid: string;
  alg?: string;
  /** Seconds until it expires: at most 300 (Haven refuses longer). */
  lifetimeSeconds?: number;
  /** A fresh one each time by default; Haven refuses a jti it has seen (replay). */
  jti?: string;
  /** For tests: the time to sign at. */
  now?: Date;
}

/** A client assertion: iss = sub = partner id, aud = the token endpoint, short exp, unique jti (RFC 7523 §3). */
export async function signClientAssertion(options: AssertionOptions): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid, typ: 'JWT' })
    .setIssuer(options.partnerId)
    .setSubject(options.partnerId)
    .setAudience(options.tokenEndpoint)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 60))
    .setJti(options.jti ?? randomUUID())
    .sign(options.privateKey);
}

/** The form body of a token request (RFC 6749 §4.4.2 with RFC 7521 §4.2). */
export function tokenRequestBody(assertion: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  }).toString();
}

export interface TokenOptions extends Omit<AssertionOptions, 'tokenEndpoint'> {
  /** Haven's public address, e.g. https://haven.example.org */
  havenUrl: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
}

/** Haven's refusal of a token request: `code` is Haven's stable code, `error` the RFC 6749 one. */
export class TokenRefused extends Error {
  readonly status: number;
  readonly code: string;
  readonly error: string;
  constructor(status: number, body: { code?: string; error?: string; message?: string }) {
    super(body.message ?? `token request refused (${status})`);
    this.status = status;
    this.code = body.code ?? 'unknown';
    this.error = body.error ?? 'unknown';
  }
}

/** Signs a fresh assertion and exchanges it for an access token (valid 5 minutes: get a new one when it ends). */
export async function tokenFor(options: TokenOptions): Promise<{ accessToken: string; expiresIn: number }> {
  const base = options.havenUrl.replace(/\/+$/, '');
  const tokenEndpoint = `${base}/oauth/token`;
  const assertion = await signClientAssertion({ ...options, tokenEndpoint });
  const response = await (options.fetch ?? fetch)(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: tokenRequestBody(assertion),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new TokenRefused(response.status, body as { code?: string });
  return { accessToken: String(body.access_token), expiresIn: Number(body.expires_in) };
}

/** A key pair to receive releases with (EC P-256, ECDH-ES+A256KW): give `publicJwk` to Haven with use "enc". */
export async function generateEncryptionKeys(): Promise<PartnerKeyPair> {
  const alg = 'ECDH-ES+A256KW';
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: 'P-256', extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { privateKey, publicJwk: { ...jwk, kid, alg, use: 'enc' }, kid, alg };
}

/** What a release holds, once opened (format haven-release/1; docs/partners.md, "Releases"). */
export interface Release {
  format: 'haven-release/1';
  release: string;
  agreement: string;
  partner: string;
  issuedAt: string;
  records: { pseudonym: string; fields: Record<string, unknown>; masked?: Record<string, number> }[];
  refused: { pseudonym: string; code: string }[];
}

/**
 * Opens a release: decrypts the JWE with your private key, then checks Haven's signature against Haven's public
 * keys (GET /api/partner/keys) — a release that does not verify is refused, never half-read.
 */
export async function openRelease(
  jwe: string,
  privateKey: PrivateKey,
  havenKeys: { keys: JWK[] },
  expectedPartnerId?: string,
): Promise<Release> {
  const { plaintext } = await compactDecrypt(jwe, privateKey);
  const jws = new TextDecoder().decode(plaintext);
  const { payload, protectedHeader } = await compactVerify(jws, async (header) => {
    const key = havenKeys.keys.find((k) => k.kid === header.kid);
    if (!key) throw new Error(`unknown Haven key ${String(header.kid)}`);
    return importJWK(key, 'EdDSA');
  });
  if (protectedHeader.typ !== 'haven-release+jws') throw new Error('not a Haven release');
  const release = JSON.parse(new TextDecoder().decode(payload)) as Release;
  if (release.format !== 'haven-release/1') throw new Error(`unknown release format ${release.format}`);
  if (expectedPartnerId && release.partner !== expectedPartnerId)
    throw new Error('a release for another partner');
  return release;
}
