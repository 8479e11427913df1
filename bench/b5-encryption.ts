import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { openGroup, sealGroup } from '../src/crypto/envelope.ts';
import { openKeyRing } from '../src/crypto/keyring/keyring.ts';
import { KeyVault } from '../src/crypto/vault/key-vault.ts';
import { checkCapture, todayAnywhere } from '../src/domain/dictionary/index.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from '../src/store/migrate.ts';
import { openPglite } from '../src/store/pglite.ts';
import { tempDir } from '../test/support/haven.ts';
import { dictionary } from '../test/support/records.ts';
import { type Figure, round, sample, summary } from './harness.ts';

/** A 20-field registration record, as the gate stores it: validated and grouped. */
export const TWENTY_FIELDS = {
  'given-name': 'محمد',
  'given-name-latin': 'Mohammed',
  'family-name': 'الحلبي',
  'family-name-latin': 'Al-Halabi',
  'fathers-name': 'أحمد',
  'fathers-name-latin': 'Ahmed',
  'estimated-age': 39,
  'other-names': ['Abu Ali'],
  sex: 'male',
  'date-of-birth': '1987-03-14',
  'marital-status': 'married',
  nationality: ['SYR'],
  'country-of-origin': 'SYR',
  languages: ['ara', 'eng'],
  phone: '+963 944 123 457',
  'household-size': 5,
  'documents-held': [{ type: 'passport', number: 'N7Q31K8842', 'issuing-country': 'SYR' }],
  'legal-status': 'asylum-seeker',
  'arrival-date': '2024-02-11',
  'case-number': 'SYR-24-0001234',
};

/** B5: field encryption + decryption of a 20-field record, against AES-256-GCM on the same bytes with one key. */
export async function benchEncryption(options: { ms: number; records: number }): Promise<Figure[]> {
  const captured = checkCapture(dictionary, 'registration', TWENTY_FIELDS, {
    requireAll: true,
    today: todayAnywhere(new Date()),
  });
  const fieldCount = Object.values(captured.groups).reduce((n, g) => n + Object.keys(g).length, 0);
  const groups = Object.keys(captured.groups);

  const vaultDb = await openPglite();
  await migrate(vaultDb, bundledMigrations(VAULT_MIGRATIONS_DIR));
  const ring = await openKeyRing({ file: path.join(tempDir(), 'keyring.json') });
  const vault = new KeyVault(vaultDb, ring, { cacheSize: options.records, cacheSeconds: 3600 });
  await vault.open();
  const personId = randomUUID();
  await vault.createPersonKey(personId);

  // Baseline: the same record's bytes, one JSON document, one key (set up once, as a KeyObject: the fastest way
  // Node offers), one AES-256-GCM encrypt + decrypt.
  const key = createSecretKey(randomBytes(32));
  const bytes = Buffer.from(JSON.stringify(captured.groups));
  const baseline = summary(
    await sample(
      () => {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const ct = Buffer.concat([c.update(bytes), c.final()]);
        const tag = c.getAuthTag();
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        Buffer.concat([d.update(ct), d.final()]);
      },
      { ms: options.ms },
    ),
  );
  // Haven: the person's keys from the vault cache, one ciphertext per field group under its group key, then back.
  const haven = summary(
    await sample(
      async () => {
        const keys = (await vault.personKey(personId))!;
        const sealed = groups.map((g) => sealGroup(keys.group(g)!, personId, g, 1, captured.groups[g]!));
        for (const [i, g] of groups.entries()) openGroup(keys.group(g)!, personId, g, 1, sealed[i]!);
      },
      { ms: options.ms },
    ),
  );

  // KEK calls: create N person keys, then read them all through a cold vault (empty cache).
  const ids = Array.from({ length: options.records }, () => randomUUID());
  const before = { ...ring.kekCalls };
  for (const id of ids) await vault.createPersonKey(id);
  const cold = new KeyVault(vaultDb, ring, { cacheSize: options.records, cacheSeconds: 3600 });
  await cold.open();
  for (let i = 0; i < ids.length; i += 500) await cold.personKeys(ids.slice(i, i + 500));
  const kekCalls = ring.kekCalls.wrap - before.wrap + (ring.kekCalls.unwrap - before.unwrap);
  await vaultDb.close();

  const extra = haven.p50 - baseline.p50;
  return [
    {
      id: 'B5',
      figure: 'extra cost per 20-field record (encrypt + decrypt, p50)',
      value: round(extra),
      unit: 'µs',
      baseline: {
        value: round(baseline.p50),
        unit: 'µs',
        what: 'AES-256-GCM of the same bytes with one key',
      },
      ratio: round(haven.p50 / baseline.p50),
      ratioMeaning: 'Haven time / baseline time',
      goal: '≤ 30 µs extra per record',
      met: extra <= 30,
      dataSize: `${fieldCount} fields in ${groups.length} field groups, ${bytes.length} bytes`,
      concurrency: '1',
      notes: `Haven p50 ${round(haven.p50)} µs, p95 ${round(haven.p95)} µs; baseline p95 ${round(baseline.p95)} µs`,
    },
    {
      id: 'B5',
      figure: 'KEK calls per 10⁴ records (create + cold read)',
      value: round((kekCalls / ids.length) * 10_000),
      unit: 'calls',
      goal: '≤ 1 per 10⁴ records',
      met: (kekCalls / ids.length) * 10_000 <= 1,
      dataSize: `${ids.length} persons`,
      concurrency: '1',
      notes: `${kekCalls} KEK calls in total (one unwrap of the vault key by the cold reader)`,
    },
  ];
}
