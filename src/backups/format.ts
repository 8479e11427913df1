import { createHash } from 'node:crypto';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { HavenError } from '../domain/errors.ts';

/**
 * A backup file (RES-1, docs/decisions/0014-backups.md): one age file (X25519 recipient, ChaCha20-Poly1305 STREAM:
 * every 64 KiB chunk authenticated, a truncated or altered file refused) around a small container —
 * a magic line, the manifest's length and JSON, then the parts. The manifest holds each part's SHA-256, so
 * `verify` checks the contents too, not only the encryption.
 */

const MAGIC = Buffer.from('HAVEN-BACKUP/1\n');
export const FORMAT = 'haven-backup/1';

export type BackupKind = 'main' | 'vault';

export interface BackupPart {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  kind: BackupKind;
  database: 'pglite' | 'postgres';
  havenVersion: string;
  /** The newest migration applied to the database backed up. */
  migration: number;
  createdAt: string;
  /** The ledger at backup time (main only): its size and the newest signed checkpoint. */
  ledger?: { size: number; checkpoint?: { size: number; note: string } };
  /** Rows per table in the backed-up snapshot, compared after a restore (the drill). */
  counts: Record<string, number>;
  parts: BackupPart[];
}

export interface OpenedBackup {
  manifest: BackupManifest;
  parts: Map<string, Uint8Array>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function backupError(code: string, message: string): HavenError {
  return new HavenError(code, message, { status: 422 });
}

/** A new age identity (keep it off the server) and its recipient (the server's HAVEN_BACKUP_RECIPIENT). */
export async function newBackupKey(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export function checkRecipient(recipient: string | undefined): string {
  if (!recipient || !/^age1[02-9ac-hj-np-z]{58}$/.test(recipient.trim())) {
    throw new HavenError(
      'backup-recipient-missing',
      'Set HAVEN_BACKUP_RECIPIENT to the age1… recipient printed by `haven backup keygen` (the identity stays off the server).',
      { status: 503 },
    );
  }
  return recipient.trim();
}

/** The plaintext container: magic, manifest length (u32), manifest JSON, parts in manifest order. */
export function packBackup(
  header: Omit<BackupManifest, 'parts' | 'format'>,
  parts: readonly { name: string; data: Uint8Array }[],
): { manifest: BackupManifest; plaintext: Uint8Array } {
  const manifest: BackupManifest = {
    format: FORMAT,
    ...header,
    parts: parts.map((p) => ({ name: p.name, bytes: p.data.byteLength, sha256: sha256(p.data) })),
  };
  const json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.byteLength);
  return { manifest, plaintext: Buffer.concat([MAGIC, length, json, ...parts.map((p) => p.data)]) };
}

export function unpackBackup(plaintext: Uint8Array): OpenedBackup {
  const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const corrupt = (why: string) =>
    backupError('backup-corrupt', `The backup decrypted but its contents are not a Haven backup: ${why}.`);
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('no Haven backup header');
  const length = bytes.readUInt32BE(MAGIC.length);
  let offset = MAGIC.length + 4 + length;
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(bytes.subarray(MAGIC.length + 4, offset).toString('utf8')) as BackupManifest;
  } catch {
    throw corrupt('the manifest is not JSON');
  }
  if (manifest.format !== FORMAT) throw corrupt(`unknown format ${String(manifest.format)}`);
  const parts = new Map<string, Uint8Array>();
  for (const part of manifest.parts) {
    const data = bytes.subarray(offset, offset + part.bytes);
    offset += part.bytes;
    if (data.byteLength !== part.bytes || sha256(data) !== part.sha256) {
      throw corrupt(`part ${part.name} does not match its SHA-256 in the manifest`);
    }
    parts.set(part.name, data);
  }
  if (offset !== bytes.byteLength) throw corrupt('bytes after the last part');
  return { manifest, parts };
}

export async function sealBackup(plaintext: Uint8Array, recipient: string): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(checkRecipient(recipient));
  return encrypter.encrypt(plaintext);
}

/**
 * Decrypts and checks a backup. Stable codes: backup-identity-invalid (not an AGE-SECRET-KEY-1…),
 * backup-wrong-identity (made for another recipient), backup-corrupt (altered, truncated or not a backup).
 */
export async function openBackup(file: Uint8Array, identity: string): Promise<OpenedBackup> {
  const decrypter = new Decrypter();
  const text = identity
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (!text) {
    throw backupError(
      'backup-identity-invalid',
      'The backup identity must be the AGE-SECRET-KEY-1… line printed by `haven backup keygen`.',
    );
  }
  decrypter.addIdentity(text);
  let plaintext: Uint8Array;
  try {
    plaintext = await decrypter.decrypt(file);
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/no identity matched/.test(message)) {
      throw backupError(
        'backup-wrong-identity',
        'This backup was made for another recipient key: give the identity that matches the HAVEN_BACKUP_RECIPIENT it was made with.',
      );
    }
    if (/unrecognized identity/.test(message)) {
      throw backupError('backup-identity-invalid', 'The backup identity is not a valid age X25519 identity.');
    }
    throw backupError(
      'backup-corrupt',
      `The backup is altered or truncated and cannot be used (${message || 'authentication failed'}); nothing was restored.`,
    );
  }
  return unpackBackup(plaintext);
}
