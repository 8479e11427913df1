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

const ROOT = rootOf(EVENTS.slice(0, SIZE).map((e) => leafHash(canonicalBytes(e))));
const CHECKPOINT = checkpoint(SIZE, ROOT);

async function verify(
  lines: Iterable<string> | AsyncIterable<string>,
  note = CHECKPOINT,
  key = log.verifierKey,
) {
  return verifyExport(lines, note, key);
}

function assertProblem(report: VerifyReport, code: string, firstBadIndex: number | undefined): void {
  assert.equal(report.ok, false);
  assert.equal(report.problem?.code, code, report.problem?.message);
  assert.equal(report.firstBadIndex, firstBadIndex);
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
    assertProblem(report, 'entry-altered', 57);
    assert.equal(report.problem?.line, 58);
    assert.equal(report.checked, 57);
  });

  test('finds a deleted entry', async () => {
    const lines = exportOf();
    lines.splice(120, 1);
    assertProblem(await verify(lines), 'entry-missing', 120);
    assertProblem(await verify(exportOf(199)), 'export-too-short', 199);
  });

  test('finds an inserted entry, before or after the real one', async () => {
    const forged = { ...EVENTS[80]!, subject: '00000000-0000-4000-8000-999999999999' };
    const before = exportOf();
    before.splice(80, 0, line(80, forged));
    assertProblem(await verify(before), 'entry-inserted', 80);
    const after = exportOf();
    after.splice(81, 0, line(80, forged));
    assertProblem(await verify(after), 'entry-inserted', 80);
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

  test('an event rewritten together with its stored hash shows only in the root, without guessing where', async () => {
    const lines = exportOf();
    const rewritten = { ...EVENTS[63]!, decision: 'allow', reason: 'ok' };
    assert.equal(EVENTS[63]!.decision, 'deny');
    lines[63] = line(63, rewritten);
    const report = await verify(lines);
    assertProblem(report, 'root-mismatch', undefined);
    assert.match(report.problem?.message ?? '', /rewritten/);
    assert.equal(report.checked, 200);
    // Deleting an entry and renumbering the rest is the same kind of rewrite.
    const renumbered = EVENTS.slice(0, 201)
      .filter((_, i) => i !== 10)
      .map((e, i) => line(i, e));
    assertProblem(await verify(renumbered), 'root-mismatch', undefined);
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
