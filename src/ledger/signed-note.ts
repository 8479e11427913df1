import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { decodeBase64 } from './base64.ts';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, in the key and note formats of
 * golang.org/x/mod/sumdb/note (AUD-3). Checkpoints and witness cosignatures, notes with a fixed body, build on
 * this in checkpoint.ts; note.ts exports both.
 */

/** Signature types of c2sp.org/signed-note: plain Ed25519, and timestamped Ed25519 witness cosignatures. */
export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;
export type KeyAlgorithm = typeof ALG_ED25519 | typeof ALG_COSIGNATURE_V1;

/** golang.org/x/mod/sumdb/note's limit; the spec asks verifiers to accept at least 16. */
const MAX_SIGNATURES = 100;
const ED25519_SIGNATURE = 64;
// DER header of a PKCS #8 Ed25519 private key (RFC 8410); the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

export interface VerifierKey {
  name: string;
  keyId: number;
  algorithm: KeyAlgorithm;
  publicKey: KeyObject;
}

export interface SignerKey extends NoteSigner {
  keyId: number;
  publicKey: KeyObject;
  verifierKey: string;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key id. */
  signature: Buffer;
}

export interface Note {
  /** The signed text, with its final newline. */
  body: string;
  signatures: NoteSignature[];
}

export interface VerifiedSignature {
  name: string;
  keyId: number;
  algorithm: KeyAlgorithm;
  /** For a cosignature: the time the witness signed, in Unix seconds. */
  timestamp?: number;
}

export function noteMalformed(message: string): HavenError {
  return new HavenError('note-malformed', message, { status: 422 });
}

function keyInvalid(message: string): HavenError {
  return new HavenError('note-key-invalid', message, { status: 422 });
}

/** Key names are non-empty and hold no Unicode space and no plus sign (c2sp.org/signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && isValidNoteText(name) && !/[\p{White_Space}+]/u.test(name);
}

/** Notes are UTF-8 without ASCII control characters other than newline (c2sp.org/signed-note §Format). */
export function isValidNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return false;
  }
  return text.isWellFormed();
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], big-endian (c2sp.org/signed-note). */
export function keyId(name: string, algorithm: KeyAlgorithm, rawPublicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, algorithm]))
    .update(rawPublicKey)
    .digest()
    .readUInt32BE(0);
}

/** The 32-byte Ed25519 public key of a public or private key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw keyInvalid('Ledger keys must be Ed25519 keys.');
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    throw keyInvalid('The key is not an Ed25519 public key.');
  }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** `<name>+<hex key id>+<base64(type ‖ public key)>`, the verifier key text of golang.org/x/mod/sumdb/note. */
export function verifierKeyString(
  name: string,
  publicKey: KeyObject,
  algorithm: KeyAlgorithm = ALG_ED25519,
): string {
  if (!isValidKeyName(name)) throw keyInvalid('A key name must be non-empty, without spaces or plus signs.');
  const raw = rawPublicKey(publicKey);
  const encoded = Buffer.concat([Buffer.from([algorithm]), raw]).toString('base64');
  return `${name}+${hex8(keyId(name, algorithm, raw))}+${encoded}`;
}

/** Checks the parts of `<name>+<hex key id>+<base64(type ‖ key)>` and decodes them; callers check the key id. */
function parseKeyParts(name: string, hex: string | undefined, encoded: string | undefined) {
  const key = encoded === undefined ? undefined : decodeBase64(encoded);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/i.test(hex ?? '') || key?.length !== 33) {
    throw keyInvalid('The key text is not of the form name+keyid+base64key.');
  }
  const algorithm = key[0];
  if (algorithm !== ALG_ED25519 && algorithm !== ALG_COSIGNATURE_V1) {
    throw keyInvalid('The key is not an Ed25519 note or cosignature key.');
  }
  return { algorithm: algorithm as KeyAlgorithm, id: Number.parseInt(hex!, 16), material: key.subarray(1) };
}

