import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalBytes } from '../../src/ledger/canonical-json.ts';
import { type AuditEvent, auditEvent } from '../../src/ledger/events.ts';
import { CompactTree, EMPTY_ROOT, leafHash, rootOf } from '../../src/ledger/merkle.ts';
import { formatCheckpoint, newSignerKey, parseSignerKey, signNote } from '../../src/ledger/note.ts';
import { type VerifyReport, verifyExport } from '../../src/ledger/verify-export.ts';

const ORIGIN = 'haven.example/ledger';
const log = newSignerKey(ORIGIN);
const signer = parseSignerKey(log.signerKey);

function event(i: number): AuditEvent {
  return auditEvent({
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
    actor: {
      kind: 'staff',
      account: '00000000-0000-4000-8000-000000000001',
      organisation: '00000000-0000-4000-8000-0000000000aa',
      role: 'caseworker',
    },
    action: i % 3 === 0 ? 'person.read' : 'person.update',
    purpose: 'case-management',
    subject: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    subjectType: 'person',
    decision: i % 7 === 0 ? 'deny' : 'allow',
    reason: i % 7 === 0 ? 'no-consent' : 'ok',
  });
}

const hashOf = (e: object): string => leafHash(canonicalBytes(e)).toString('base64');
const line = (index: number, e: object, hash = hashOf(e)): string =>
  JSON.stringify({ index, leafHash: hash, event: e });

const EVENTS = Array.from({ length: 210 }, (_, i) => event(i));
const SIZE = 200;
const HONEST = EVENTS.map((e, i) => line(i, e));
const exportOf = (n = SIZE) => HONEST.slice(0, n);

function checkpoint(size: number, root: Buffer, key = signer): string {
  return signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: root }), [key]);
}

const leavesOf = (n: number) => EVENTS.slice(0, n).map((e) => leafHash(canonicalBytes(e)));
const ROOT = rootOf(leavesOf(SIZE));
const CHECKPOINT = checkpoint(SIZE, ROOT);

async function verify(
  lines: Iterable<string> | AsyncIterable<string>,
  note: string | string[] = CHECKPOINT,
  key = log.verifierKey,
) {
  return verifyExport(lines, note, key);
}

/** `index`: the entry at fault; `first`: the first differing index, when the report proves it exactly. */
function assertProblem(report: VerifyReport, code: string, index: number | undefined, first?: number): void {
  assert.equal(report.ok, false);
  assert.equal(report.problem?.code, code, report.problem?.message);
  assert.equal(report.problem?.index, index);
  assert.equal(report.firstDifferingIndex, first);
  if (first !== undefined) assert.deepEqual(report.differingRange, { from: first, to: first + 1 });
}

