import { openGroup } from '../crypto/envelope.ts';
import type { KeyVault } from '../crypto/vault/key-vault.ts';
import type { Sql } from '../store/database.ts';

/**
 * What the restore drill (RES-1, ENC-4) needs from the records: the sealed field groups of given persons as a
 * restored backup holds them, and whether a key vault still opens any of them. Answers are ids and yes/no only;
 * no decrypted value leaves this file.
 */

export interface SealedCopy {
  personId: string;
  group: string;
  version: number;
  ciphertext: Buffer;
}

export async function sealedCopies(sql: Sql, personIds: readonly string[]): Promise<SealedCopy[]> {
  if (personIds.length === 0) return [];
  const { rows } = await sql.query<{
    person_id: string;
    field_group: string;
    version: number;
    ciphertext: Buffer;
  }>(
    'select person_id, field_group, version, ciphertext from person_group where person_id = any($1::uuid[])',
    [personIds],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    group: r.field_group,
    version: r.version,
    ciphertext: r.ciphertext,
  }));
}

/** The persons of whom at least one sealed copy decrypts with the vault's keys. */
export async function personsThatOpen(vault: KeyVault, copies: readonly SealedCopy[]): Promise<Set<string>> {
  const opened = new Set<string>();
  for (const copy of copies) {
    if (opened.has(copy.personId)) continue;
    // The group's own key: a category erasure (RET-2) destroyed it while the person's other keys stay.
    const key = (await vault.personKey(copy.personId))?.group(copy.group);
    if (!key) continue;
    try {
      const values = openGroup(key, copy.personId, copy.group, copy.version, copy.ciphertext);
      for (const k of Object.keys(values)) delete values[k];
      opened.add(copy.personId);
    } catch {
      // Does not decrypt: what the drill hopes for an erased person.
    }
  }
  return opened;
}

/** Up to `n` persons not erased, for the drill's control: their data must still decrypt after a restore. */
export async function unerasedSample(sql: Sql, n: number): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `select id from person where status = 'active' and exists (select 1 from person_group g where g.person_id = person.id)
      order by id limit $1`,
    [n],
  );
  return rows.map((r) => r.id);
}