/** Cuts `text` at its first plus sign (key texts end in base64, which may itself hold plus signs). */
function chop(text: string): [string, string | undefined] {
  const plus = text.indexOf('+');
  return plus < 0 ? [text, undefined] : [text.slice(0, plus), text.slice(plus + 1)];
}

/** Parses a verifier key; accepts plain Ed25519 keys (type 0x01) and witness cosignature keys (type 0x04). */
export function parseVerifierKey(text: string): VerifierKey {
  const [name, rest] = chop(text);
  const [hex, encoded] = chop(rest ?? '');
  const { algorithm, id, material } = parseKeyParts(name, hex, encoded);
  if (keyId(name, algorithm, material) !== id) throw keyInvalid('The key id does not match the key.');
  return { name, keyId: id, algorithm, publicKey: publicKeyFromRaw(material) };
}

/** Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>`, the signer key text of sumdb/note. */
export function parseSignerKey(text: string): SignerKey {
  const [private1, rest1] = chop(text);
  const [private2, rest2] = chop(rest1 ?? '');
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') {
    throw keyInvalid('The key text is not of the form PRIVATE+KEY+name+keyid+base64key.');
  }
  const [name, rest3] = chop(rest2 ?? '');
  const [hex, encoded] = chop(rest3 ?? '');
  const { algorithm, id, material } = parseKeyParts(name, hex, encoded);
  if (algorithm !== ALG_ED25519) throw keyInvalid('A signer key must be a plain Ed25519 key (type 0x01).');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, material]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  // The key id names the public key, which only the seed gives: check it after deriving.
  if (keyId(name, ALG_ED25519, rawPublicKey(publicKey)) !== id) {
    throw keyInvalid('The key id does not match the key.');
  }
  return { name, keyId: id, privateKey, publicKey, verifierKey: verifierKeyString(name, publicKey) };
}

/** A new Ed25519 key pair as signer and verifier key texts (for witnesses' key files). */
export function newSignerKey(name: string): { signerKey: string; verifierKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const verifierKey = verifierKeyString(name, publicKey);
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const id = hex8(keyId(name, ALG_ED25519, rawPublicKey(publicKey)));
  const encoded = Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64');
  return { signerKey: `PRIVATE+KEY+${name}+${id}+${encoded}`, verifierKey };
}

/** The same witness key seen as a cosignature/v1 key: same public key, key id under type 0x04. */
export function asCosignatureKey(key: VerifierKey): VerifierKey {
  if (key.algorithm === ALG_COSIGNATURE_V1) return key;
  return {
    ...key,
    algorithm: ALG_COSIGNATURE_V1,
    keyId: keyId(key.name, ALG_COSIGNATURE_V1, rawPublicKey(key.publicKey)),
  };
}

export function signatureLine(name: string, id: number, signature: Uint8Array): string {
  const bytes = Buffer.alloc(4 + signature.length);
  bytes.writeUInt32BE(id, 0);
  bytes.set(signature, 4);
  return `— ${name} ${bytes.toString('base64')}\n`;
}

/** Signs a note body (text ending in a newline) with plain Ed25519 keys; returns the whole signed note. */
export function signNote(body: string, signers: readonly NoteSigner[]): string {
  if (!body.endsWith('\n') || !isValidNoteText(body)) {
    throw noteMalformed('A note body must be text without control characters, ending in a newline.');
  }
  const lines = signers.map(({ name, privateKey }) => {
    if (!isValidKeyName(name)) {
      throw keyInvalid('A key name must be non-empty, without spaces or plus signs.');
    }
    const id = keyId(name, ALG_ED25519, rawPublicKey(privateKey));
    return signatureLine(name, id, sign(null, Buffer.from(body, 'utf8'), privateKey));
  });
  return `${body}\n${lines.join('')}`;
}

