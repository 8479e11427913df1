import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { HavenError } from '../../domain/errors.ts';
import type { Database } from '../../store/database.ts';
import { freshKeyMaterial, KEY_BYTES, open, seal } from '../aead.ts';
import type { KeyRing } from '../keyring/keyring.ts';
import { DekCache } from './dek-cache.ts';
import {
  COPIES_KEY_NAME,
  decodeKeySet,
  encodeKeySet,
  groupKeyName,
  type KeyFormat,
  PERSON_KEY_NAME,
  PersonKeys,
} from './person-keys.ts';

/**
 * The key vault (ENC-1, ENC-2, ENC-4): each person's keys (a random seed, or an explicit key set once a field
 * group was erased: person-keys.ts), stored only wrapped, in a database apart from the person's data. Vault keys
 * wrap them and are wrapped by the key ring's KEK, so the KEK (an HSM in production) is called once per vault key
 * instead of once per person. Deleting a person's row is crypto-shredding: every copy of their data, backups
 * included, stays unreadable; rewriting it without a group's key does the same for that group (RET-2).
 */

const vaultKeyContext = (version: number) => Buffer.from(`haven/vault-key/v1:${version}`);
const CONTEXTS: Record<KeyFormat, string> = {
  1: 'haven/person-key/v1',
  2: 'haven/person-seed/v2',
  3: 'haven/person-keyset/v3',
};
const personKeyContext = (personId: string, format: KeyFormat) =>
  Buffer.from(`${CONTEXTS[format]}:${personId}`);

/** What destroying group keys found: done, a person whose groups share one key, or no keys at all (erased). */
export type GroupKeyOutcome = 'destroyed' | 'not-separated' | 'no-keys';

interface KeyRow {
  person_id: string;
  vault_key_version: number;
  format: KeyFormat;
  wrapped: Buffer;
}
const REWRAP_BATCH = 1_000;

/** A new person's keys between their creation and their storage in the vault. */
export interface PendingPersonKey {
  readonly personId: string;
  readonly key: PersonKeys;
  /** The seed's raw bytes, kept only to be wrapped; wiped once stored. */
  readonly material: Buffer;
}

export interface KeyVaultOptions {
  cacheSize: number;
  cacheSeconds: number;
}

export interface RotationProgress {
  kekVersion: number;
  vaultKeyVersion: number;
  total: number;
  done: number;
  resumed: boolean;
}

export class KeyVault {
  readonly db: Database;
  readonly keyRing: KeyRing;
  readonly cache: DekCache<PersonKeys>;
  private readonly vaultKeys = new Map<number, KeyObject>();
  private current: number | undefined;

  constructor(db: Database, keyRing: KeyRing, options: KeyVaultOptions) {
    this.db = db;
    this.keyRing = keyRing;
    this.cache = new DekCache<PersonKeys>(options.cacheSize, options.cacheSeconds * 1000);
  }

