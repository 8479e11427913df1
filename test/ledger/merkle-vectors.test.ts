import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HavenError } from '../../src/domain/errors.ts';
import {
  buildProof,
  consistencyProofPlan,
  inclusionProofPlan,
  leafHash,
  nodeKey,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.ts';
import { nodeMap } from './tree-nodes.ts';

/**
 * RFC 9162 proof vectors (transparency-dev/merkle testdata, kept outside the repository in ../shared): every
 * case marked wantErr must be refused, every other case accepted, and Haven's own proofs for the happy paths
 * must be the very proofs in the files.
 */

const folder = fileURLToPath(new URL('../../../shared/vectors/rfc9162/', import.meta.url));
const missing = existsSync(folder)
  ? undefined
  : `RFC 9162 vectors not found at ${folder}; these checks did not run`;

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

function cases<T>(kind: string): [string, T][] {
  if (missing) return [];
  const dir = `${folder}${kind}/`;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [`${kind}/${name}`, JSON.parse(readFileSync(dir + name, 'utf8')) as T]);
}

/** The leaf inputs and expected roots the vectors' README lists. */
function readme(): { leaves: Buffer[]; roots: Map<number, string> } {
  const text = readFileSync(`${folder}README.md`, 'utf8');
  const list = text.split('\n').find((line) => line.startsWith('"", "00"'));
  assert.ok(list, 'the README lists the leaf inputs');
  const leaves = [...list.matchAll(/"([0-9a-f]*)"/g)].map((match) => Buffer.from(match[1]!, 'hex'));
  const roots = new Map(
    [...text.matchAll(/^- n=(\d+): ([0-9a-f]{64})$/gm)].map((m) => [Number(m[1]), m[2]!]),
  );
  return { leaves, roots };
}

/** The numbered folders hold proofs in the tree of the README's leaves; Haven must produce the same proofs. */
const fromReadmeTree = (name: string): boolean => /^(?:inclusion|consistency)\/\d+\//.test(name);

function refusedWithCode(run: () => void): void {
  assert.throws(
    run,
    (error: unknown) => error instanceof HavenError && error.status === 422 && error.code !== '',
  );
}

// Without the vectors the run says so (a skip with the reason), never a silent pass.
if (missing) test('RFC 9162 proof vectors (AUD-2)', { skip: missing }, () => {});
else
  describe('RFC 9162 proof vectors (AUD-2)', () => {
    test('the README roots are the roots of the first n leaves', () => {
      const { leaves, roots } = readme();
      assert.equal(leaves.length, 8);
      assert.equal(roots.size, 9);
      const hashes = leaves.map(leafHash);
      for (const [n, hex] of roots) assert.equal(rootOf(hashes.slice(0, n)).toString('hex'), hex, `n=${n}`);
    });

    const { leaves } = readme();
    const nodes = nodeMap(leaves.map(leafHash));
    const fetch = async (ids: { level: number; index: number }[]) =>
      new Map(ids.map((id) => [nodeKey(id), nodes.get(nodeKey(id))!]));

    describe('inclusion', () => {
      for (const [name, c] of cases<InclusionCase>('inclusion')) {
        test(`${name}: ${c.desc} is ${c.wantErr ? 'refused' : 'accepted'}`, async () => {
          const proof = (c.proof ?? []).map(b64);
          const run = () => verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), proof, b64(c.root));
          if (c.wantErr) return refusedWithCode(run);
          run();
          if (!fromReadmeTree(name)) return;
          assert.deepEqual(rootOf(leaves.slice(0, c.treeSize).map(leafHash)), b64(c.root));
          assert.deepEqual(await buildProof(inclusionProofPlan(c.leafIdx, c.treeSize), fetch), proof);
        });
      }
    });

    describe('consistency', () => {
      for (const [name, c] of cases<ConsistencyCase>('consistency')) {
        test(`${name}: ${c.desc} is ${c.wantErr ? 'refused' : 'accepted'}`, async () => {
          const proof = (c.proof ?? []).map(b64);
          const run = () => verifyConsistency(c.size1, c.size2, proof, b64(c.root1), b64(c.root2));
          if (c.wantErr) return refusedWithCode(run);
          run();
          if (!fromReadmeTree(name)) return;
          assert.deepEqual(rootOf(leaves.slice(0, c.size2).map(leafHash)), b64(c.root2));
          assert.deepEqual(await buildProof(consistencyProofPlan(c.size1, c.size2), fetch), proof);
        });
      }
    });
  });