/** One signature line without its newline: `— <name> <base64(key id ‖ signature)>`. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith('— ')) {
    throw noteMalformed('A note signature line must start with an em dash and a space.');
  }
  const rest = line.slice(2);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || bytes === undefined || bytes.length < 5) {
    throw noteMalformed('A note signature line must hold a key name and a base64 signature.');
  }
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
}

/** Splits a signed note into its body and signatures; the body ends at the last blank line. */
export function parseNote(text: string): Note {
  if (!isValidNoteText(text)) throw noteMalformed('A signed note must be text without control characters.');
  const split = text.lastIndexOf('\n\n');
  const block = split < 0 ? '' : text.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    throw noteMalformed('A signed note must end with a blank line and signature lines.');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw noteMalformed(`A signed note may carry at most ${MAX_SIGNATURES} signatures.`);
  }
  return { body: text.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

export function cosignatureMessageBytes(timestamp: bigint, body: string): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8');
}

/** Checks one signature by a known key; returns the cosignature's timestamp, or undefined when it fails. */
export function checkSignature(
  key: VerifierKey,
  body: string,
  signature: Buffer,
): { timestamp?: number } | undefined {
  if (key.algorithm === ALG_ED25519) {
    if (signature.length !== ED25519_SIGNATURE) return undefined;
    return verify(null, Buffer.from(body, 'utf8'), key.publicKey, signature) ? {} : undefined;
  }
  // c2sp.org/tlog-cosignature: timestamp (u64, big-endian) ‖ Ed25519 signature over the cosigned message.
  if (signature.length !== 8 + ED25519_SIGNATURE) return undefined;
  const timestamp = signature.readBigUInt64BE(0);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const message = cosignatureMessageBytes(timestamp, body);
  return verify(null, message, key.publicKey, signature.subarray(8))
    ? { timestamp: Number(timestamp) }
    : undefined;
}

/**
 * Verifies a signed note against trusted keys (c2sp.org/signed-note §Signatures): signatures from unknown keys
 * are ignored, a failing signature from a known key rejects the whole note, and at least one known key must
 * have signed. Cosignature keys (type 0x04) check witness cosignatures. Returns the keys that verified.
 */
export function verifyNote(text: string, keys: readonly (VerifierKey | string)[]): VerifiedSignature[] {
  const known = new Map<string, VerifierKey>();
  for (const entry of keys) {
    const key = typeof entry === 'string' ? parseVerifierKey(entry) : entry;
    const handle = `${key.name}+${key.keyId}`;
    const other = known.get(handle);
    if (other && !other.publicKey.equals(key.publicKey)) {
      throw new HavenError('note-key-ambiguous', 'Two trusted keys share a name and key id.', {
        status: 422,
      });
    }
    known.set(handle, key);
  }
  const note = parseNote(text);
  const verified: VerifiedSignature[] = [];
  const seen = new Set<string>();
  for (const { name, keyId: id, signature } of note.signatures) {
    const handle = `${name}+${id}`;
    const key = known.get(handle);
    if (key === undefined || seen.has(handle)) continue;
    seen.add(handle);
    const result = checkSignature(key, note.body, signature);
    if (result === undefined) {
      throw new HavenError('note-signature-invalid', `The signature of key ${name} does not verify.`, {
        status: 422,
      });
    }
    verified.push({ name, keyId: id, algorithm: key.algorithm, ...result });
  }
  if (verified.length === 0) {
    throw new HavenError('note-unknown-key', 'The note carries no signature from a trusted key.', {
      status: 422,
    });
  }
  return verified;
}

/** Adds signature lines (e.g. witness cosignatures) to a signed note, skipping lines it already carries. */
export function addSignatures(text: string, lines: readonly string[]): string {
  const note = parseNote(text);
  const present = new Set(text.slice(note.body.length + 1).split('\n'));
  let result = text;
  for (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (line.includes('\n') || !isValidNoteText(line)) {
      throw noteMalformed('A signature line must be one line.');
    }
    parseSignatureLine(line);
    if (present.has(line)) continue;
    present.add(line);
    result += `${line}\n`;
  }
  parseNote(result);
  return result;
}
