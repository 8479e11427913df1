import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importPeople, type LineProblem } from '../../src/workflows/bulk-import.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { organisation } from '../support/staff.ts';

const good = (ref: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ref,
    values: { 'given-name': 'Amina', sex: 'female', 'estimated-age': 30, nationality: ['SOM'], ...extra },
    basis: { kind: 'consent', noticeVersion: '2026-11', noticeLanguage: 'so', method: 'written' },
  });

for (const kind of testDatabaseKinds()) {
  describe(`bulk import through the gate (${kind})`, () => {
    let t: TestHaven;
    let org: string;
    before(async () => {
      t = await startTestHaven(kind);
      org = await organisation(t, 'import-org');
    });
    after(() => t.close());

    async function run(lines: string[]) {
      const file = path.join(tempDir(), 'people.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const problems: LineProblem[] = [];
      const summary = await importPeople(t.haven.gate, {
        organisationId: org,
        purpose: 'registration',
        file,
        onProblem: (p) => problems.push(p),
      });
      return { summary, problems };
    }

    test('bad lines are reported by number and code and change nothing; good lines are kept', async () => {
      const before = await t.database.db.query<{ n: number }>('select count(*)::int as n from person');
      const { summary, problems } = await run([
        good('ok-1'),
        '{"ref": "broken", "values": {',
        good('unknown-field', { 'favourite-colour': 'blue' }),
        good('outside-purpose', { 'protection-concerns': ['detention'] }),
        good('wrong-type', { 'estimated-age': 'thirty' }),
        good('too-long', { 'given-name': 'A'.repeat(500) }),
        JSON.stringify({ ref: 'huge', values: { 'given-name': 'x'.repeat(70_000) }, basis: {} }),
        JSON.stringify({ ref: 'extra-key', values: {}, basis: {}, notes: 'x' }),
        JSON.stringify({ ref: 'no-basis', values: { 'given-name': 'Amina' } }),
        good('nul', { 'given-name': 'Amina\u0000' }),
        good('line-break', { 'given-name': 'Amina\nX' }),
        good('future', { 'date-of-birth': '2999-01-01' }),
        good('ok-2'),
        good('ok-1'),
      ]);
      assert.deepEqual(
        problems.map((p) => [p.line, p.code, ...(p.fields ?? []).map((f) => `${f.path}:${f.code}`)]),
        [
          [2, 'invalid-json'],
          [3, 'capture-refused', 'favourite-colour:field-unknown'],
          [4, 'capture-refused', 'protection-concerns:field-not-in-purpose'],
          [5, 'capture-refused', 'estimated-age:value-invalid-type'],
          [6, 'capture-refused', 'given-name:value-too-long'],
          [7, 'line-too-long'],
          [8, 'line-key-unknown', 'notes:unknown'],
          [9, 'basis-missing'],
          // The API's text guard, the same function (issue 13): NUL never reaches the gate or PostgreSQL.
          [10, 'text-invalid', 'values/given-name:control-character'],
          [11, 'capture-refused', 'given-name:value-not-single-line'],
          [12, 'capture-refused', 'date-of-birth:date-out-of-range'],
        ],
      );
      assert.deepEqual(summary, { ...summary, lines: 14, imported: 2, alreadyImported: 1, refused: 11 });
      const afterCount = await t.database.db.query<{ n: number }>('select count(*)::int as n from person');
      assert.equal(afterCount.rows[0]!.n - before.rows[0]!.n, 2);
      assert.ok(!JSON.stringify(problems).includes('Amina'), 'the report never holds a value');
    });

    test('a second run of the same file imports nothing new', async () => {
      const lines = [good('again-1'), good('again-2'), good('again-3')];
      const first = await run(lines);
      assert.equal(first.summary.imported, 3);
      const second = await run(lines);
      assert.equal(second.summary.imported, 0);
      assert.equal(second.summary.alreadyImported, 3);
    });

    test('each imported person is a registration in the ledger, by the importer, for the purpose', async () => {
      await run([good('ledger-1')]);
      const { rows } = await t.database.db.query<{ body: Buffer }>(
        `select body from audit_event order by seq desc limit 5`,
      );
      const events = rows.map((r) => JSON.parse(r.body.toString()));
      assert.ok(
        events.some(
          (e) =>
            e.action === 'person.register' &&
            e.decision === 'allow' &&
            e.purpose === 'registration' &&
            e.actor.kind === 'cli',
        ),
      );
    });
  });
}
