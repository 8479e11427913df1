import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportEntries } from '../../src/ledger/export.ts';
import { sequenceAll } from '../../src/ledger/tree-store.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { findKnownValues, KNOWN_PEOPLE } from '../support/records.ts';

async function bytesOf(t: TestHaven, which: 'main' | 'vault'): Promise<Buffer> {
  const database = which === 'main' ? t.database : t.vaultDatabase;
  const db = which === 'main' ? t.database.db : t.vaultDatabase.db;
  if (database.kind === 'pglite') {
    const blob = await (
      db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
    ).pglite.dumpDataDir('none');
    return Buffer.from(await blob.arrayBuffer());
  }
  const file = path.join(tempDir(), `${which}.sql`);
  execFileSync('pg_dump', ['--no-owner', '--file', file, database.url!]);
  return readFileSync(file);
}

/**
 * ENC-1 from the attacker's side: people registered, found and read through the HTTP API; then the whole database,
 * the key vault, the ledger export and every log line are searched for their values in many encodings.
 */
for (const kind of testDatabaseKinds()) {
  describe(`no personal value at rest or in logs (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    before(async () => {
      t = await startTestHaven(kind, { HAVEN_LOG_LEVEL: 'debug' });
      a = await team(t, 'dump-org');
      for (const person of KNOWN_PEOPLE) {
        const id = await register(a.clerk, { ...person });
        await a.clerk.as('registration').get(`/api/persons/${id}`);
      }
      await a.clerk.as('registration').post('/api/persons/search', { name: 'Oleksandra Shevchenko' });
      await a.clerk.as('registration').post('/api/persons/search', { name: 'محمد', similar: true });
      await sequenceAll(t.database.db);
    });
    after(() => t.close());

    test('the database dump and the key vault hold none of the values', async () => {
      const found = findKnownValues(Buffer.concat([await bytesOf(t, 'main'), await bytesOf(t, 'vault')]));
      assert.deepEqual(found, []);
    });

    test('the ledger export holds none of the values', async () => {
      const lines: string[] = [];
      for await (const line of exportEntries(t.database.db, 0, 1_000_000)) lines.push(line);
      assert.ok(lines.length > 20);
      assert.deepEqual(findKnownValues(Buffer.from(lines.join(''))), []);
    });

    test('no log line holds a value, the search terms included', () => {
      assert.ok(t.logs.lines.length > 20);
      assert.deepEqual(findKnownValues(Buffer.from(t.logs.text())), []);
      assert.ok(!t.logs.text().includes('Oleksandra'));
    });
  });
}
