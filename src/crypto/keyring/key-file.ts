import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { KEY_BYTES, open, seal } from '../aead.ts';

/**
 * The local key file: a JSON document whose payload (key-encryption keys and the ring's secrets) is sealed
 * under a passphrase, a key from the environment, or an HSM key — or, for development only, left in the clear.
 */

export type Protection = 'none' | 'passphrase' | 'environment-key' | 'pkcs11';

export interface KeyPayload {
  /** Key-encryption keys held in the file (file mode only); in PKCS#11 mode they stay in the HSM. */
  keks: { version: number; createdAt: string; key: string; retiredAt?: string }[];
  /** Named 32-byte secrets, base64. */
  secrets: Record<string, string>;
}

interface ScryptParams {
  name: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
}

interface KeyFileDocument {
  format: 'haven-keyring';
  version: 1;
  createdAt: string;
  protection: Protection;
  kdf?: ScryptParams;
  /** PKCS#11 mode: label of the HSM key that seals the payload. */
  sealedBy?: string;
  payload?: KeyPayload;
  sealed?: string;
}

/** Seals and opens the payload; one implementation per protection kind. */
export interface PayloadSealer {
  protection: Protection;
  sealedBy?: string;
  seal(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  open(sealed: Buffer, aad: Buffer): Promise<Buffer>;
}

const AAD = Buffer.from('haven-keyring/1');
// OWASP's scrypt floor is N=2^17, r=8, p=1; it takes ~0.3 s once per start.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

function scrypt(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(
      passphrase,
      salt,
      KEY_BYTES,
      { ...params, maxmem: 256 * params.N * params.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export function keySealer(key: Buffer): PayloadSealer {
  return {
    protection: 'environment-key',
    seal: async (plaintext, aad) => seal(key, plaintext, aad),
    open: async (sealed, aad) => open(key, sealed, aad),
  };
}

export interface KeyFileOptions {
  file: string;
  passphrase?: string | undefined;
  environmentKey?: string | undefined;
  /** PKCS#11 mode: the HSM seals the payload. */
  hsmSealer?: PayloadSealer | undefined;
}

export interface LoadedKeyFile {
  payload: KeyPayload;
  protection: Protection;
  created: boolean;
  /** Writes a changed payload back, atomically, under the same protection. */
  save(payload: KeyPayload): Promise<void>;
}

function configuredProtection(options: KeyFileOptions): Protection {
  if (options.hsmSealer) return 'pkcs11';
  if (options.passphrase) return 'passphrase';
  if (options.environmentKey) return 'environment-key';
  return 'none';
}

function settingFor(protection: Protection): string {
  switch (protection) {
    case 'passphrase':
      return 'HAVEN_KEY_PASSPHRASE';
    case 'environment-key':
      return 'HAVEN_KEY_ENCRYPTION_KEY';
    case 'pkcs11':
      return 'HAVEN_PKCS11_LIBRARY';
    case 'none':
      return 'HAVEN_KEY_FILE';
  }
}

async function writeDocument(options: KeyFileOptions, payload: KeyPayload, createdAt: string): Promise<void> {
  const protection = configuredProtection(options);
  const doc: KeyFileDocument = { format: 'haven-keyring', version: 1, createdAt, protection };
  const plaintext = Buffer.from(JSON.stringify(payload));
  if (protection === 'none') {
    doc.payload = payload;
  } else if (protection === 'passphrase') {
    const salt = randomBytes(16);
    const key = await scrypt(options.passphrase!, salt, SCRYPT);
    doc.kdf = { name: 'scrypt', salt: salt.toString('base64'), ...SCRYPT };
    doc.sealed = seal(key, plaintext, AAD).toString('base64');
  } else {
    const sealer =
      protection === 'pkcs11'
        ? options.hsmSealer!
        : keySealer(Buffer.from(options.environmentKey!, 'base64'));
    if (sealer.sealedBy) doc.sealedBy = sealer.sealedBy;
    doc.sealed = (await sealer.seal(plaintext, AAD)).toString('base64');
  }
  await mkdir(path.dirname(options.file), { recursive: true });
  // Write a sibling file, flush it, then rename: a crash leaves the old file or the new one, never half of one.
  const temporary = `${options.file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(doc, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, options.file);
}

async function openDocument(doc: KeyFileDocument, options: KeyFileOptions): Promise<KeyPayload> {
  if (doc.protection === 'none') return doc.payload!;
  const sealed = Buffer.from(doc.sealed ?? '', 'base64');
  const setting = settingFor(doc.protection);
  try {
    if (doc.protection === 'passphrase') {
      if (!options.passphrase) {
        throw new ConfigError(
          setting,
          `the key file ${options.file} is protected by a passphrase; set ${setting}`,
        );
      }
      const kdf = doc.kdf!;
      const key = await scrypt(options.passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
      return JSON.parse(open(key, sealed, AAD).toString('utf8')) as KeyPayload;
    }
    if (doc.protection === 'environment-key') {
      if (!options.environmentKey) {
        throw new ConfigError(setting, `the key file ${options.file} is protected by a key; set ${setting}`);
      }
      return JSON.parse(open(Buffer.from(options.environmentKey, 'base64'), sealed, AAD).toString('utf8'));
    }
    if (!options.hsmSealer) {
      throw new ConfigError(setting, `the key file ${options.file} is sealed by an HSM; set ${setting}`);
    }
    return JSON.parse((await options.hsmSealer.open(sealed, AAD)).toString('utf8')) as KeyPayload;
  } catch (error) {
    if (error instanceof HavenError && error.code === 'decryption-failed') {
      throw new ConfigError(setting, `does not open the key file ${options.file}`);
    }
    throw error;
  }
}

/**
 * Opens the key file, creating it with fresh keys when it does not exist. A file kept in the clear is
 * re-sealed when protection is configured later; a protected file never silently loses its protection.
 */
export async function loadKeyFile(options: KeyFileOptions, fresh: () => KeyPayload): Promise<LoadedKeyFile> {
  let text: string | undefined;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError('HAVEN_KEY_FILE', `cannot read ${options.file}: ${(error as Error).message}`);
    }
  }
  const protection = configuredProtection(options);
  let payload: KeyPayload;
  let created = false;
  let createdAt = new Date().toISOString();
  if (text === undefined) {
    payload = fresh();
    await writeDocument(options, payload, createdAt);
    created = true;
  } else {
    let doc: KeyFileDocument;
    try {
      doc = JSON.parse(text) as KeyFileDocument;
    } catch {
      throw new ConfigError('HAVEN_KEY_FILE', `${options.file} is not a Haven key file (not JSON)`);
    }
    if (doc.format !== 'haven-keyring' || doc.version !== 1) {
      throw new ConfigError(
        'HAVEN_KEY_FILE',
        `${options.file} is not a Haven key file (format ${doc.format})`,
      );
    }
    createdAt = doc.createdAt;
    payload = await openDocument(doc, options);
    if (doc.protection !== protection) {
      if (protection === 'none') {
        throw new ConfigError(
          settingFor(doc.protection),
          `the key file ${options.file} is protected; set ${settingFor(doc.protection)}`,
        );
      }
      await writeDocument(options, payload, createdAt);
    }
  }
  return {
    payload,
    protection,
    created,
    save: (next) => writeDocument(options, next, createdAt),
  };
}
