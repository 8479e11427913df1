import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { HavenError } from '../../domain/errors.ts';
import type { Database } from '../../store/database.ts';
import { freshKeyMaterial, KEY_BYTES, open, seal } from '../aead.ts';
import type { KeyRing } from '../keyring/keyring.ts';
import { DekCache } from './dek-cache.ts';

/**
 * The key vault (ENC-1, ENC-2, ENC-4): one random AES-256 data key (DEK) per person, stored only wrapped, in a
 * database apart from the person's data. Vault keys wrap the DEKs and are wrapped by the key ring's KEK, so the KEK
 * (an HSM in production) is called once per vault key instead of once per person.
 * Deleting a person's row is crypto-shredding: every copy of their data, backups included, stays unreadable.
 */

const vaultKeyContext = (version: number) => Buffer.from(`haven/vault-key/v1:${version}`);
const personKeyContext = (personId: string) => Buffer.from(`haven/person-key/v1:${personId}`);
const REWRAP_BATCH = 1_000;

/** A new person's data key between its creation and its storage in the vault. */
export interface PendingPersonKey {
  readonly personId: string;
  readonly key: KeyObject;
  /** The raw bytes, kept only to be wrapped; wiped once stored. */
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
  readonly cache: DekCache;
  private readonly vaultKeys = new Map<number, KeyObject>();
  private current: number | undefined;

  constructor(db: Database, keyRing: KeyRing, options: KeyVaultOptions) {
    this.db = db;
    this.keyRing = keyRing;
    this.cache = new DekCache(options.cacheSize, options.cacheSeconds * 1000);
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
   * A fresh data key for a new person, not stored yet: the caller seals with `key` at once and stores the key
   * with `storePersonKeys` before the person's data is committed (a crash in between leaves an unused key, never
   * data without its key).
   */
  newPersonKey(personId: string): PendingPersonKey {
    const material = freshKeyMaterial();
    return { personId, key: createSecretKey(material), material };
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
      const wrapped = pending.map((p) => seal(vaultKey, p.material, personKeyContext(p.personId)));
      try {
        await this.db.query(
          `insert into person_key (person_id, vault_key_version, wrapped)
           select id, $2, w from unnest($1::uuid[], $3::bytea[]) as x(id, w)`,
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

  /** Creates and stores the data key of one new person. */
  async createPersonKey(personId: string): Promise<KeyObject> {
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

  /** The person's data key, or null when it was destroyed (the person is erased). */
  async personKey(personId: string): Promise<KeyObject | null> {
    const cached = this.cache.get(personId);
    if (cached) return cached;
    return (await this.fetchKeys([personId])).get(personId) ?? null;
  }

  /** Data keys of several persons with one vault query for those not cached. */
  async personKeys(personIds: readonly string[]): Promise<Map<string, KeyObject>> {
    const found = new Map<string, KeyObject>();
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

  private async fetchKeys(personIds: readonly string[]): Promise<Map<string, KeyObject>> {
    const found = new Map<string, KeyObject>();
    const { rows } = await this.db.query<{ person_id: string; vault_key_version: number; wrapped: Buffer }>(
      'select person_id, vault_key_version, wrapped from person_key where person_id = any($1::uuid[])',
      [personIds],
    );
    for (const row of rows) {
      const material = open(
        await this.vaultKey(row.vault_key_version),
        row.wrapped,
        personKeyContext(row.person_id),
      );
      // A key object: set up once for every later cipher (a raw key costs ~10 µs more per group, B5).
      const dek = createSecretKey(material);
      material.fill(0);
      this.cache.set(row.person_id, dek);
      found.set(row.person_id, dek);
    }
    return found;
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
      const { rows } = await this.db.query<{ person_id: string; vault_key_version: number; wrapped: Buffer }>(
        `select person_id, vault_key_version, wrapped from person_key
          where vault_key_version <> $1 order by person_id limit $2`,
        [version, REWRAP_BATCH],
      );
      if (rows.length === 0) break;
      const ids: string[] = [];
      const olds: number[] = [];
      const rewrapped: Buffer[] = [];
      for (const row of rows) {
        const context = personKeyContext(row.person_id);
        const dek = open(await this.vaultKey(row.vault_key_version), row.wrapped, context);
        ids.push(row.person_id);
        olds.push(row.vault_key_version);
        rewrapped.push(seal(target, dek, context));
        dek.fill(0);
      }
      // Only rows still as read are rewritten: an erasure in between stays an erasure.
      await this.db.query(
        `update person_key p set vault_key_version = $1, wrapped = v.wrapped
           from unnest($2::uuid[], $3::int[], $4::bytea[]) as v(person_id, old_version, wrapped)
          where p.person_id = v.person_id and p.vault_key_version = v.old_version`,
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
