import { HavenError } from '../domain/errors.ts';
import { type Key, open, seal } from './aead.ts';

/**
 * Field-group encryption (ENC-1): each field group of a person is one AES-256-GCM ciphertext under the person's
 * data key. The associated data binds it to (person id, field group, record version): a ciphertext copied to
 * another person or group, or presented as another version, does not decrypt.
 */

export function groupContext(personId: string, group: string, version: number): Buffer {
  return Buffer.from(`haven/person-group/v1\0${personId}\0${group}\0${version}`);
}

export function sealGroup(
  dek: Key,
  personId: string,
  group: string,
  version: number,
  values: Record<string, unknown>,
): Buffer {
  return seal(dek, Buffer.from(JSON.stringify(values), 'utf8'), groupContext(personId, group, version));
}

export function openGroup(
  dek: Key,
  personId: string,
  group: string,
  version: number,
  ciphertext: Uint8Array,
): Record<string, unknown> {
  const plaintext = open(dek, ciphertext, groupContext(personId, group, version));
  try {
    return JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new HavenError('decryption-failed', 'A field group decrypted to something that is not a record.', {
      status: 500,
    });
  } finally {
    plaintext.fill(0);
  }
}
