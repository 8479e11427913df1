import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openKeyRing } from '../../src/crypto/keyring/keyring.ts';
import { ledgerIdentity, signCheckpoint } from '../../src/ledger/checkpoints.ts';
import {
  checkpointPublisher,
  type PublishedCheckpoint,
  publishTarget,
  readPublishedCheckpoints,
} from '../../src/ledger/publish.ts';
import { treeHead } from '../../src/ledger/tree-store.ts';
import { verifyExport } from '../../src/ledger/verify-export.ts';
import type { Database, Sql } from '../../src/store/database.ts';
import { openTestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';
import { appendEvents, exportLines, sequenceEverything } from '../support/ledger.ts';

const seqAt = (index: number) => `(select seq from ledger_leaf where leaf_index = ${index})`;

async function identity() {
  return ledgerIdentity(
    'test.example/ledger',
    await openKeyRing({ file: path.join(tempDir(), 'keyring.json') }),
  );
}

/** The host rewrites its log: edits `edit` (and its hash), drops the tree and checkpoints, rebuilds, re-signs. */
async function rewriteLog(db: Database, sql: (tx: Sql) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await sql(tx);
    for (const table of ['ledger_cosignature', 'ledger_checkpoint', 'ledger_tile', 'ledger_head']) {
      await tx.query(`delete from ${table}`);
    }
  });
  await sequenceEverything(db);
}

describe('publishing checkpoints outside the instance (AUD-4)', () => {
  test('HAVEN_CHECKPOINT_PUBLISH: a folder by default, off, a URL or another folder', () => {
    assert.deepEqual(publishTarget(undefined, '/srv/haven'), {
      kind: 'folder',
      dir: '/srv/haven/checkpoints',
    });
    assert.deepEqual(publishTarget('off', '/srv/haven'), { kind: 'off' });
    assert.deepEqual(publishTarget('https://audit.example/cp', '/x'), {
      kind: 'url',
      url: 'https://audit.example/cp',
    });
    assert.deepEqual(publishTarget('/mnt/auditor', '/x'), { kind: 'folder', dir: '/mnt/auditor' });
  });

  for (const kind of testDatabaseKinds()) {
    test(`a log rewritten and re-signed on the host is caught by the published checkpoints (${kind})`, async () => {
      const t = await openTestDatabase(kind);
      try {
        const id = await identity();
        const folder = tempDir();
        const publisher = checkpointPublisher({ kind: 'folder', dir: folder });
        for (let round = 0; round < 6; round++) {
          await appendEvents(t.db, 8);
          // Other databases' transactions on the same server may hold the sequencer back a moment.
          await sequenceEverything(t.db);
          await signCheckpoint(t.db, id);
          assert.equal(await publisher.publishLatest(t.db), (round + 1) * 8);
        }
        assert.equal(await publisher.publishLatest(t.db), undefined, 'nothing new to publish');
        const published = readPublishedCheckpoints(folder);
        assert.deepEqual(
          published.map((p) => [p.size, p.consistency?.from]),
          [
            [8, undefined],
            [16, 8],
            [24, 16],
            [32, 24],
            [40, 32],
            [48, 40],
          ],
        );

        await rewriteLog(t.db, (tx) =>
          tx.query(
            `update audit_event set body = convert_to(replace(convert_from(body, 'UTF8'), '"ok"', '"fine"'), 'UTF8'),
               leaf_hash = sha256('\\x00'::bytea || convert_to(replace(convert_from(body, 'UTF8'), '"ok"', '"fine"'), 'UTF8'))
             where seq = ${seqAt(21)}`,
          ),
        );
        const resigned = await signCheckpoint(t.db, id);
        const lines = await exportLines(t.db, 0, (await treeHead(t.db)).size);
        // On the host alone the rewrite is invisible: the export matches the checkpoint signed after it.
        assert.equal((await verifyExport(lines, resigned.note, id.verifierKey)).ok, true);
        // Against the copies kept elsewhere it is caught, and the checkpoints of 16 and 24 bracket it.
        const report = await verifyExport(lines, published, id.verifierKey);
        assert.equal(report.problem?.code, 'entry-changed');
        assert.ok(report.differingRange!.from <= 21 && 21 < report.differingRange!.to);
        assert.ok(report.differingRange!.from >= 16 && report.differingRange!.to <= 24);
        // And the publisher refuses to publish the rewritten log's checkpoints over the old ones.
        await assert.rejects(publisher.publishLatest(t.db), { code: 'ledger-inconsistent' });
        await appendEvents(t.db, 3);
        await signCheckpoint(t.db, id);
        await assert.rejects(publisher.publishLatest(t.db), { code: 'ledger-inconsistent' });
        assert.equal(readPublishedCheckpoints(folder).length, 6);
      } finally {
        await t.drop();
      }
    });
  }

  test('a deletion is reported at its index, not at the end of the log', async () => {
    const t = await openTestDatabase('pglite');
    try {
      const id = await identity();
      const folder = tempDir();
      const publisher = checkpointPublisher({ kind: 'folder', dir: folder });
      for (let size = 1; size <= 24; size++) {
        await appendEvents(t.db, 1);
        await sequenceEverything(t.db);
        await signCheckpoint(t.db, id);
        await publisher.publishLatest(t.db);
      }
      await rewriteLog(t.db, (tx) => tx.query(`delete from audit_event where seq = ${seqAt(9)}`));
      await appendEvents(t.db, 1);
      const lines = await exportLines(t.db, 0, 24);
      const report = await verifyExport(lines, readPublishedCheckpoints(folder), id.verifierKey);
      assert.deepEqual([report.problem?.code, report.firstDifferingIndex], ['entry-changed', 9]);
    } finally {
      await t.drop();
    }
  });

  test('a replaced key file cannot sign on as the same log (AUD-3)', async () => {
    const t = await openTestDatabase('pglite');
    try {
      await appendEvents(t.db, 3);
      await signCheckpoint(t.db, await identity());
      await appendEvents(t.db, 3);
      await assert.rejects(signCheckpoint(t.db, await identity()), { code: 'ledger-key-changed' });
    } finally {
      await t.drop();
    }
  });

  test('a URL receives each checkpoint with its consistency proof', async () => {
    const received: PublishedCheckpoint[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body) as PublishedCheckpoint);
        res.writeHead(received.length > 2 ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = await openTestDatabase('pglite');
    try {
      const address = server.address() as { port: number };
      const publisher = checkpointPublisher({ kind: 'url', url: `http://127.0.0.1:${address.port}/cp` });
      const id = await identity();
      for (const n of [5, 7]) {
        await appendEvents(t.db, n);
        await sequenceEverything(t.db);
        await signCheckpoint(t.db, id);
        await publisher.publishLatest(t.db);
      }
      assert.deepEqual(
        received.map((r) => [r.size, r.consistency?.from]),
        [
          [5, undefined],
          [12, 5],
        ],
      );
      assert.equal((await verifyExport(await exportLines(t.db, 0, 12), received, id.verifierKey)).ok, true);
      await appendEvents(t.db, 1);
      await signCheckpoint(t.db, id);
      await assert.rejects(publisher.publishLatest(t.db), { code: 'checkpoint-publish-failed' });
    } finally {
      await t.drop();
      server.close();
    }
  });
});
