import { completeErasure, eraseGroups } from '../records/person-records.ts';
import { personsThatOpen, type SealedCopy, sealedCopies, unerasedSample } from '../records/restore-probe.ts';
import type { Database } from '../store/database.ts';
import type { GateContext } from './context.ts';

/**
 * The gate's part in a restore (RES-1, ENC-4): re-applying erasures to a restored copy before it serves anything,
 * and the drill's probes. `vault` is the restored key vault, opened by the composition root.
 */
type Vault = GateContext['vault'];

export type { SealedCopy };

/** An erasure the ledgers record: a whole person, or some of their field groups (RET-2). */
export interface RecordedErasure {
  personId: string;
  groups?: readonly string[];
}

/**
 * Erases again, in the restored copy, everything the ledgers say was erased: whole persons lose their keys from
 * the restored vault first, then their ciphertexts and tokens (as completeErasure does after a crash); persons
 * with erased field groups lose those groups' keys, then those groups. Idempotent.
 */
export async function reapplyErasures(
  db: Database,
  vault: Vault,
  erasures: readonly RecordedErasure[],
  onProgress: (done: number) => void = () => {},
): Promise<{ keysDestroyed: number }> {
  let keysDestroyed = 0;
  let done = 0;
  for (const erasure of erasures) {
    const keys = await vault.personKey(erasure.personId);
    if (erasure.groups) {
      keysDestroyed += erasure.groups.filter((g) => keys?.group(g)).length;
      await eraseGroups(vault, db, [{ personId: erasure.personId, groups: erasure.groups }]);
    } else {
      if (keys) keysDestroyed++;
      await db.transaction((tx) => completeErasure(vault, tx, erasure.personId));
    }
    onProgress(++done);
  }
  return { keysDestroyed };
}

/** How many of the erased still have a key in this vault: the person's, or an erased group's. */
export async function keysPresent(vault: Vault, erasures: readonly RecordedErasure[]): Promise<number> {
  let n = 0;
  for (const e of erasures) {
    const keys = await vault.personKey(e.personId);
    if (keys && (!e.groups || e.groups.some((g) => keys.group(g)))) n++;
  }
  return n;
}

/** What a thief of the backup holds of what was erased: whole persons' groups, and the erased groups of others. */
export async function erasedCopies(
  db: Database,
  erasures: readonly RecordedErasure[],
): Promise<SealedCopy[]> {
  const byId = new Map(erasures.map((e) => [e.personId, e]));
  const copies = await sealedCopies(
    db,
    erasures.map((e) => e.personId),
  );
  return copies.filter((c) => {
    const groups = byId.get(c.personId)?.groups;
    return !groups || groups.includes(c.group);
  });
}

export { personsThatOpen, sealedCopies, unerasedSample };
