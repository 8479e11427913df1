import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { CompactEncrypt, CompactSign, exportJWK, importJWK, type JWK } from 'jose';

/**
 * What goes to a partner (SHA-2): signed by Haven, then encrypted to the partner — a JWS (EdDSA, Ed25519) inside a
 * JWE (ECDH-ES+A256KW or RSA-OAEP-256, with A256GCM). The partner decrypts with its own key and checks Haven's
 * signature with Haven's public key (GET /api/partner/keys); nobody between can read or change it, and the
 * partner can show anyone where it came from.
 */
export const RELEASE_JWS_TYPE = 'haven-release+jws';

export interface ReleaseSigner {
  kid: string;
  privateKey: KeyObject;
  /** The public key, as a JWK (with kid, alg, use). */
  publicJwk: JWK;
}

/**
 * Haven's release signing key, derived from the key ring's ledger signing secret under a label of its own: a
 * key of its own (what signs releases signs no checkpoint), with no new secret to keep.
 */
export async function releaseSigner(ledgerSigningSecret: Buffer): Promise<ReleaseSigner> {
  const seed = Buffer.from(
    hkdfSync('sha256', ledgerSigningSecret, Buffer.alloc(0), 'haven/release-signing/v1', 32),
  );
  // PKCS#8 DER prefix of an Ed25519 private key, then the 32-byte seed (RFC 8410).
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = `haven-release-${createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16)}`;
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

export interface PartnerEncryptionKey {
  kid: string;
  alg: string;
  jwk: JWK;
}

/** Signs `payload` as Haven and encrypts it to the partner's key: the JWE compact serialisation. */
export async function sealForPartner(
  payload: unknown,
  signer: ReleaseSigner,
  recipient: PartnerEncryptionKey,
): Promise<string> {
  const jws = await new CompactSign(Buffer.from(JSON.stringify(payload), 'utf8'))
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: RELEASE_JWS_TYPE })
    .sign(signer.privateKey);
  const key = await importJWK(recipient.jwk, recipient.alg);
  return new CompactEncrypt(Buffer.from(jws, 'utf8'))
    .setProtectedHeader({ alg: recipient.alg, enc: 'A256GCM', kid: recipient.kid, cty: RELEASE_JWS_TYPE })
    .encrypt(key);
}
