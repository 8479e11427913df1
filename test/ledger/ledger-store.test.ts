import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { openKeyRing } from '../../src/crypto/keyring/keyring.ts';
import { ledgerIdentity, signCheckpoint } from '../../src/ledger/checkpoints.ts';
import { recordAuditEvents } from '../../src/ledger/events.ts';
import { leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.ts';
import { verifyNote } from '../../src/ledger/note.ts';
import {
  consistencyProof,
  inclusionProof,
  rootAt,
  sequenceAll,
  treeHead,
} from '../../src/ledger/tree-store.ts';
import { verifyExport } from '../../src/ledger/verify-export.ts';
import type { Sql } from '../../src/store/database.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { openTestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';
import {
  appendEvents,
  exportLines,
  overwriteNodeHash,
  rewriteLeafSeqs,
  sampleEvents,
  sequenceEverything,
  sequenceUntil,
  storedLeafSeqs,
} from '../support/ledger.ts';

const run = promisify(execFile);
/** SQL for the event row the tree's leaf `index` points at. */
const seqAt = (index: number) => `(select seq from ledger_leaf where leaf_index = ${index})`;

async function leafHashesInOrder(sql: Sql): Promise<Buffer[]> {
  const { rows } = await sql.query<{ body: Buffer }>(
    'select e.body from ledger_leaf n join audit_event e on e.seq = n.seq order by n.leaf_index',
  );
  return rows.map((r) => leafHash(r.body));
}

async function identity() {
  return ledgerIdentity(
    'test.example/ledger',
    await openKeyRing({ file: path.join(tempDir(), 'keyring.json') }),
  );
}

/** Runs `tamper` and the verifier inside a transaction that is rolled back, so each attack starts clean. */
async function verifyAfter(
  db: import('../../src/store/database.ts').Database,
  note: string,
  key: string,
  tamper: (tx: Sql) => Promise<void>,
) {
  let report: Awaited<ReturnType<typeof verifyExport>> | undefined;
  await db
    .transaction(async (tx) => {
      await tamper(tx);
      const head = await treeHead(tx);
      report = await verifyExport(await exportLines(tx, 0, head.size + 5), note, key);
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });
  return report!;
}

for (const kind of testDatabaseKinds()) {
  describe(`ledger in the database (${kind})`, () => {
    test('events go into the tree in transaction order across a power of ten, none lost or repeated', async () => {
      const t = await openTestDatabase(kind);
      try {
        // Transactions 9 and 10 are long finished; as text "10" sorts before "9", as numbers it does not.
        const { rows } = await t.db.query<{ seq: number; xid: string }>(
          `insert into audit_event (body, leaf_hash, xid)
           select b, sha256('\\x00'::bytea || b), x::xid8
             from unnest($1::bytea[], $2::text[]) as u(b, x)
           returning seq, xid::text as xid`,
          [['ten-a', 'nine', 'ten-b', 'nine-b'].map((s) => Buffer.from(s)), ['10', '9', '10', '9']],
        );
        // One event per round: the watermark must move in the same order the rounds read.
        assert.equal(await sequenceAll(t.db, 1), 4);
        const order = (await storedLeafSeqs(t.db)).map((seq) => rows.find((r) => r.seq === seq)!.xid);
        assert.deepEqual(order, ['9', '9', '10', '10']);
      } finally {
        await t.drop();
      }
    });

    test('sequenced events form the RFC 9162 tree; proofs built from stored nodes verify', async () => {
      const t = await openTestDatabase(kind);
      try {
        await appendEvents(t.db, 777);
        const first = await sequenceAll(t.db, 100);
        // Other databases' transactions on the same server may hold some back a moment: the rest follow.
        await sequenceEverything(t.db);
        assert.ok(first <= 777);
        assert.equal((await treeHead(t.db)).size, 777);
        const head = await treeHead(t.db);
        const leaves = await leafHashesInOrder(t.db);
        assert.equal(head.size, 777);
        assert.ok(head.root.equals(rootOf(leaves)));
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 777 }),
            fc.integer({ min: 1, max: 777 }),
            async (a, b) => {
              const [small, large] = a <= b ? [a, b] : [b, a];
              const index = (a * 7919) % large;
              const rootLarge = await rootAt(t.db, large);
              assert.ok(rootLarge.equals(rootOf(leaves.slice(0, large))));
              verifyInclusion(
                index,
                large,
                leaves[index]!,
                await inclusionProof(t.db, index, large),
                rootLarge,
              );
              verifyConsistency(
                small,
                large,
                await consistencyProof(t.db, small, large),
                await rootAt(t.db, small),
                rootLarge,
              );
            },
          ),
          { numRuns: 60 },
        );
        await assert.rejects(inclusionProof(t.db, 0, 778), { code: 'proof-out-of-range' });
      } finally {
        await t.drop();
      }
    });

    test('an event is durable with the change it records: a rolled-back transaction leaves nothing in the ledger', async () => {
      const t = await openTestDatabase(kind);
      try {
        await t.db
          .transaction(async (tx) => {
            await recordAuditEvents(tx, sampleEvents(3));
            throw new Error('the change failed');
          })
          .catch(() => {});
        assert.equal(await sequenceAll(t.db), 0);
        assert.equal((await treeHead(t.db)).size, 0);
      } finally {
        await t.drop();
      }
    });

    test('checkpoints are signed, monotonic, and refused when the stored tree no longer extends the last one', async () => {
      const t = await openTestDatabase(kind);
      try {
        const id = await identity();
        await appendEvents(t.db, 40);
        await sequenceUntil(t.db, 40);
        const first = await signCheckpoint(t.db, id);
        assert.equal(first.size, 40);
        assert.deepEqual(
          verifyNote(first.note, [id.verifierKey]).map((s) => s.name),
          ['test.example/ledger'],
        );
        assert.equal((await signCheckpoint(t.db, id)).size, 40, 'no growth, no new checkpoint');
        await appendEvents(t.db, 9);
        await sequenceUntil(t.db, 49);
        const second = await signCheckpoint(t.db, id);
        assert.equal(second.size, 49);
        assert.match(
          second.note,
          /^test\.example\/ledger\n49\n[A-Za-z0-9+/]{43}=\n\n— test\.example\/ledger /,
        );
        // A database administrator rewrites an early node: Haven must not sign on top of it.
        const rehash = (old: Buffer) => createHash('sha256').update(old).digest();
        await overwriteNodeHash(t.db, { level: 0, index: 3 }, rehash);
        for (const level of [1, 2, 3, 4, 5]) await overwriteNodeHash(t.db, { level, index: 0 }, rehash);
        await appendEvents(t.db, 2);
        await sequenceAll(t.db);
        await t.db.query(`update ledger_head set root = sha256(root)`);
        await assert.rejects(signCheckpoint(t.db, id), { code: 'ledger-inconsistent' });
      } finally {
        await t.drop();
      }
    });

    test('the verifier catches an updated, deleted, inserted or swapped event row at its index', async () => {
      const t = await openTestDatabase(kind);
      try {
        const id = await identity();
        await appendEvents(t.db, 120);
        await sequenceEverything(t.db);
        const checkpoint = await signCheckpoint(t.db, id);
        const honest = await verifyExport(await exportLines(t.db, 0, 120), checkpoint.note, id.verifierKey);
        assert.equal(honest.ok, true, JSON.stringify(honest.problem));
        assert.equal(honest.checked, 120);

        const updated = await verifyAfter(t.db, checkpoint.note, id.verifierKey, (tx) =>
          tx
            .query(
              `update audit_event set body = convert_to(replace(convert_from(body, 'UTF8'), '"deny"', '"allow"'), 'UTF8') where seq = ${seqAt(42)}`,
            )
            .then(() => {}),
        );
        assert.deepEqual(
          [updated.ok, updated.problem?.code, updated.firstDifferingIndex],
          [false, 'entry-altered', 42],
        );

        const deleted = await verifyAfter(t.db, checkpoint.note, id.verifierKey, (tx) =>
          tx.query(`delete from audit_event where seq = ${seqAt(17)}`).then(() => {}),
        );
        assert.deepEqual([deleted.problem?.code, deleted.firstDifferingIndex], ['entry-missing', 17]);

        const inserted = await verifyAfter(t.db, checkpoint.note, id.verifierKey, async (tx) => {
          // Slip a forged event in at 60: every later position now points at the event before it.
          const { rows } = await tx.query<{ seq: number }>(
            `insert into audit_event (body) select body from audit_event where seq = ${seqAt(10)} returning seq`,
          );
          const seqs = await storedLeafSeqs(tx);
          await rewriteLeafSeqs(tx, [...seqs.slice(0, 60), rows[0]!.seq, ...seqs.slice(60, -1)]);
        });
        assert.deepEqual([inserted.problem?.code, inserted.firstDifferingIndex], ['entry-altered', 60]);

        const swapped = await verifyAfter(t.db, checkpoint.note, id.verifierKey, async (tx) => {
          const seqs = await storedLeafSeqs(tx);
          [seqs[33], seqs[71]] = [seqs[71]!, seqs[33]!];
          await rewriteLeafSeqs(tx, seqs);
        });
        assert.deepEqual([swapped.problem?.code, swapped.firstDifferingIndex], ['entry-altered', 33]);

        const rewritten = await verifyAfter(t.db, checkpoint.note, id.verifierKey, async (tx) => {
          // The careful attacker also rewrites the stored leaf hash: the signed root still gives it away.
          await tx.query(
            `update audit_event set body = convert_to(replace(convert_from(body, 'UTF8'), 'ok', 'fine'), 'UTF8') where seq = ${seqAt(5)}`,
          );
          const { rows } = await tx.query<{ body: Buffer }>(
            `select body from audit_event where seq = ${seqAt(5)}`,
          );
          await overwriteNodeHash(tx, { level: 0, index: 5 }, leafHash(rows[0]!.body));
        });
        // One checkpoint cannot say where: the range is the whole log (verify-bisect.test.ts narrows it).
        assert.deepEqual(
          [rewritten.ok, rewritten.problem?.code, rewritten.differingRange],
          [false, 'entry-changed', { from: 0, to: 120 }],
        );
      } finally {
        await t.drop();
      }
    });

    test('a forged checkpoint is rejected: another key, an altered size, an altered root', async () => {
      const t = await openTestDatabase(kind);
      try {
        const id = await identity();
        const impostor = await identity();
        await appendEvents(t.db, 30);
        const checkpoint = await signCheckpoint(t.db, id);
        const lines = await exportLines(t.db, 0, 30);
        const other = await openTestDatabase(kind);
        await t.db.query('select 1');
        await appendEvents(other.db, 30);
        const forged = (await signCheckpoint(other.db, impostor)).note.replace(
          /^[^\n]+/,
          'test.example/ledger',
        );
        await other.drop();
        const [origin, size, root] = checkpoint.note.split('\n');
        const altered = [
          forged,
          checkpoint.note.replace(`\n${size}\n`, '\n29\n'),
          checkpoint.note.replace(root!, Buffer.alloc(32, 7).toString('base64')),
        ];
        assert.equal(origin, 'test.example/ledger');
        for (const note of altered) {
          const report = await verifyExport(lines, note, id.verifierKey);
          assert.equal(report.ok, false);
          assert.equal(report.problem?.code, 'checkpoint-signature-invalid', note);
        }
      } finally {
        await t.drop();
      }
    });
  });
}

