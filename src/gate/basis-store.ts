import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { sealForPerson } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { unpackedSql } from '../store/packed-bytes.ts';
import type { WriteStatement } from '../store/write-statement.ts';
import type { CheckedBasis } from './basis-input.ts';
import type { Actor, GateContext } from './context.ts';

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

/** A processing_basis row as written (details already sealed). */
export interface BasisRow {
  id: string;
  personId: string;
  purpose: string;
  basis: string;
  action: 'grant' | 'withdraw';
  details: Buffer | null;
  recordedBy: string | null;
  expiresAt: Date | null;
}

/** Adds basis rows to a statement that writes them with other changes (registrations in a batch). */
export function addBasisRows(statement: WriteStatement, rows: readonly BasisRow[]): void {
  if (rows.length === 0) return;
  const details = statement.bytes(rows.map((r) => r.details));
  statement.add(
    `insert into processing_basis (id, person_id, purpose, basis, action, details, recorded_by, expires_at)
     select id, p, pu, b, a, ${unpackedSql(details.blob, 'o', 'n')}, r, e
       from unnest(${statement.param(
         rows.map((r) => r.id),
         'uuid[]',
       )}, ${statement.param(
         rows.map((r) => r.personId),
         'uuid[]',
       )}, ${statement.param(
         rows.map((r) => r.purpose),
         'text[]',
       )}, ${statement.param(
         rows.map((r) => r.basis),
         'text[]',
       )}, ${statement.param(
         rows.map((r) => r.action),
         'text[]',
       )}, ${statement.param(
         rows.map((r) => r.recordedBy),
         'uuid[]',
       )}, ${statement.param(
         rows.map((r) => r.expiresAt),
         'timestamptz[]',
       )}, ${details.offsets}, ${details.lengths}) as x(id, p, pu, b, a, r, e, o, n)`,
  );
}

/**
 * PUR-3: an oral consent's witness is a real colleague — an active staff account of the recording organisation —
 * and not the person who recorded it (a witness vouches for someone else's record). Checked in the write's
 * transaction, or — for a registration, written in a batch — just before it is queued.
 */
export async function checkWitness(tx: Sql, actor: Actor, basis: CheckedBasis): Promise<void> {
  const witness = basis.details.witnessAccountId;
  if (basis.kind !== 'consent' || typeof witness !== 'string') return;
  const problem = (code: string, message: string) =>
    new HavenError('witness-invalid', `The witness of this oral consent is not valid: ${message}`, {
      status: 422,
      reason: 'PUR-3',
      fields: [{ path: 'basis/witnessAccountId', code, message }],
    });
  if (actor.kind === 'staff' && actor.accountId === witness.toLowerCase()) {
    throw problem('witness-is-recorder', 'the staff member who records the consent cannot also witness it.');
  }
  const { rows } = await tx.query<{ status: string }>(
    'select status from staff_account where id = $1 and organisation_id = $2',
    [witness, actor.organisationId],
  );
  if (rows[0]?.status !== 'active') {
    throw problem('witness-unknown', 'name an active staff account of your organisation.');
  }
}
