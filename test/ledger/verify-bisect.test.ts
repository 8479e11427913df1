import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes } from '../../src/ledger/canonical-json.ts';
import type { KeptCheckpoint } from '../../src/ledger/checkpoint-evidence.ts';
import { consistencyProofPlan, leafHash, rootOf } from '../../src/ledger/merkle.ts';
import { formatCheckpoint, newSignerKey, parseSignerKey, signNote } from '../../src/ledger/note.ts';
import { verifyExport } from '../../src/ledger/verify-export.ts';

/**
 * Locating a rewritten log (AUD-4): an attacker who edits, inserts, deletes or reorders entries and recomputes
 * every hash leaves an export that agrees with itself; only the signed checkpoints an auditor kept can say where
 * it departs. Guarantee under test: the reported range always holds the tampered position p and is at most one
 * checkpoint spacing wide; with a checkpoint at every size it is exactly p.
 */

const ORIGIN = 'haven.example/ledger';
const log = newSignerKey(ORIGIN);
const signer = parseSignerKey(log.signerKey);

type Event = { n: number; action: string };
const event = (n: number, action = 'person.read'): Event => ({ n, action });
const leaf = (e: Event) => leafHash(canonicalBytes(e));
/** An export whose stored hashes agree with its events: what a host that rebuilt its tree would hand out. */
const exportOf = (events: readonly Event[]) =>
  events.map((e, index) => JSON.stringify({ index, leafHash: leaf(e).toString('base64'), event: e }));

const note = (leaves: readonly Buffer[], n: number, key = signer) =>
  signNote(formatCheckpoint({ origin: ORIGIN, size: n, rootHash: rootOf(leaves.slice(0, n)) }), [key]);

/** The consistency proof from m to n, from the recursive definition (each element: the hash of its range). */
function proof(leaves: readonly Buffer[], m: number, n: number): string[] {
  return consistencyProofPlan(m, n).map((nodes) => {
    const first = nodes[0]!;
    const last = nodes.at(-1)!;
    const range = leaves.slice(first.index * 2 ** first.level, (last.index + 1) * 2 ** last.level);
    return rootOf(range).toString('base64');
  });
}

/** Checkpoints every `spacing` entries and at `size`, each with the proof from the one before if `proofs`. */
function kept(leaves: readonly Buffer[], size: number, spacing: number, proofs: boolean): KeptCheckpoint[] {
  const sizes = [
    ...new Set([...Array.from({ length: Math.floor(size / spacing) }, (_, i) => (i + 1) * spacing), size]),
  ];
  return sizes.map((n, i) => {
    const from = sizes[i - 1];
    return proofs && from !== undefined
      ? { note: note(leaves, n), consistency: { from, proof: proof(leaves, from, n) } }
      : { note: note(leaves, n) };
  });
}

type Tamper = 'edit' | 'insert' | 'delete' | 'swap';
function tamper(events: readonly Event[], kind: Tamper, p: number): Event[] {
  const copy = [...events];
  if (kind === 'edit') copy[p] = event(p, 'person.update');
  if (kind === 'insert') copy.splice(p, 0, event(10_000 + p));
  if (kind === 'delete') copy.splice(p, 1);
  if (kind === 'swap') [copy[p], copy[p + 1]] = [copy[p + 1]!, copy[p]!];
  return copy;
}

const scenario = fc
  .record({
    size: fc.integer({ min: 2, max: 90 }),
    spacing: fc.integer({ min: 1, max: 9 }),
    kind: fc.constantFrom<Tamper>('edit', 'insert', 'delete', 'swap'),
    proofs: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      p: fc.integer({ min: 0, max: s.size - 2 }),
    }),
  );

