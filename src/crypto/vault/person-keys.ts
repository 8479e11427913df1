import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { HavenError } from '../../domain/errors.ts';
import { KEY_BYTES } from '../aead.ts';

/**
 * A person's keys (ENC-1, ENC-4, RET-2; docs/decisions/0015-key-sets.md): one key for what is sealed about the
 * person as a whole (consent details, corrections, answers…) and one per field group, so that erasing one group
 * (biometrics after closure) destroys that group's key and no backup can open it again, while the rest stays
 * readable. Three stored forms, told apart by the vault row's `format`:
 *
 * 1. `single` — one key for everything (persons stored before key sets). Groups cannot be erased apart.
 * 2. `seed`   — 32 random bytes from which every key is derived (HKDF-SHA-256, info = the key's name): as small as
 *               one key, and as fast; what every new person gets.
 * 3. `set`    — explicit keys by name, once a group key has been destroyed (the seed would re-derive it, so the
 *               seed is replaced by the keys still wanted).
 */
export type KeyFormat = 1 | 2 | 3;

const PERSON = 'person';
const COPIES = 'copies';
const groupName = (group: string) => `group:${group}`;

/** The bytes of a key derived from a seed. Wipe them after use. */
export function derivedMaterial(seed: KeyObject, personId: string, name: string): Buffer {
  return Buffer.from(hkdfSync('sha256', seed, personId, `haven/person-keys/v2\0${name}`, KEY_BYTES));
}

function derive(seed: KeyObject, personId: string, name: string): KeyObject {
  const bytes = derivedMaterial(seed, personId, name);
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

export class PersonKeys {
  readonly personId: string;
  readonly format: KeyFormat;
  private readonly single: KeyObject | undefined;
  private readonly seed: KeyObject | undefined;
  private readonly keys: Map<string, KeyObject>;

  private constructor(
    personId: string,
    format: KeyFormat,
    single: KeyObject | undefined,
    seed: KeyObject | undefined,
    keys: Map<string, KeyObject>,
  ) {
    this.personId = personId;
    this.format = format;
    this.single = single;
    this.seed = seed;
    this.keys = keys;
  }

  static single(personId: string, key: KeyObject): PersonKeys {
    return new PersonKeys(personId, 1, key, undefined, new Map());
  }

  static seeded(personId: string, seed: KeyObject): PersonKeys {
    return new PersonKeys(personId, 2, undefined, seed, new Map());
  }

  static set(personId: string, keys: Map<string, KeyObject>): PersonKeys {
    return new PersonKeys(personId, 3, undefined, undefined, keys);
  }

  /** Whether a field group can be erased on its own (not for persons stored before key sets). */
  get separated(): boolean {
    return this.format !== 1;
  }

  /** A key by name (`person`, `copies`, `group:<name>`); null when destroyed or never made. */
  named(name: string): KeyObject | null {
    if (this.single) return this.single;
    const known = this.keys.get(name);
    if (known) return known;
    if (!this.seed) return null;
    // Derived once and kept with the person's keys in the cache (a derivation costs a few µs, B2).
    const key = derive(this.seed, this.personId, name);
    this.keys.set(name, key);
    return key;
  }

  /** The key for what is sealed about the person as a whole. */
  get person(): KeyObject {
    const key = this.named(PERSON);
    if (!key)
      throw new HavenError('person-key-missing', 'The person’s key set has no person key.', { status: 500 });
    return key;
  }

  /**
   * The key of what copies field-group values outside their groups — proposed corrections, access answers — so that
   * it can be destroyed with any group's key (the copies may hold that group's values). Null once destroyed.
   */
  get copies(): KeyObject | null {
    return this.named(COPIES);
  }

  /** The key of one field group; null when it was destroyed (the group was erased) or never made. */
  group(group: string): KeyObject | null {
    return this.named(groupName(group));
  }

  /** Names of the explicit keys of a `set` (for rewriting it). */
  explicitNames(): string[] {
    return [...this.keys.keys()];
  }
}

export const PERSON_KEY_NAME = PERSON;
export const COPIES_KEY_NAME = COPIES;
export const groupKeyName = groupName;

/** A set's plaintext: per key, its name's length (1 byte), the name, then the 32 key bytes. */
export function encodeKeySet(entries: readonly { name: string; material: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { name, material } of entries) {
    const bytes = Buffer.from(name, 'utf8');
    if (bytes.length > 255 || material.length !== KEY_BYTES)
      throw new HavenError('key-set-invalid', 'A key set entry is malformed.', { status: 500 });
    parts.push(Buffer.from([bytes.length]), bytes, material);
  }
  return Buffer.concat(parts);
}

export function decodeKeySet(plain: Buffer): { name: string; material: Buffer }[] {
  const entries: { name: string; material: Buffer }[] = [];
  let at = 0;
  while (at < plain.length) {
    const n = plain[at]!;
    const end = at + 1 + n + KEY_BYTES;
    if (end > plain.length)
      throw new HavenError('key-set-invalid', 'A key set is truncated.', { status: 500 });
    entries.push({
      name: plain.subarray(at + 1, at + 1 + n).toString('utf8'),
      material: plain.subarray(at + 1 + n, end),
    });
    at = end;
  }
  return entries;
}
