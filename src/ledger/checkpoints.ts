import { createHash, randomBytes } from 'node:crypto';
import type { KeyRing } from '../crypto/keyring/keyring.ts';
import { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';
import { type AuditActor, recordAuditEvent } from './events.ts';
import { verifyConsistency } from './merkle.ts';
import {
  formatCheckpoint,
  type NoteSigner,
  parseCheckpoint,
  signNote,
  verifierKeyString,
  verifyCosignature,
  verifyNote,
} from './note.ts';
import { parseNote, parseVerifierKey } from './signed-note.ts';
import { consistencyProof, sequenceAll, treeHead } from './tree-store.ts';

/**
 * Signed checkpoints (AUD-3): Haven signs the tree head as a C2SP signed note with the key ring's Ed25519 ledger
 * key. Before signing, the new head is proven consistent with the last signed checkpoint from stored nodes; sizes
 * only grow; all of it under one lock. So Haven never signs two checkpoints that contradict each other.
 */

const CHECKPOINT_LOCK = 7_302_154;

export interface LedgerIdentity {
  origin: string;
  signer: NoteSigner;
  /** `<origin>+<key id>+<base64 key>`: what verifiers and witnesses are given (`haven ledger key`). */
  verifierKey: string;
}

export function ledgerIdentity(origin: string, keyRing: KeyRing): LedgerIdentity {
  const { privateKey, publicKey } = keyRing.ledgerSigningKey();
  return { origin, signer: { name: origin, privateKey }, verifierKey: verifierKeyString(origin, publicKey) };
}

export interface StoredCheckpoint {
  size: number;
  origin: string;
  root: Buffer;
  note: string;
  signedAt: Date;
}

interface CheckpointRow {
  size: number;
  origin: string;
  root: Buffer;
  note: string;
  signed_at: Date;
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({
  size: row.size,
  origin: row.origin,
  root: row.root,
  note: row.note,
  signedAt: row.signed_at,
});

export async function latestCheckpoint(sql: Sql): Promise<StoredCheckpoint | undefined> {
  const { rows } = await sql.query<CheckpointRow>(
    'select size, origin, root, note, signed_at from ledger_checkpoint order by size desc limit 1',
  );
  return rows[0] && toCheckpoint(rows[0]);
}

export async function checkpointAt(sql: Sql, size: number): Promise<StoredCheckpoint | undefined> {
  const { rows } = await sql.query<CheckpointRow>(
    'select size, origin, root, note, signed_at from ledger_checkpoint where size = $1',
    [size],
  );
  return rows[0] && toCheckpoint(rows[0]);
}

function inconsistent(message: string): HavenError {
  return new HavenError('ledger-inconsistent', message, { status: 500 });
}

/**
 * Signs a checkpoint of the current tree (after sequencing what is pending), or returns the latest one when the
 * tree has not grown. Refuses — loudly — if the stored tree does not extend the last signed checkpoint.
 */
export async function signCheckpoint(db: Database, identity: LedgerIdentity): Promise<StoredCheckpoint> {
  await sequenceAll(db);
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    const head = await treeHead(tx);
    const last = await latestCheckpoint(tx);
    if (last) {
      if (last.origin !== identity.origin) {
        throw new HavenError(
          'ledger-origin-changed',
          `HAVEN_LEDGER_ORIGIN changed from ${last.origin}; a log keeps its origin for life.`,
          { status: 500 },
        );
      }
      try {
        // A key file swapped for one with another signing key must not silently start a second log (AUD-3).
        verifyNote(last.note, [identity.verifierKey]);
      } catch {
        throw new HavenError(
          'ledger-key-changed',
          'The last checkpoint was signed with another ledger key: the key file was replaced. Restore it.',
          { status: 500 },
        );
      }
      if (head.size < last.size) throw inconsistent('The ledger is smaller than its last signed checkpoint.');
      if (head.size === last.size) {
        if (!head.root.equals(last.root))
          throw inconsistent('The ledger root differs from its signed checkpoint.');
        return last;
      }
      if (last.size > 0) {
        try {
          verifyConsistency(
            last.size,
            head.size,
            await consistencyProof(tx, last.size, head.size),
            last.root,
            head.root,
          );
        } catch {
          throw inconsistent('The ledger does not extend its last signed checkpoint; refusing to sign.');
        }
      }
    }
    const body = formatCheckpoint({ origin: identity.origin, size: head.size, rootHash: head.root });
    const note = signNote(body, [identity.signer]);
    const { rows } = await tx.query<CheckpointRow>(
      `insert into ledger_checkpoint (size, origin, root, note) values ($1, $2, $3, $4)
       returning size, origin, root, note, signed_at`,
      [head.size, identity.origin, head.root, note],
    );
    return toCheckpoint(rows[0]!);
  });
}

