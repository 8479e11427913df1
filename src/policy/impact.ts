import { createHash } from 'node:crypto';
import { structuredPatch } from 'diff';
import type { Dictionary } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { type CompiledPolicySet, compilePolicies, type PolicyFiles } from './compile.ts';
import { compileForEvaluation, decisionsIfChanged } from './evaluate.ts';
import { authorizationMatrix } from './matrix.ts';

/**
 * What a proposed policy change does (ACC-2), for the person who must approve it: the text of every file changed,
 * and every decision of the authorization matrix (matrix.ts) that it turns from deny to allow or back, grouped so
 * that a person can read it — who, which action, for which purpose, on what — with how many situations each
 * group covers and a few of them spelt out.
 */
export interface FileChange {
  file: string;
  change: 'added' | 'removed' | 'changed';
  /** Unified-diff hunks: each line starts with ' ', '-' or '+'. */
  hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }[];
}

export interface ImpactGroup {
  direction: 'to-allow' | 'to-deny';
  who: string;
  action: string;
  purpose: string;
  what: string;
  /** How many cells of the matrix flip in this group. */
  cells: number;
  /** Up to three of their situations. */
  examples: string[];
  /** The reasons of the refusal (before, for to-allow; after, for to-deny). */
  reasons: string[];
}

export interface PolicyImpact {
  /** The active version this was computed against, and the proposal. */
  base: number;
  proposed: number;
  /** Cells of the matrix evaluated, and how many flip each way. */
  cells: number;
  toAllow: number;
  toDeny: number;
  /** Refused both times, for other reasons (the person is told something else). */
  reasonsChanged: number;
  groups: ImpactGroup[];
  /** True when there were more groups than `groups` holds. */
  truncated: boolean;
  files: FileChange[];
  /** SHA-256 of the above: the approver sends it back to show this is what they saw. */
  sha256: string;
}

const MAX_GROUPS = 2_000;

export function diffPolicyFiles(before: PolicyFiles, after: PolicyFiles): FileChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FileChange[] = [];
  for (const file of names) {
    const old = before[file];
    const next = after[file];
    if (old === next) continue;
    const patch = structuredPatch(file, file, old ?? '', next ?? '', '', '', { context: 3 });
    changes.push({
      file,
      change: old === undefined ? 'added' : next === undefined ? 'removed' : 'changed',
      hunks: patch.hunks.map((h) => ({
        oldStart: h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newStart,
        newLines: h.newLines,
        lines: h.lines,
      })),
    });
  }
  return changes;
}

/**
 * Evaluates both versions on every cell of the matrix. Work is cut into slices so that a server keeps answering
 * meanwhile (a few seconds for the shipped dictionary); `onProgress` hears how many cells are done.
 */
const SLICE = 2_000;

export async function policyImpact(
  dictionary: Dictionary,
  base: { version: number; files: PolicyFiles },
  proposed: { version: number; files: PolicyFiles },
  onProgress: (cells: number) => void = () => {},
  stopped: () => boolean = () => false,
): Promise<PolicyImpact> {
  const before = compilePolicies(base.files, { stored: true });
  const after = compilePolicies(proposed.files, { stored: true });
  const full = [compileForEvaluation(before), compileForEvaluation(after)] as const;
  const changed = [
    compileForEvaluation(onlyChanged(before, after)),
    compileForEvaluation(onlyChanged(after, before)),
  ] as const;
  const groups = new Map<string, ImpactGroup>();
  let cells = 0;
  let toAllow = 0;
  let toDeny = 0;
  let reasonsChanged = 0;
  for (const cell of authorizationMatrix(dictionary)) {
    cells++;
    // Between slices progress is reported and a request to stop is heard.
    if (cells % SLICE === 0) {
      onProgress(cells);
      await new Promise((resolve) => setImmediate(resolve));
      if (stopped()) throw new HavenError('impact-cancelled', 'Haven is stopping.', { status: 503 });
    }
    const decisions = decisionsIfChanged(full, changed, cell.request);
    if (!decisions) continue;
    const [before, after] = decisions;
    if (before.allowed === after.allowed) {
      if (!before.allowed && before.reasons.join() !== after.reasons.join()) reasonsChanged++;
      continue;
    }
    const direction = after.allowed ? 'to-allow' : 'to-deny';
    if (after.allowed) toAllow++;
    else toDeny++;
    const key = [direction, cell.who, cell.action, cell.purpose, cell.what].join('|');
    let group = groups.get(key);
    if (!group) {
      group = {
        direction,
        who: cell.who,
        action: cell.action,
        purpose: cell.purpose,
        what: cell.what,
        cells: 0,
        examples: [],
        reasons: after.allowed ? before.reasons : after.reasons,
      };
      groups.set(key, group);
    }
    group.cells++;
    if (group.examples.length < 3) group.examples.push(cell.situation);
  }
  onProgress(cells);
  const sorted = [...groups.values()].sort(
    (a, b) =>
      (a.direction === b.direction ? 0 : a.direction === 'to-allow' ? -1 : 1) ||
      b.cells - a.cells ||
      (a.who + a.action + a.purpose + a.what < b.who + b.action + b.purpose + b.what ? -1 : 1),
  );
  const impact = {
    base: base.version,
    proposed: proposed.version,
    cells,
    toAllow,
    toDeny,
    reasonsChanged,
    groups: sorted.slice(0, MAX_GROUPS),
    truncated: sorted.length > MAX_GROUPS,
    files: diffPolicyFiles(base.files, proposed.files),
  };
  return { ...impact, sha256: createHash('sha256').update(JSON.stringify(impact)).digest('hex') };
}

/** The policies of `set` that `other` does not hold word for word (by id and text). */
function onlyChanged(set: CompiledPolicySet, other: CompiledPolicySet): CompiledPolicySet {
  const policies = new Map([...set.policies].filter(([id, p]) => other.policies.get(id)?.text !== p.text));
  const byId = Object.fromEntries([...policies.keys()].map((id) => [id, set.byId[id]!]));
  return { policies, byId };
}
