import { randomBytes } from 'node:crypto';
import graphene from 'graphene-pk11';
import { ConfigError } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import type { PayloadSealer } from './key-file.ts';
import type { KekStore } from './keyring.ts';

/**
 * Key-encryption keys in an HSM over PKCS#11 (ENC-2). Each KEK is an AES-256 key made inside the token as
 * sensitive and non-extractable, labelled `haven-kek-<version>`; Haven only asks the HSM to encrypt or decrypt
 * with it (AES-GCM, with the caller's context as AAD), so the key itself never leaves the HSM.
 * The key file's payload (Haven's other secrets) is sealed with the current KEK.
 */

const LABEL_PREFIX = 'haven-kek-';
const NONCE_BYTES = 12;
const TAG_BITS = 128;

export interface Pkcs11Options {
  library: string;
  tokenLabel: string;
  pin: string;
}

export interface Pkcs11KeyRing {
  kekStore: KekStore;
  sealer: PayloadSealer;
}

function hsmError(message: string, cause?: unknown): HavenError {
  return new HavenError('hsm-error', message, { status: 503, cause });
}

export function openPkcs11(options: Pkcs11Options): Pkcs11KeyRing {
  let module: graphene.Module;
  try {
    module = graphene.Module.load(options.library, 'haven');
    module.initialize();
  } catch (error) {
    throw new ConfigError(
      'HAVEN_PKCS11_LIBRARY',
      `cannot load the PKCS#11 module ${options.library}: ${(error as Error).message}`,
    );
  }
  const slots = module.getSlots(true);
  let session: graphene.Session | undefined;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    if (slot.getToken().label.trim() === options.tokenLabel) {
      session = slot.open(graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION);
      break;
    }
  }
  if (!session) {
    module.finalize();
    throw new ConfigError('HAVEN_PKCS11_TOKEN', `no initialised HSM token labelled "${options.tokenLabel}"`);
  }
  try {
    session.login(options.pin);
  } catch {
    session.close();
    module.finalize();
    throw new ConfigError('HAVEN_PKCS11_PIN', 'the HSM refused this PIN');
  }
  const hsm = session;

  const keys = new Map<number, graphene.SecretKey>();
  const found = hsm.find({ class: graphene.ObjectClass.SECRET_KEY });
  for (let i = 0; i < found.length; i++) {
    const key = found.items(i).toType<graphene.SecretKey>();
    const label = key.label;
    if (label.startsWith(LABEL_PREFIX)) keys.set(Number(label.slice(LABEL_PREFIX.length)), key);
  }

  const keyFor = (version: number): graphene.SecretKey => {
    const key = keys.get(version);
    if (!key)
      throw new HavenError('kek-unavailable', `Key-encryption key version ${version} is not in the HSM.`, {
        status: 500,
      });
    return key;
  };
  const gcm = (nonce: Buffer, context: Uint8Array) => ({
    name: 'AES_GCM',
    params: new graphene.AesGcmParams(nonce, Buffer.from(context), TAG_BITS),
  });

  const kekStore: KekStore = {
    versions: () => [...keys.keys()].sort((a, b) => a - b),
    current: () => Math.max(...keys.keys()),
    async wrap(version, material, context) {
      const nonce = randomBytes(NONCE_BYTES);
      try {
        const cipher = hsm.createCipher(gcm(nonce, context), keyFor(version));
        const sealed = cipher.once(Buffer.from(material), Buffer.alloc(material.length + TAG_BITS / 8));
        return Buffer.concat([nonce, sealed]);
      } catch (error) {
        if (error instanceof HavenError) throw error;
        throw hsmError('The HSM could not wrap the key.', error);
      }
    },
    async unwrap(version, wrapped, context) {
      const key = keyFor(version);
      try {
        // Single-part C_Decrypt: multi-part AES-GCM is not supported by every token.
        const decipher = hsm.createDecipher(gcm(Buffer.from(wrapped.subarray(0, NONCE_BYTES)), context), key);
        return Buffer.from(
          decipher.once(Buffer.from(wrapped.subarray(NONCE_BYTES)), Buffer.alloc(wrapped.length)),
        );
      } catch {
        throw new HavenError(
          'decryption-failed',
          'Ciphertext does not authenticate under this key and context.',
          {
            status: 500,
          },
        );
      }
    },
    async add() {
      const version = Math.max(0, ...keys.keys()) + 1;
      const key = hsm.generateKey(graphene.KeyGenMechanism.AES, {
        keyType: graphene.KeyType.AES,
        label: `${LABEL_PREFIX}${version}`,
        token: true,
        private: true,
        valueLen: 32,
        sensitive: true,
        extractable: false,
        encrypt: true,
        decrypt: true,
        wrap: false,
        unwrap: false,
      });
      keys.set(version, key);
      return version;
    },
    async retire(version) {
      const key = keys.get(version);
      if (!key) return;
      hsm.destroy(key);
      keys.delete(version);
    },
    async close() {
      try {
        hsm.logout();
        hsm.close();
      } finally {
        module.finalize();
      }
    },
  };

  const sealer: PayloadSealer = {
    protection: 'pkcs11',
    get sealedBy() {
      return `${LABEL_PREFIX}${kekStore.current()}`;
    },
    async seal(plaintext, aad) {
      if (keys.size === 0) await kekStore.add();
      const version = kekStore.current();
      const wrapped = await kekStore.wrap(version, plaintext, aad);
      // The version travels with the ciphertext so a file sealed before a rotation still opens.
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(version);
      return Buffer.concat([prefix, wrapped]);
    },
    async open(sealed, aad) {
      return kekStore.unwrap(sealed.readUInt32BE(0), sealed.subarray(4), aad);
    },
  };
  return { kekStore, sealer };
}
