import { randomUUID } from 'node:crypto';
import { sealForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import type { CheckedBasis } from './basis-input.ts';
import type { GateContext } from './context.ts';

/** Adds a row to a person's consent and legal-basis history (append-only, PUR-3). Details are sealed. */
export async function appendBasis(
  ctx: GateContext,
  tx: Sql,
  entry: {
    personId: string;
    purpose: string;
    basis: string;
    action: 'grant' | 'withdraw';
    details?: CheckedBasis['details'];
    expiresAt?: Date | null;
    recordedBy: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  const details = entry.details
    ? await sealForPerson(ctx.vault, entry.personId, `basis:${id}`, entry.details)
    : null;
  await tx.query(
    `insert into processing_basis (id, person_id, purpose, basis, action, details, recorded_by, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      entry.personId,
      entry.purpose,
      entry.basis,
      entry.action,
      details,
      entry.recordedBy,
      entry.expiresAt ?? null,
    ],
  );
  return id;
}
