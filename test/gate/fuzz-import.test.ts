import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { importPeople, type LineProblem } from '../../src/workflows/bulk-import.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { caseSeed, fuzzSettings, MARKER_SLOT, mutate, PROTOTYPE_KEYS } from '../support/fuzz.ts';
import { textDump } from '../support/fuzz-world.ts';
import { CONSENT } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { organisation } from '../support/staff.ts';

/**
 * The bulk importer (docs/import.md) fed a generated JSON Lines file: good lines mixed with broken JSON, NUL,
 * lone surrogates, bidi controls, huge lines, wrong types, prototype keys, repeated refs, unknown fields and fields
 * outside the purpose. It never crashes; every refused line is reported once, by number, with a stable code;
 * refused lines write nothing and leave no value behind; running the file again changes nothing.
 *
 * HAVEN_FUZZ_RUNS (default 60) lines per file; HAVEN_FUZZ_RUNS=2000 is the long mode. HAVEN_FUZZ_SEED reproduces.
 */

const { runs: LINES, seed: SEED } = fuzzSettings(60);
const ERROR_CODE = /^[a-z][a-z0-9-]+$/;

/** What a line must come to: accepted, a specific refusal, or either (any refusal with a stable code). */
type Expect = 'accepted' | 'already-imported' | 'either' | { code: string };

interface Line {
  text: string;
  expect: Expect;
  label: string;
}

const goodValues = KNOWN_PEOPLE.map((p) => ({ ...p }));
const good = (ref: string, values: Record<string, unknown> = goodValues[0]!) => ({
  ref,
  values,
  basis: CONSENT,
});
const refused = (code: string) => ({ code });