describe('two Haven servers appending at once (PostgreSQL)', {
  skip: testDatabaseKinds().includes('postgres')
    ? false
    : 'HAVEN_TEST_DATABASE_URL not set: needs a PostgreSQL server',
}, () => {
  test('two processes appending and sequencing concurrently build one tree; every proof is valid', async () => {
    const t = await openTestDatabase('postgres');
    try {
      const script = fileURLToPath(new URL('./fixtures/appender.ts', import.meta.url));
      await Promise.all(['a', 'b'].map((name) => run(process.execPath, [script, t.url!, name, '20'])));
      const second = await openPostgres({ url: t.url! });
      await Promise.all([sequenceAll(t.db, 7), sequenceAll(second, 11)]);
      await second.close();
      // Events of transactions still open elsewhere on the server wait their turn (see sequenceUntil).
      await sequenceUntil(t.db, 2 * 20 * 25);
      const head = await treeHead(t.db);
      assert.equal(head.size, 2 * 20 * 25);
      const { rows } = await t.db.query<{ n: number; distinct: number; max: number }>(
        `select count(*)::int as n, count(distinct seq)::int as distinct, max(leaf_index)::int as max
           from ledger_leaf`,
      );
      assert.deepEqual(rows[0], { n: 1000, distinct: 1000, max: 999 });
      const leaves = await leafHashesInOrder(t.db);
      assert.ok(head.root.equals(rootOf(leaves)));
      for (const index of [0, 1, 499, 500, 998, 999]) {
        verifyInclusion(index, 1000, leaves[index]!, await inclusionProof(t.db, index, 1000), head.root);
      }
      verifyConsistency(
        250,
        1000,
        await consistencyProof(t.db, 250, 1000),
        rootOf(leaves.slice(0, 250)),
        head.root,
      );
    } finally {
      await t.drop();
    }
  });
});