describe('ledger export verification (AUD-4)', () => {
  test('accepts an honest export and counts entries past the checkpoint as unchecked', async () => {
    assert.deepEqual(await verify(exportOf()), {
      ok: true,
      checked: 200,
      treeSize: 200,
      unchecked: 0,
      origin: ORIGIN,
    });
    const longer = await verify([...exportOf(210), '']);
    assert.deepEqual(longer, { ok: true, checked: 200, treeSize: 200, unchecked: 10, origin: ORIGIN });
  });

  test('accepts the empty tree, and blank lines', async () => {
    assert.equal((await verify([], checkpoint(0, EMPTY_ROOT))).ok, true);
    assert.equal((await verify(['', ...exportOf(), '  '])).ok, true);
  });

  test('finds an altered event at its index', async () => {
    const lines = exportOf();
    lines[57] = line(57, { ...EVENTS[57]!, reason: 'break-glass' }, hashOf(EVENTS[57]!));
    const report = await verify(lines);
    // The stored hashes give the signed root, so they are genuine and every entry before 57 matched them.
    assertProblem(report, 'entry-altered', 57, 57);
    assert.equal(report.problem?.line, 58);
    assert.equal(report.checked, 57);
  });

  test('finds a deleted entry', async () => {
    // The log still holds the leaf hash of a deleted event (export.ts): exact.
    const gone = exportOf();
    gone[120] = JSON.stringify({ index: 120, leafHash: hashOf(EVENTS[120]!), event: null });
    assertProblem(await verify(gone), 'entry-missing', 120, 120);
    // A line cut from the export file: only the one checkpoint vouches, so it is somewhere in [0, 121).
    const lines = exportOf();
    lines.splice(120, 1);
    const cut = await verify(lines);
    assertProblem(cut, 'entry-missing', 120);
    assert.deepEqual(cut.differingRange, { from: 0, to: 121 });
    assertProblem(await verify(exportOf(199)), 'export-too-short', 199);
    // A kept checkpoint of the first 199 entries pins it down.
    const kept = [CHECKPOINT, checkpoint(199, rootOf(leavesOf(199)))];
    assertProblem(await verify(exportOf(199), kept), 'export-too-short', 199, 199);
  });

  test('finds an inserted entry, before or after the real one', async () => {
    const forged = { ...EVENTS[80]!, subject: '00000000-0000-4000-8000-999999999999' };
    const before = exportOf();
    before.splice(80, 0, line(80, forged));
    assertProblem(await verify(before), 'entry-inserted', 81);
    const after = exportOf();
    after.splice(81, 0, line(80, forged));
    assertProblem(await verify(after), 'entry-inserted', 81);
    // With checkpoints at every size, the forged entry itself is named.
    const dense = Array.from({ length: SIZE + 1 }, (_, n) => checkpoint(n, rootOf(leavesOf(n))));
    assertProblem(await verify(before, dense), 'entry-changed', 80, 80);
    assertProblem(await verify(after, dense), 'entry-inserted', 81, 81);
  });

  test('finds swapped entries at the first index out of place', async () => {
    const neighbours = exportOf();
    [neighbours[30], neighbours[31]] = [neighbours[31]!, neighbours[30]!];
    assertProblem(await verify(neighbours), 'entry-out-of-order', 30);
    const distant = exportOf();
    [distant[30], distant[150]] = [distant[150]!, distant[30]!];
    const report = await verify(distant);
    assertProblem(report, 'entry-out-of-order', 30);
    assert.equal(report.problem?.line, 31);
  });

  test('an event rewritten with its stored hash is caught by the root and located by kept checkpoints around it', async () => {
    const lines = exportOf();
    const rewritten = { ...EVENTS[63]!, decision: 'allow', reason: 'ok' };
    assert.equal(EVENTS[63]!.decision, 'deny');
    lines[63] = line(63, rewritten);
    const report = await verify(lines);
    assertProblem(report, 'entry-changed', 0);
    assert.deepEqual(report.differingRange, { from: 0, to: 200 });
    assert.match(report.problem?.message ?? '', /closer together/);
    assert.equal(report.checked, 200);
    // Deleting an entry and renumbering the rest is the same kind of rewrite.
    const renumbered = EVENTS.slice(0, 201)
      .filter((_, i) => i !== 10)
      .map((e, i) => line(i, e));
    assertProblem(await verify(renumbered), 'entry-changed', 0);
    // Kept checkpoints of 63 and 64 entries bracket the edit within one leaf; of 8 and 16, the deletion.
    const bracket = (n: number) => checkpoint(n, rootOf(leavesOf(n)));
    assertProblem(await verify(lines, [CHECKPOINT, bracket(63), bracket(64)]), 'entry-changed', 63, 63);
    const loose = await verify(renumbered, [CHECKPOINT, bracket(8), bracket(16)]);
    assertProblem(loose, 'entry-changed', 8);
    assert.deepEqual(loose.differingRange, { from: 8, to: 16 });
  });

  test('refuses a forged checkpoint', async () => {
    const other = parseSignerKey(newSignerKey(ORIGIN).signerKey);
    assertProblem(
      await verify(exportOf(), checkpoint(SIZE, ROOT, other)),
      'checkpoint-signature-invalid',
      undefined,
    );
    const smaller = CHECKPOINT.replace(`\n${SIZE}\n`, `\n${SIZE - 1}\n`);
    assertProblem(await verify(exportOf(SIZE - 1), smaller), 'checkpoint-signature-invalid', undefined);
    const otherRoot = CHECKPOINT.replace(
      ROOT.toString('base64'),
      leafHash(Buffer.from('x')).toString('base64'),
    );
    assertProblem(await verify(exportOf(), otherRoot), 'checkpoint-signature-invalid', undefined);
    assertProblem(await verify(exportOf(), 'not a note'), 'checkpoint-malformed', undefined);
    assertProblem(await verify(exportOf(), CHECKPOINT, 'not a key'), 'verifier-key-invalid', undefined);
  });

  test('names the line that is not an entry', async () => {
    for (const bad of [
      '{',
      '[]',
      '{"index": 5}',
      line(5, EVENTS[5]!, 'AAAA'),
      line(5, { ...EVENTS[5]!, v: 1.5 }, hashOf(EVENTS[5]!)),
    ]) {
      const lines = exportOf();
      lines[5] = bad;
      const report = await verify(lines);
      assertProblem(report, 'export-line-malformed', 5);
      assert.equal(report.problem?.line, 6);
    }
  });

  test('streams a long export', async () => {
    const count = 50_000;
    const entry = (i: number) => ({ ...EVENTS[i % 7]!, requestId: `r${i}` });
    const tree = new CompactTree();
    for (let i = 0; i < count; i++) tree.append(leafHash(canonicalBytes(entry(i))));
    async function* lines() {
      for (let i = 0; i < count; i++) yield line(i, entry(i));
    }
    const report = await verify(lines(), checkpoint(count, tree.root()));
    assert.deepEqual(report, { ok: true, checked: count, treeSize: count, unchecked: 0, origin: ORIGIN });
  });
});
