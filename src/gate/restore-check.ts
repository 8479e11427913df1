import { completeErasure } from '../records/person-records.ts';
import { personsThatOpen, type SealedCopy, sealedCopies, unerasedSample } from '../records/restore-probe.ts';
import type { Database } from '../store/database.ts';
import type { GateContext } from './context.ts';

/**
 * The gate's part in a restore (RES-1, ENC-4): re-applying erasures to a restored copy before it serves anything,
 * and the drill's probes. `vault` is the restored key vault, opened by the composition root.
 */
type Vault = GateContext['vault'];

export type { SealedCopy };

/**
 * Erases again, in the restored copy, every person the ledgers say was erased: their data key goes from the
 * restored vault first, then their ciphertexts and tokens (as completeErasure does after a crash). Idempotent.
 */
export async function reapplyErasures(
  db: Database,
  vault: Vault,
  personIds: readonly string[],
  onProgress: (done: number) => void = () => {},
): Promise<{ keysDestroyed: number }> {
  let keysDestroyed = 0;
  let done = 0;
  for (const id of personIds) {
    if (await vault.personKey(id)) keysDestroyed++;
    await db.transaction((tx) => completeErasure(vault, tx, id));
    onProgress(++done);
  }
  return { keysDestroyed };
}

/** How many of the persons still have a data key in this vault (the exposure a raw vault backup carries). */
export async function keysPresent(vault: Vault, personIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of personIds) if (await vault.personKey(id)) n++;
  return n;
}

export { personsThatOpen, sealedCopies, unerasedSample };
