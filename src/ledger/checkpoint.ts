import { sign } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { decodeBase64 } from './base64.ts';
import {
  ALG_COSIGNATURE_V1,
  asCosignatureKey,
  checkSignature,
  cosignatureMessageBytes,
  isValidKeyName,
  isValidNoteText,
  keyId,
  type NoteSigner,
  noteMalformed,
  parseNote,
  parseSignatureLine,
  parseVerifierKey,
  rawPublicKey,
  signatureLine,
  type VerifiedSignature,
  type VerifierKey,
  verifyNote,
} from './signed-note.ts';
import { HASH_SIZE, isCount } from './tree-hash.ts';

/**
 * Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1 with
 * Ed25519) — AUD-3. A checkpoint body is `<origin>\n<size>\n<base64 root>\n` plus optional extension lines.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Opaque extension lines after the root hash; Haven emits none but keeps what it reads. */
  extensions: string[];
}

function malformed(message: string, status: 422 | 500 = 422): HavenError {
  return new HavenError('checkpoint-malformed', message, { status });
}

function cosignatureInvalid(message: string): HavenError {
  return new HavenError('cosignature-invalid', message, { status: 422 });
}

const textLine = (line: string): boolean => line.length > 0 && !line.includes('\n') && isValidNoteText(line);

export function formatCheckpoint(checkpoint: {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!textLine(origin)) throw malformed('A checkpoint origin must be one non-empty line of text.', 500);
  if (!isCount(size)) throw malformed('A checkpoint size must be a whole number from 0 up.', 500);
  if (rootHash.length !== HASH_SIZE) throw malformed('A checkpoint root must be a SHA-256 hash.', 500);
  if (!extensions.every(textLine)) {
    throw malformed('Checkpoint extension lines must be non-empty lines.', 500);
  }
  const lines = [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions];
  return `${lines.join('\n')}\n`;
}

/** Parses a checkpoint body strictly: non-empty origin, size without leading zeros, a 32-byte root. */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n') || !isValidNoteText(body)) {
    throw malformed('A checkpoint must be lines of text ending in a newline.');
  }
  const [origin, size, root, ...extensions] = body.slice(0, -1).split('\n');
  if (origin === undefined || origin === '') {
    throw malformed('A checkpoint must start with a non-empty origin line.');
  }
  if (size === undefined || !/^(?:0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw malformed(
      'The second line of a checkpoint must be the tree size in decimal, without leading zeros.',
    );
  }
  const rootHash = root === undefined ? undefined : decodeBase64(root);
  if (rootHash?.length !== HASH_SIZE) {
    throw malformed('The third line of a checkpoint must be a base64 SHA-256 root hash.');
  }
  if (extensions.some((line) => line === '')) {
    throw malformed('Checkpoint extension lines must not be empty.');
  }
  return { origin, size: Number(size), rootHash, extensions };
}

/** Verifies a signed checkpoint against the log's key and parses its body. */
export function openCheckpoint(
  noteText: string,
  logKey: VerifierKey | string,
): { checkpoint: Checkpoint; body: string; signatures: VerifiedSignature[] } {
  const signatures = verifyNote(noteText, [logKey]);
  const { body } = parseNote(noteText);
  return { checkpoint: parseCheckpoint(body), body, signatures };
}

/** The message a cosignature/v1 signs: a header line, a time line, then the whole checkpoint body. */
export function cosignatureMessage(timeSeconds: number, checkpointBody: string): string {
  return cosignatureMessageBytes(BigInt(timeSeconds), checkpointBody).toString('utf8');
}

/**
 * A witness's cosignature of a checkpoint body at `timeSeconds` (c2sp.org/tlog-cosignature): returns the
 * signature line, newline included: `— <name> base64(key id ‖ u64 timestamp ‖ Ed25519 signature)`. The key id
 * uses signature type 0x04, so the same key can never pass a cosignature off as a plain note signature.
 */
export function cosign(checkpointBody: string, witness: NoteSigner, timeSeconds: number): string {
  parseCheckpoint(checkpointBody);
  if (!isValidKeyName(witness.name)) {
    throw noteMalformed('A witness name must be non-empty, without spaces or plus signs.');
  }
  if (!isCount(timeSeconds)) throw cosignatureInvalid('A cosignature time must be whole Unix seconds.');
  const id = keyId(witness.name, ALG_COSIGNATURE_V1, rawPublicKey(witness.privateKey));
  const time = BigInt(timeSeconds);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(time);
  const signature = sign(null, cosignatureMessageBytes(time, checkpointBody), witness.privateKey);
  return signatureLine(witness.name, id, Buffer.concat([timestamp, signature]));
}

/**
 * Checks one witness's cosignature line (with or without its newline) over a checkpoint body. The witness key
 * may be given as its plain Ed25519 verifier key (type 0x01) or as a cosignature key (type 0x04).
 */
export function verifyCosignature(
  checkpointBody: string,
  line: string,
  witnessKey: VerifierKey | string,
): { name: string; keyId: number; timestamp: number } {
  const key = asCosignatureKey(typeof witnessKey === 'string' ? parseVerifierKey(witnessKey) : witnessKey);
  const text = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (text.includes('\n') || !isValidNoteText(text)) throw noteMalformed('A cosignature must be one line.');
  const { name, keyId: id, signature } = parseSignatureLine(text);
  if (name !== key.name || id !== key.keyId) {
    throw new HavenError('note-unknown-key', 'The cosignature is not from this witness key.', {
      status: 422,
    });
  }
  const result = checkSignature(key, checkpointBody, signature);
  if (result?.timestamp === undefined) {
    throw cosignatureInvalid('The cosignature does not verify for this checkpoint.');
  }
  return { name, keyId: id, timestamp: result.timestamp };
}
