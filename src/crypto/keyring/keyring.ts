import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { HavenError } from '../../domain/errors.ts';
import { KEY_BYTES, open, seal } from '../aead.ts';
import { type KeyPayload, loadKeyFile, type PayloadSealer, type Protection } from './key-file.ts';

/**
 * The key ring (architecture.md, "Keys"): key-encryption keys (KEKs, versioned) and the named secrets Haven
 * derives its other keys from. The KEKs never leave the ring: callers hand in key material to wrap or unwrap.
 */

/** Named secrets; each is 32 random bytes made when the ring is created. */
export const SECRET_NAMES = [
  'accounts',
  'blind-index',
  'ledger-signing',
  'pseudonyms',
  'templates',
  'concerns',
  // Seals the incident register's free texts (BRE-1).
  'incidents',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface WrappedKey {
  kekVersion: number;
  wrapped: Buffer;
}

export interface KeyRing {
  readonly protection: Protection;
  /** True when the key file was made by this start. */
  readonly created: boolean;
  secret(name: SecretName): Buffer;
  /** Ed25519 key that signs ledger checkpoints. */
  ledgerSigningKey(): { privateKey: KeyObject; publicKey: KeyObject };
  currentKekVersion(): number;
  kekVersions(): number[];
  /** Wraps key material under the current KEK, bound to `context` (AAD). */
  wrap(material: Uint8Array, context: Uint8Array): Promise<WrappedKey>;
  unwrap(key: WrappedKey, context: Uint8Array): Promise<Buffer>;
  /** Makes a new KEK the current one; older versions stay usable for unwrapping until retired. */
  addKek(): Promise<number>;
  /** Destroys an old KEK after everything it wrapped has been re-wrapped. */
  retireKek(version: number): Promise<void>;
  /** Counts calls that reach the KEK (B5 reports them). */
  readonly kekCalls: { wrap: number; unwrap: number };
  close(): Promise<void>;
}

/** Where the KEKs live: in the key file (default) or in an HSM. */
export interface KekStore {
  versions(): number[];
  current(): number;
  wrap(version: number, material: Uint8Array, context: Uint8Array): Promise<Buffer>;
  unwrap(version: number, wrapped: Uint8Array, context: Uint8Array): Promise<Buffer>;
  add(): Promise<number>;
  retire(version: number): Promise<void>;
  close(): Promise<void>;
}

function freshPayload(withKek: boolean): KeyPayload {
  const secrets: Record<string, string> = {};
  for (const name of SECRET_NAMES) secrets[name] = randomBytes(KEY_BYTES).toString('base64');
  const keks = withKek
    ? [{ version: 1, createdAt: new Date().toISOString(), key: randomBytes(KEY_BYTES).toString('base64') }]
    : [];
  return { keks, secrets };
}

/** KEKs kept inside the (sealed) key file. */
function fileKekStore(payload: KeyPayload, save: (p: KeyPayload) => Promise<void>): KekStore {
  const live = () => payload.keks.filter((k) => !k.retiredAt);
  const material = (version: number): Buffer => {
    const kek = live().find((k) => k.version === version);
    if (!kek) {
      throw new HavenError(
        'kek-unavailable',
        `Key-encryption key version ${version} is not in the key ring.`,
        {
          status: 500,
        },
      );
    }
    return Buffer.from(kek.key, 'base64');
  };
  return {
    versions: () => live().map((k) => k.version),
    current: () => Math.max(...live().map((k) => k.version)),
    wrap: async (version, plain, context) => seal(material(version), plain, context),
    unwrap: async (version, wrapped, context) => open(material(version), wrapped, context),
    async add() {
      const version = Math.max(0, ...payload.keks.map((k) => k.version)) + 1;
      payload.keks.push({
        version,
        createdAt: new Date().toISOString(),
        key: randomBytes(KEY_BYTES).toString('base64'),
      });
      await save(payload);
      return version;
    },
    async retire(version) {
      const kek = payload.keks.find((k) => k.version === version);
      if (!kek) return;
      // Destroy the material, keep the record that it existed.
      kek.key = '';
      kek.retiredAt = new Date().toISOString();
      await save(payload);
    },
    close: async () => {},
  };
}

export interface KeyRingOptions {
  file: string;
  passphrase?: string | undefined;
  environmentKey?: string | undefined;
  /** PKCS#11 mode: seals the key file and holds the KEKs. */
  hsm?: { sealer: PayloadSealer; kekStore: KekStore } | undefined;
}

export async function openKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const loaded = await loadKeyFile(
    {
      file: options.file,
      passphrase: options.passphrase,
      environmentKey: options.environmentKey,
      hsmSealer: options.hsm?.sealer,
    },
    () => freshPayload(!options.hsm),
  );
  const payload = loaded.payload;
  const kekStore = options.hsm?.kekStore ?? fileKekStore(payload, loaded.save);
  if (kekStore.versions().length === 0) await kekStore.add();
  const secrets = new Map<string, Buffer>(
    Object.entries(payload.secrets).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
  );
  const missing = SECRET_NAMES.filter((name) => !secrets.has(name));
  if (missing.length > 0) {
    // A key file from an older Haven: add the new secrets once.
    for (const name of missing) {
      const value = randomBytes(KEY_BYTES);
      payload.secrets[name] = value.toString('base64');
      secrets.set(name, value);
    }
    await loaded.save(payload);
  }
  let signing: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
  const kekCalls = { wrap: 0, unwrap: 0 };
  return {
    protection: loaded.protection,
    created: loaded.created,
    kekCalls,
    secret(name) {
      return secrets.get(name)!;
    },
    ledgerSigningKey() {
      if (!signing) {
        // PKCS#8 DER prefix for an Ed25519 private key, followed by the 32-byte seed (RFC 8410).
        const der = Buffer.concat([
          Buffer.from('302e020100300506032b657004220420', 'hex'),
          secrets.get('ledger-signing')!,
        ]);
        const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        signing = { privateKey, publicKey: createPublicKey(privateKey) };
      }
      return signing;
    },
    currentKekVersion: () => kekStore.current(),
    kekVersions: () => kekStore.versions(),
    async wrap(material, context) {
      kekCalls.wrap++;
      const kekVersion = kekStore.current();
      return { kekVersion, wrapped: await kekStore.wrap(kekVersion, material, context) };
    },
    async unwrap(key, context) {
      kekCalls.unwrap++;
      return kekStore.unwrap(key.kekVersion, key.wrapped, context);
    },
    async addKek() {
      const version = await kekStore.add();
      // In an HSM the key file is sealed by the current KEK: seal it again under the new one.
      if (options.hsm) await loaded.save(payload);
      return version;
    },
    async retireKek(version) {
      if (version === kekStore.current()) {
        throw new HavenError('kek-in-use', 'The current key-encryption key cannot be retired.', {
          status: 409,
        });
      }
      if (options.hsm) await loaded.save(payload);
      await kekStore.retire(version);
    },
    close: () => kekStore.close(),
  };
}