describe('locating where a rewritten log departs from kept checkpoints (AUD-4)', () => {
  test('the range always holds the tampered index, is at most one spacing wide, and exact at spacing 1', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ s: { size, spacing, kind, proofs }, p }) => {
        const events = Array.from({ length: size }, (_, i) => event(i));
        const leaves = events.map(leaf);
        const report = await verifyExport(
          exportOf(tamper(events, kind, p)),
          kept(leaves, size, spacing, proofs),
          log.verifierKey,
        );
        assert.equal(report.ok, false);
        const range = report.differingRange!;
        assert.ok(range.from <= p && p < range.to, `${JSON.stringify(range)} misses ${p}`);
        assert.ok(range.to - range.from <= spacing, `${JSON.stringify(range)} wider than ${spacing}`);
        if (spacing === 1) assert.equal(report.firstDifferingIndex, p);
        if (report.firstDifferingIndex !== undefined) assert.equal(report.firstDifferingIndex, p);
      }),
      { numRuns: 300 },
    );
  });

  test('an honest export passes against any kept checkpoints and proofs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 9 }),
        async (size, spacing) => {
          const events = Array.from({ length: size }, (_, i) => event(i));
          const report = await verifyExport(
            exportOf(events),
            kept(events.map(leaf), size, spacing, true),
            log.verifierKey,
          );
          assert.deepEqual(report, { ok: true, checked: size, treeSize: size, unchecked: 0, origin: ORIGIN });
        },
      ),
      { numRuns: 100 },
    );
  });

  test('verified consistency proofs narrow the range between two far-apart checkpoints', async () => {
    const events = Array.from({ length: 64 }, (_, i) => event(i));
    const leaves = events.map(leaf);
    const lines = exportOf(tamper(events, 'edit', 40));
    const bare = await verifyExport(lines, kept(leaves, 64, 32, false), log.verifierKey);
    assert.deepEqual(bare.differingRange, { from: 32, to: 64 });
    // The proof from 32 to 48 holds the hash of [32, 48) itself, and 48 → 64 pins nothing finer.
    const withProofs = await verifyExport(lines, kept(leaves, 64, 16, true), log.verifierKey);
    assert.deepEqual(withProofs.differingRange, { from: 32, to: 48 });
    // The proof 33 → 64 holds the hashes of [0, 32), [32, 33), [33, 34), [34, 36), [36, 40), [40, 48) and
    // [48, 64) (RFC 9162 §2.1.4.1): all up to 40 match, [40, 48) does not.
    const odd = [
      { note: note(leaves, 33) },
      { note: note(leaves, 64), consistency: { from: 33, proof: proof(leaves, 33, 64) } },
    ];
    const narrowed = await verifyExport(lines, odd, log.verifierKey);
    assert.deepEqual(narrowed.differingRange, { from: 40, to: 48 });
  });

  test('a proof that does not connect two signed roots is only a hint that failed: ignored', async () => {
    const events = Array.from({ length: 64 }, (_, i) => event(i));
    const leaves = events.map(leaf);
    const lines = exportOf(tamper(events, 'edit', 40));
    // A forged proof built from the rewritten tree, as a compromised host would serve it.
    const forged = tamper(events, 'edit', 40).map(leaf);
    const record = { note: note(leaves, 64), consistency: { from: 32, proof: proof(forged, 32, 64) } };
    const report = await verifyExport(lines, [{ note: note(leaves, 32) }, record], log.verifierKey);
    assert.deepEqual(report.differingRange, { from: 32, to: 64 });
    assert.equal(report.problem?.code, 'entry-changed');
  });

  test('checkpoints that contradict each other are refused (AUD-3)', async () => {
    const events = Array.from({ length: 20 }, (_, i) => event(i));
    const leaves = events.map(leaf);
    const forkLeaves = tamper(events, 'edit', 3).map(leaf);
    const sameSize = await verifyExport(
      exportOf(events),
      [note(leaves, 20), note(forkLeaves, 20)],
      log.verifierKey,
    );
    assert.equal(sameSize.problem?.code, 'checkpoints-contradict');
    // The export matches the checkpoint of 20 but not the (forked) one of 10.
    const earlier = await verifyExport(
      exportOf(events),
      [note(leaves, 20), note(forkLeaves, 10)],
      log.verifierKey,
    );
    assert.equal(earlier.problem?.code, 'checkpoints-contradict');
    assert.equal(earlier.problem?.index, 10);
  });

  test('every kept checkpoint must carry the log key, and at least one is needed', async () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i));
    const leaves = events.map(leaf);
    const other = parseSignerKey(newSignerKey(ORIGIN).signerKey);
    const report = await verifyExport(
      exportOf(events),
      [note(leaves, 10), note(leaves, 5, other)],
      log.verifierKey,
    );
    assert.equal(report.problem?.code, 'checkpoint-signature-invalid');
    assert.equal(
      (await verifyExport(exportOf(events), [], log.verifierKey)).problem?.code,
      'checkpoint-missing',
    );
  });
});