  /** Makes sure a vault key exists; called once at start. */
  async open(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(7302153)');
      const { rows } = await tx.query<{ version: number }>('select max(version) as version from vault_key');
      if (rows[0]?.version) {
        this.current = rows[0].version;
        return;
      }
      this.current = await this.insertVaultKey(tx, 1);
    });
  }

  private async insertVaultKey(tx: Pick<Database, 'query'>, version: number): Promise<number> {
    const material = randomBytes(KEY_BYTES);
    const wrapped = await this.keyRing.wrap(material, vaultKeyContext(version));
    await tx.query('insert into vault_key (version, kek_version, wrapped) values ($1, $2, $3)', [
      version,
      wrapped.kekVersion,
      wrapped.wrapped,
    ]);
    this.vaultKeys.set(version, createSecretKey(material));
    material.fill(0);
    return version;
  }

  private async vaultKey(version: number): Promise<KeyObject> {
    const known = this.vaultKeys.get(version);
    if (known) return known;
    const { rows } = await this.db.query<{ kek_version: number; wrapped: Buffer }>(
      'select kek_version, wrapped from vault_key where version = $1',
      [version],
    );
    const row = rows[0];
    if (!row) throw new HavenError('vault-key-missing', `Vault key ${version} is missing.`, { status: 500 });
    const material = await this.keyRing.unwrap(
      { kekVersion: row.kek_version, wrapped: row.wrapped },
      vaultKeyContext(version),
    );
    // Held as a key object: every data key it wraps or unwraps skips OpenSSL's set-up of raw bytes (B5).
    const key = createSecretKey(material);
    material.fill(0);
    this.vaultKeys.set(version, key);
    return key;
  }

  private currentVersion(): number {
    if (this.current === undefined)
      throw new HavenError('vault-not-open', 'The key vault was not opened.', { status: 500 });
    return this.current;
  }

  /**
   * Fresh keys for a new person (a seed), not stored yet: the caller seals with `key` at once and stores them
   * with `storePersonKeys` before the person's data is committed (a crash in between leaves unused keys, never
   * data without its key).
   */
  newPersonKey(personId: string): PendingPersonKey {
    const material = freshKeyMaterial();
    return { personId, key: PersonKeys.seeded(personId, createSecretKey(material)), material };
  }

  /**
   * Stores the data keys of new persons, wrapped under the current vault key, in one statement (group commit,
   * B1). Their material is wiped afterwards; the key objects go to the cache.
   */
  async storePersonKeys(pending: readonly PendingPersonKey[]): Promise<void> {
    if (pending.length === 0) return;
    for (let attempt = 0; ; attempt++) {
      const version = this.currentVersion();
      const vaultKey = await this.vaultKey(version);
      const wrapped = pending.map((p) => seal(vaultKey, p.material, personKeyContext(p.personId, 2)));
      try {
        await this.db.query(
          `insert into person_key (person_id, vault_key_version, format, wrapped)
           select id, $2, 2, w from unnest($1::uuid[], $3::bytea[]) as x(id, w)`,
          [pending.map((p) => p.personId), version, wrapped],
        );
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '23505')
          throw new HavenError('person-key-exists', 'This person already has a data key.', { status: 409 });
        // The vault key was rotated away by another process: pick up the new one and try once more.
        if (code === '23503' && attempt === 0) {
          await this.refreshCurrent();
          continue;
        }
        throw error;
      }
    }
    for (const p of pending) {
      this.cache.set(p.personId, p.key);
      p.material.fill(0);
    }
  }

  /** Creates and stores the keys of one new person. */
  async createPersonKey(personId: string): Promise<PersonKeys> {
    const pending = this.newPersonKey(personId);
    await this.storePersonKeys([pending]);
    return pending.key;
  }

  private async refreshCurrent(): Promise<void> {
    const { rows } = await this.db.query<{ version: number }>(
      'select max(version) as version from vault_key',
    );
    this.current = rows[0]?.version ?? this.current;
  }

  /** The person's keys, or null when they were destroyed (the person is erased). */
  async personKey(personId: string): Promise<PersonKeys | null> {
    const cached = this.cache.get(personId);
    if (cached) return cached;
    return (await this.fetchKeys([personId])).get(personId) ?? null;
  }

  /** Keys of several persons with one vault query for those not cached. */
  async personKeys(personIds: readonly string[]): Promise<Map<string, PersonKeys>> {
    const found = new Map<string, PersonKeys>();
    const missing: string[] = [];
    for (const id of personIds) {
      const cached = this.cache.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const [id, key] of await this.fetchKeys(missing)) found.set(id, key);
    return found;
  }

  private async fetchKeys(personIds: readonly string[]): Promise<Map<string, PersonKeys>> {
    const found = new Map<string, PersonKeys>();
    const { rows } = await this.db.query<KeyRow>(
      'select person_id, vault_key_version, format, wrapped from person_key where person_id = any($1::uuid[])',
      [personIds],
    );
    for (const row of rows) {
      const keys = await this.unwrapRow(row);
      this.cache.set(row.person_id, keys);
      found.set(row.person_id, keys);
    }
    return found;
  }

  private async openRow(row: KeyRow): Promise<Buffer> {
    return open(
      await this.vaultKey(row.vault_key_version),
      row.wrapped,
      personKeyContext(row.person_id, row.format),
    );
  }

  private async unwrapRow(row: KeyRow): Promise<PersonKeys> {
    const plain = await this.openRow(row);
    try {
      // Key objects: set up once for every later cipher (a raw key costs ~10 µs more per group, B5).
      if (row.format === 1) return PersonKeys.single(row.person_id, createSecretKey(plain));
      if (row.format === 2) return PersonKeys.seeded(row.person_id, createSecretKey(plain));
      const keys = new Map<string, KeyObject>();
      for (const entry of decodeKeySet(plain)) keys.set(entry.name, createSecretKey(entry.material));
      return PersonKeys.set(row.person_id, keys);
    } finally {
      plain.fill(0);
    }
  }

  /**
   * Destroys the keys of some field groups of a person (RET-2: a category erasure that survives backups). A seed
   * is replaced by the explicit keys of the person and of the groups in `keep` (every group the person may still
   * have data in), less those destroyed. Persons stored before key sets have one key for all: `not-separated`,
   * and nothing is changed. Idempotent.
   */
  async destroyGroupKeys(
    personId: string,
    groups: readonly string[],
    keep: readonly string[],
  ): Promise<GroupKeyOutcome> {
    const outcome = await this.rewriteKeys(personId, (keys, entries) => {
      if (keys.format === 1) return null;
      // The copies' key goes too: corrections and answers may hold the erased groups' values.
      const gone = new Set([...groups.map(groupKeyName), COPIES_KEY_NAME]);
      const names = new Set([
        PERSON_KEY_NAME,
        ...keys.explicitNames(),
        ...(keys.format === 2 ? keep.map(groupKeyName) : []),
      ]);
      for (const name of names) if (!gone.has(name)) entries.push(this.materialOf(keys, name));
      return entries;
    });
    return outcome === 'unchanged' ? 'not-separated' : outcome;
  }

  /**
   * Makes sure each group has a key before it is written: a set that lost a group's key (or was written before
   * the dictionary had the group) gets a fresh random one. Seeds and single keys already cover every group.
   */
  async ensureGroupKeys(personId: string, groups: readonly string[]): Promise<PersonKeys | null> {
    return this.ensureKeys(personId, groups.map(groupKeyName));
  }

  /** The same for the copies' key, before a correction or an answer is sealed. */
  async ensureCopiesKey(personId: string): Promise<PersonKeys | null> {
    return this.ensureKeys(personId, [COPIES_KEY_NAME]);
  }

  private async ensureKeys(personId: string, names: readonly string[]): Promise<PersonKeys | null> {
    const keys = await this.personKey(personId);
    if (keys?.format !== 3 || names.every((n) => keys.named(n))) return keys;
    await this.rewriteKeys(personId, (current, entries) => {
      if (current.format !== 3) return null;
      for (const name of current.explicitNames()) entries.push(this.materialOf(current, name));
      for (const name of names) {
        if (!current.named(name)) entries.push({ name, material: freshKeyMaterial() });
      }
      return entries;
    });
    return this.personKey(personId);
  }

  private materialOf(keys: PersonKeys, name: string): { name: string; material: Buffer } {
    const key = keys.named(name);
    if (!key) throw new HavenError('key-set-invalid', 'A key set lost a key it lists.', { status: 500 });
    return { name, material: key.export() };
  }

  /**
   * Rewrites a person's row as a key set, under a row lock in the vault: `change` lists the set's entries (their
   * bytes are wiped after sealing), or returns null to leave the row as it is.
   */
  private async rewriteKeys(
    personId: string,
    change: (
      keys: PersonKeys,
      entries: { name: string; material: Buffer }[],
    ) => { name: string; material: Buffer }[] | null,
  ): Promise<'destroyed' | 'unchanged' | 'no-keys'> {
    this.cache.evict(personId);
    const outcome = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<KeyRow>(
        'select person_id, vault_key_version, format, wrapped from person_key where person_id = $1 for update',
        [personId],
      );
      const row = rows[0];
      if (!row) return 'no-keys' as const;
      const keys = await this.unwrapRow(row);
      const entries = change(keys, []);
      if (!entries) return 'unchanged' as const;
      const version = this.currentVersion();
      const plain = encodeKeySet(entries);
      try {
        await tx.query(
          'update person_key set format = 3, vault_key_version = $2, wrapped = $3 where person_id = $1',
          [personId, version, seal(await this.vaultKey(version), plain, personKeyContext(personId, 3))],
        );
      } finally {
        plain.fill(0);
        for (const e of entries) e.material.fill(0);
      }
      return 'destroyed' as const;
    });
    this.cache.evict(personId);
    return outcome;
  }

  /**
   * Deletes data keys made within the last `withinHours` that no person uses: left by a crash between a batch's
   * key insert and its data (group commit). `used` says which of a page of person ids exist in the main
   * database. Keys younger than `minAgeMinutes` (by the vault's clock) are left alone: their batch may still be
   * on its way.
   */
  async sweepUnusedKeys(
    used: (personIds: string[]) => Promise<Set<string>>,
    window: { withinHours: number; minAgeMinutes: number },
  ): Promise<number> {
    let removed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await this.db.query<{ person_id: string }>(
        `select person_id from person_key
          where created_at >= now() - make_interval(hours => $1) and created_at < now() - make_interval(mins => $2)
            and person_id > $3
          order by person_id limit 1000`,
        [window.withinHours, window.minAgeMinutes, after],
      );
      if (rows.length === 0) return removed;
      const ids = rows.map((r) => r.person_id);
      const inUse = await used(ids);
      const unused = ids.filter((id) => !inUse.has(id));
      if (unused.length > 0) {
        const result = await this.db.query(
          'delete from person_key where person_id = any($1::uuid[]) and created_at < now() - make_interval(mins => $2)',
          [unused, window.minAgeMinutes],
        );
        removed += result.rowCount;
        for (const id of unused) this.cache.evict(id);
      }
      after = ids.at(-1)!;
    }
  }

  /** The same for many persons in one statement (the retention sweep, RET-2). */
  async destroyPersonKeys(personIds: readonly string[]): Promise<number> {
    for (const id of personIds) this.cache.evict(id);
    const result = await this.db.query('delete from person_key where person_id = any($1::uuid[])', [
      [...personIds],
    ]);
    return result.rowCount;
  }

  /** Crypto-shredding (ENC-4): deletes the person's data key everywhere Haven holds it. */
  async destroyPersonKey(personId: string): Promise<boolean> {
    this.cache.evict(personId);
    const result = await this.db.query('delete from person_key where person_id = $1', [personId]);
    return result.rowCount > 0;
  }

  /**
   * KEK rotation (ENC-2): a new KEK, a new vault key wrapped by it, and every data key re-wrapped under that vault
   * key — the encrypted data is not touched. Safe to interrupt: run again and it resumes where it stopped. When
   * nothing refers to the old vault keys any more, they are deleted and their KEKs retired.
   */
  async rotate(onProgress: (p: RotationProgress) => void = () => {}): Promise<RotationProgress> {
    await this.refreshCurrent();
    let version = this.currentVersion();
    const stale = await this.db.query<{ n: number }>(
      'select count(*)::int as n from person_key where vault_key_version <> $1',
      [version],
    );
    const others = await this.db.query<{ n: number }>(
      'select count(*)::int as n from vault_key where version <> $1',
      [version],
    );
    // Old DEKs left to re-wrap, or old vault keys left to delete: an earlier rotation was interrupted.
    const resumed = (stale.rows[0]?.n ?? 0) > 0 || (others.rows[0]?.n ?? 0) > 0;
    if (!resumed) {
      const kek = await this.keyRing.addKek();
      version = await this.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock(7302153)');
        const { rows } = await tx.query<{ version: number }>('select max(version) as version from vault_key');
        return this.insertVaultKey(tx, (rows[0]?.version ?? 0) + 1);
      });
      this.current = version;
      if ((await this.vaultKeyKek(version)) !== kek) {
        throw new HavenError('rotation-failed', 'The new vault key is not under the new KEK.', {
          status: 500,
        });
      }
    }
    const totalRow = await this.db.query<{ n: number }>(
      'select count(*)::int as n from person_key where vault_key_version <> $1',
      [version],
    );
    const progress: RotationProgress = {
      kekVersion: await this.vaultKeyKek(version),
      vaultKeyVersion: version,
      total: totalRow.rows[0]?.n ?? 0,
      done: 0,
      resumed,
    };
    onProgress(progress);
    const target = await this.vaultKey(version);
    for (;;) {
      const { rows } = await this.db.query<KeyRow>(
        `select person_id, vault_key_version, format, wrapped from person_key
          where vault_key_version <> $1 order by person_id limit $2`,
        [version, REWRAP_BATCH],
      );
      if (rows.length === 0) break;
      const ids: string[] = [];
      const olds: Buffer[] = [];
      const rewrapped: Buffer[] = [];
      for (const row of rows) {
        const plain = await this.openRow(row);
        ids.push(row.person_id);
        olds.push(row.wrapped);
        rewrapped.push(seal(target, plain, personKeyContext(row.person_id, row.format)));
        plain.fill(0);
      }
      // Only rows still as read are rewritten: an erasure in between (a whole person, or a group's key) stays one.
      await this.db.query(
        `update person_key p set vault_key_version = $1, wrapped = v.wrapped
           from unnest($2::uuid[], $3::bytea[], $4::bytea[]) as v(person_id, old_wrapped, wrapped)
          where p.person_id = v.person_id and p.wrapped = v.old_wrapped`,
        [version, ids, olds, rewrapped],
      );
      progress.done += rows.length;
      onProgress(progress);
    }
    await this.retireUnused(version);
    return progress;
  }

  /** For `haven keys status`: each vault key, its KEK, and how many person data keys it wraps (counts only). */
  async dataKeysPerVaultKey(): Promise<{ version: number; kekVersion: number; dataKeys: number }[]> {
    const { rows } = await this.db.query<{ version: number; kek_version: number; n: number }>(
      `select v.version, v.kek_version, count(p.person_id)::int as n
         from vault_key v left join person_key p on p.vault_key_version = v.version group by 1, 2 order by 1`,
    );
    return rows.map((r) => ({ version: r.version, kekVersion: r.kek_version, dataKeys: r.n }));
  }

  private async vaultKeyKek(version: number): Promise<number> {
    const { rows } = await this.db.query<{ kek_version: number }>(
      'select kek_version from vault_key where version = $1',
      [version],
    );
    return rows[0]!.kek_version;
  }

  private async retireUnused(current: number): Promise<void> {
    const { rows } = await this.db.query<{ version: number; kek_version: number }>(
      `delete from vault_key v where v.version <> $1
         and not exists (select 1 from person_key p where p.vault_key_version = v.version)
       returning version, kek_version`,
      [current],
    );
    for (const row of rows) this.vaultKeys.delete(row.version);
    const { rows: inUse } = await this.db.query<{ kek_version: number }>(
      'select distinct kek_version from vault_key',
    );
    const needed = new Set(inUse.map((r) => r.kek_version));
    for (const kek of this.keyRing.kekVersions()) {
      if (!needed.has(kek) && kek !== this.keyRing.currentKekVersion()) await this.keyRing.retireKek(kek);
    }
  }
}
