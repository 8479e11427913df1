import type { KeyVault, PendingPersonKey } from '../crypto/vault/key-vault.ts';
import { addAuditEvents, type NewAuditEvent } from '../ledger/events.ts';
import { addNewPersons, type SealedNewPerson } from '../records/person-records.ts';
import type { Database } from '../store/database.ts';
import { GroupCommit, type ItemOutcome, retryEach } from '../store/group-commit.ts';
import { WriteStatement } from '../store/write-statement.ts';
import { addBasisRows, type BasisRow } from './basis-store.ts';
import { addCaseloadAssignments } from './caseload.ts';

/**
 * Group commit of registrations (B1). The gate validates, decides and seals each registration on its own; this
 * writes many at once: their data keys into the key vault in one statement, then their persons, field groups,
 * tokens, consents, caseloads and ledger events into the main database in one statement — one commit for the
 * batch, each caller answered after it. Keys first: a crash in between leaves keys nobody uses (the vault's
 * sweep removes them), never a person without a key. A batch that fails is written again one registration at a
 * time, so one bad registration fails alone.
 */
export interface PreparedRegistration {
  key: PendingPersonKey;
  person: SealedNewPerson;
  basis: BasisRow;
  caseload: { personId: string; accountId: string }[];
  events: NewAuditEvent[];
}

export interface BatchOptions {
  maxBatch: number;
  waitMs: number;
  concurrency: number;
}

export function registrationWriter(
  db: Database,
  vault: KeyVault,
  options: BatchOptions,
): GroupCommit<PreparedRegistration, undefined> {
  const writeMain = async (items: readonly PreparedRegistration[]): Promise<undefined[]> => {
    const statement = new WriteStatement();
    addNewPersons(
      statement,
      items.map((i) => i.person),
    );
    addBasisRows(
      statement,
      items.map((i) => i.basis),
    );
    addCaseloadAssignments(
      statement,
      items.flatMap((i) => i.caseload),
    );
    addAuditEvents(
      statement,
      items.flatMap((i) => i.events),
    );
    await statement.run(db);
    return items.map(() => undefined);
  };
  const writeEach = retryEach(writeMain);
  return new GroupCommit({
    ...options,
    async write(items): Promise<ItemOutcome<undefined>[]> {
      await vault.storePersonKeys(items.map((i) => i.key));
      const outcomes = await writeEach(items);
      // A registration that was not written has no use for its key.
      for (const [i, outcome] of outcomes.entries()) {
        if (!outcome.ok) await vault.destroyPersonKey(items[i]!.person.id).catch(() => {});
      }
      return outcomes;
    },
  });
}

/**
 * The vault's sweep of data keys nobody uses (see KeyVault.sweepUnusedKeys), for keys made in the last
 * `withinHours` and at least ten minutes ago: a person row — active, erasing or erased — means the key is (or
 * was) used.
 */
export async function sweepUnusedKeys(db: Database, vault: KeyVault, withinHours: number): Promise<number> {
  return vault.sweepUnusedKeys(
    async (ids) => {
      const { rows } = await db.query<{ id: string }>('select id from person where id = any($1::uuid[])', [
        ids,
      ]);
      return new Set(rows.map((r) => r.id));
    },
    { withinHours, minAgeMinutes: 10 },
  );
}