/** One generated line, given its number (refs are unique per line unless a line repeats one on purpose). */
function lineArbitrary(n: number): fc.Arbitrary<Line> {
  const ref = `fuzz-${n}`;
  const json = (value: unknown) => JSON.stringify(value);
  const line = (label: string, expect: Expect) => (text: string) => ({ label, expect, text });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...goodValues)
        .map((values) => ({ label: 'good', expect: 'accepted' as Expect, text: json(good(ref, values)) })),
    },
    // Something broken inside values or basis: refused with a stable code, or (bidi text, say) accepted.
    {
      weight: 5,
      arbitrary: fc
        .constantFrom(...goodValues)
        .chain((values) => mutate({ values, basis: CONSENT }))
        .filter((m) => m.path.length > 0)
        .map((m) => ({
          label: `${m.mutation} at /${m.path.join('/')}`,
          expect: 'either' as Expect,
          text: json({ ref, ...(m.value as object) }),
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          `{"ref": "${ref}", "values": {`,
          `{"ref": "${ref}", "values": {"given-name": "${MARKER_SLOT}\u0000"}, "basis": {}}`,
          `nul ${MARKER_SLOT}`,
          `{"ref": "${ref}"}}`,
          "{'ref': 'single quotes'}",
        )
        .map(line('bad JSON', refused('invalid-json'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('x'.repeat(70_000), '\u202e'.repeat(30_000), '\ud800'.repeat(70_000))
        .map((filler) => json(good(ref, { ...goodValues[0], 'given-name': `${MARKER_SLOT}${filler}` })))
        .map(line('huge line', refused('line-too-long'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('[]', '"a line"', '42', 'null', `[${json(good(ref))}]`)
        .map(line('not an object', refused('line-not-object'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...PROTOTYPE_KEYS, 'notes', 'id')
        .map((key) =>
          json(Object.fromEntries([...Object.entries(good(ref)), [key, { isAdmin: MARKER_SLOT }]])),
        )
        .map(line('extra top-level key', refused('line-key-unknown'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>(42, '', 'r'.repeat(201), { id: 1 }, ['a'], true)
        .map((bad) => json({ ...good(ref), ref: bad }))
        .map(line('bad ref', refused('ref-invalid'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>(null, [], 'values', 7)
        .map((bad) => json({ ...good(ref), values: bad }))
        .map(line('values of the wrong type', refused('values-missing'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>(null, [], 'consent', 7)
        .map((bad) => json({ ...good(ref), basis: bad }))
        .map(line('basis of the wrong type', refused('basis-missing'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Record<string, unknown>>(
          { 'favourite-colour': MARKER_SLOT },
          { 'protection-concerns': ['detention'] },
          { 'estimated-age': `${MARKER_SLOT}thirty` },
          { nationality: `${MARKER_SLOT}` },
        )
        .map((extra) => json(good(ref, { ...goodValues[0], ...extra })))
        .map(line('a value the dictionary refuses', refused('capture-refused'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', '   ', '\t')
        .map((text) => ({ label: 'blank', expect: 'either' as Expect, text })),
    },
  );
}

/** Lines, a few of which repeat the ref of an earlier good line (an idempotency key: skipped, not refused). */
function generateLines(seed: number, count: number): Line[] {
  const lines: Line[] = [];
  for (let n = 1; n <= count; n++) {
    const earlier = lines.filter((l) => l.label === 'good');
    if (earlier.length > 0 && n % 10 === 0) {
      const repeated = JSON.parse(earlier[n % earlier.length]!.text) as { ref: string };
      lines.push({
        label: 'repeated ref',
        expect: 'already-imported',
        text: JSON.stringify(good(repeated.ref, goodValues[1])),
      });
      continue;
    }
    lines.push(fc.sample(lineArbitrary(n), { seed: caseSeed(seed, `line ${n}`), numRuns: 1 })[0]!);
  }
  // Each line's marker is its own, so a search names the line that left it.
  return lines.map((l, i) => ({ ...l, text: l.text.replaceAll(MARKER_SLOT, marker(i + 1)) }));
}

const marker = (lineNumber: number) => `qz${lineNumber.toString(36).padStart(8, '0')}`;

for (const kind of testDatabaseKinds()) {
  describe(`fuzzing the bulk importer (${kind})`, () => {
    let t: TestHaven;
    let org: string;
    let lines: Line[];
    let file: string;
    let first: Awaited<ReturnType<typeof run>>;
    let second: Awaited<ReturnType<typeof run>>;
    let personsBefore: number;
    let personsAfterFirst: number;
    let personsAfterSecond: number;
    let seconds = '';

    const persons = async () =>
      (await t.database.db.query<{ n: number }>('select count(*)::int as n from person')).rows[0]!.n;

    async function run() {
      const problems: LineProblem[] = [];
      const summary = await importPeople(t.haven.gate, {
        organisationId: org,
        purpose: 'registration',
        file,
        onProblem: (p) => problems.push(p),
      });
      return { summary, problems };
    }

    before(
      async () => {
        const started = performance.now();
        t = await startTestHaven(kind);
        org = await organisation(t, 'fuzz-import-org');
        lines = generateLines(SEED, LINES);
        file = path.join(tempDir(), 'people.jsonl');
        // CRLF on some lines, as spreadsheets write them.
        writeFileSync(file, `${lines.map((l, i) => (i % 7 === 3 ? `${l.text}\r` : l.text)).join('\n')}\n`);
        personsBefore = await persons();
        first = await run();
        personsAfterFirst = await persons();
        second = await run();
        personsAfterSecond = await persons();
        seconds = ((performance.now() - started) / 1000).toFixed(1);
      },
      { timeout: 30 * 60_000 },
    );
    after(() => t?.close());

    test('the counts', (c) => {
      const { summary } = first;
      c.diagnostic(
        `seed ${SEED}: ${lines.length} lines, ${summary.lines} not blank, ${summary.imported} imported, ` +
          `${summary.alreadyImported} already imported, ${summary.refused} refused; two runs in ${seconds} s`,
      );
      const byCode = new Map<string, number>();
      for (const p of first.problems) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
      c.diagnostic(`refusals by code: ${[...byCode].map(([k, n]) => `${k}×${n}`).join(', ')}`);
      // Not failures (the dictionary decides what text it accepts), but worth reading: hostile text that got in.
      const refusedLines = new Set(first.problems.map((p) => p.line));
      const acceptedHostile = lines.filter(
        (l, i) => l.label.startsWith('hostile-string') && !refusedLines.has(i + 1),
      );
      c.diagnostic(
        `hostile strings accepted into values: ${acceptedHostile.map((l) => l.label).join(', ') || 'none'}`,
      );
      const blank = lines.filter((l) => l.text.trim() === '').length;
      assert.equal(summary.lines, lines.length - blank);
      assert.equal(summary.imported + summary.alreadyImported + summary.refused, summary.lines);
      assert.ok(summary.imported > 0 && summary.refused > 0);
    });

    test('every refused line is reported once, by its number, with a stable code', () => {
      const numbers = first.problems.map((p) => p.line);
      assert.equal(new Set(numbers).size, numbers.length, 'no line reported twice');
      assert.equal(first.problems.length, first.summary.refused);
      for (const p of first.problems) {
        assert.match(p.code, ERROR_CODE, `line ${p.line}`);
        assert.ok(lines[p.line - 1] && lines[p.line - 1]!.text.trim() !== '', `line ${p.line} exists`);
        for (const f of p.fields ?? []) assert.match(f.code, ERROR_CODE, `line ${p.line} ${f.path}`);
      }
    });

    test('each line comes to what it must: accepted, or refused with its code', () => {
      const problemAt = new Map(first.problems.map((p) => [p.line, p.code]));
      const wrong = lines.flatMap((l, i) => {
        const got = problemAt.get(i + 1) ?? 'accepted';
        const expect = l.expect;
        const ok =
          expect === 'either' ||
          ((expect === 'accepted' || expect === 'already-imported') && got === 'accepted') ||
          (typeof expect === 'object' && got === expect.code);
        return ok ? [] : [{ line: i + 1, label: l.label, expected: expect, got, text: l.text.slice(0, 120) }];
      });
      assert.deepEqual(wrong, []);
    });

    test('refused lines write nothing: the new people are exactly the imported lines', () => {
      assert.equal(personsAfterFirst - personsBefore, first.summary.imported);
    });

    test('running the file again imports nothing and refuses the same lines', () => {
      assert.equal(second.summary.imported, 0);
      assert.equal(second.summary.alreadyImported, first.summary.imported + first.summary.alreadyImported);
      assert.deepEqual(
        second.problems.map((p) => [p.line, p.code]),
        first.problems.map((p) => [p.line, p.code]),
      );
      assert.equal(personsAfterSecond, personsAfterFirst);
    });

    test('no value of a refused line is in the report, the databases or the logs', async () => {
      const refusedMarkers = new Set(first.problems.map((p) => marker(p.line)));
      const places = {
        report: JSON.stringify([...first.problems, ...second.problems]),
        database: await textDump([t.database.db]),
        'key vault': await textDump([t.vaultDatabase.db]),
        logs: t.logs.text(),
      };
      const found = Object.entries(places).flatMap(([where, text]) =>
        [...new Set(text.toLowerCase().match(/qz[0-9a-z]{8}/g) ?? [])]
          .filter((m) => refusedMarkers.has(m))
          .map((m) => ({ where, line: Number.parseInt(m.slice(2), 36) })),
      );
      assert.deepEqual(found, []);
    });
  });
}