/** The signed note with the cosignature lines witnesses returned for it (C2SP: extra signature lines). */
export async function noteWithCosignatures(sql: Sql, checkpoint: StoredCheckpoint): Promise<string> {
  const { rows } = await sql.query<{ signature_line: string }>(
    'select signature_line from ledger_cosignature where checkpoint_size = $1 order by witness',
    [checkpoint.size],
  );
  return checkpoint.note + rows.map((r) => `${r.signature_line}\n`).join('');
}

export interface Witness {
  name: string;
  verifierKey: string;
  addedAt: Date;
  lastCosignedSize: number | null;
  lastCosignedAt: Date | null;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

/** Registers a witness's public key; returns the access token it uses to fetch proofs and return cosignatures. */
export async function registerWitness(
  db: Database,
  input: { name: string; verifierKey: string },
  actor: AuditActor,
): Promise<{ token: string }> {
  const key = parseVerifierKey(input.verifierKey.trim());
  if (key.name !== input.name) {
    throw new HavenError('witness-key-mismatch', 'The witness name must be the name in its verifier key.', {
      status: 422,
    });
  }
  const token = `hw_${randomBytes(24).toString('base64url')}`;
  await db.transaction(async (tx) => {
    const inserted = await tx.query(
      `insert into ledger_witness (name, verifier_key, token_hash) values ($1, $2, $3) on conflict do nothing`,
      [input.name, input.verifierKey.trim(), tokenHash(token)],
    );
    if (inserted.rowCount === 0) {
      throw new HavenError('witness-exists', 'A witness with that name or key is already registered.', {
        status: 409,
      });
    }
    await recordAuditEvent(tx, {
      actor,
      action: 'ledger.witness-add',
      subjectType: 'ledger',
      decision: 'allow',
      reason: 'ok',
    });
  });
  return { token };
}

export async function witnessByToken(
  sql: Sql,
  token: string,
): Promise<{ name: string; verifierKey: string } | undefined> {
  const { rows } = await sql.query<{ name: string; verifier_key: string }>(
    'select name, verifier_key from ledger_witness where token_hash = $1',
    [tokenHash(token)],
  );
  return rows[0] && { name: rows[0].name, verifierKey: rows[0].verifier_key };
}

export async function listWitnesses(sql: Sql): Promise<Witness[]> {
  const { rows } = await sql.query<{
    name: string;
    verifier_key: string;
    added_at: Date;
    last_size: number | null;
    last_at: Date | null;
  }>(
    `select w.name, w.verifier_key, w.added_at, max(c.checkpoint_size) as last_size, max(c.cosigned_at) as last_at
       from ledger_witness w left join ledger_cosignature c on c.witness = w.name
      group by w.name, w.verifier_key, w.added_at order by w.name`,
  );
  return rows.map((r) => ({
    name: r.name,
    verifierKey: r.verifier_key,
    addedAt: r.added_at,
    lastCosignedSize: r.last_size,
    lastCosignedAt: r.last_at,
  }));
}

/** Stores a witness's cosignature of a checkpoint Haven signed, after checking it against the witness key. */
export async function acceptCosignature(
  db: Database,
  witness: { name: string; verifierKey: string },
  size: number,
  line: string,
): Promise<{ cosignedAt: Date }> {
  const checkpoint = await checkpointAt(db, size);
  if (!checkpoint) {
    throw new HavenError('checkpoint-not-found', 'Haven signed no checkpoint of that size.', { status: 404 });
  }
  const body = parseNote(checkpoint.note).body;
  parseCheckpoint(body);
  const verified = verifyCosignature(body, line, witness.verifierKey);
  const cosignedAt = new Date(verified.timestamp * 1000);
  await db.query(
    `insert into ledger_cosignature (checkpoint_size, witness, signature_line, cosigned_at) values ($1, $2, $3, $4)
     on conflict (checkpoint_size, witness) do update set signature_line = excluded.signature_line,
       cosigned_at = excluded.cosigned_at, received_at = now()`,
    [size, witness.name, line.replace(/\n$/, ''), cosignedAt],
  );
  return { cosignedAt };
}
