import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDictionary } from '../../src/domain/dictionary/index.ts';
import { PROHIBITED_PURPOSES } from '../../src/domain/dictionary/prohibited.ts';
import {
  BUILTIN_POLICY_FILES,
  bundledPolicyFiles,
  compilePolicies,
  type PolicyFiles,
  withoutBuiltinPolicies,
} from '../../src/policy/compile.ts';
import { PolicyEngine } from '../../src/policy/engine.ts';
import { compileForEvaluation, evaluateUnder } from '../../src/policy/evaluate.ts';
import { policyImpact } from '../../src/policy/impact.ts';
import { authorizationMatrix } from '../../src/policy/matrix.ts';
import type { Decision } from '../../src/policy/requests.ts';
import { SMALL } from '../domain/dictionary-fixtures.ts';

/**
 * Policy changes (ACC-2, PUR-2, PUR-6): what an approver is shown must be what the change does, and no change can
 * reach below the built-in layer. The impact report is computed by the compiled evaluator (evaluate.ts); here its
 * counts are redone on the whole matrix of a small dictionary, and its decisions compared with cedar-wasm itself.
 */
const dictionary = parseDictionary(SMALL, 'small.yaml');
const base = bundledPolicyFiles();

function edited(file: string, from: string, to: string): PolicyFiles {
  const text = base[file]!;
  assert.ok(text.includes(from), `${file} no longer contains ${from}`);
  return { ...base, [file]: text.replace(from, to) };
}

function policyCodes(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    const e = error as { code?: string; fields?: { code: string }[] };
    assert.equal(e.code, 'policy-invalid');
    return (e.fields ?? []).map((f) => f.code);
  }
  assert.fail('the policy files were accepted');
}

describe('the impact of a policy change (ACC-2)', () => {
  test('counts exactly the decisions Cedar changes, on every cell of the matrix', async () => {
    // Two real changes at once: supervisors may also write (flips to allow), and a new forbid refuses caseworkers
    // of tier 1 everything (flips to deny).
    const proposed: PolicyFiles = {
      ...base,
      'extra.cedar': [
        '@id("supervisors-write") @requirement("ACC-1")',
        'permit (principal is Haven::Staff, action == Haven::Action::"write", resource)',
        'when { principal.role == "supervisor" };',
        '@id("caseworkers-tier-one") @requirement("ACC-1") @reason("tier-too-low")',
        'forbid (principal is Haven::Staff, action, resource)',
        'when { principal.role == "caseworker" && principal.tier == 1 };',
      ].join('\n'),
    };
    const impact = await policyImpact(
      dictionary,
      { version: 1, files: base },
      { version: 2, files: proposed },
    );
    // Recount every cell, and ask cedar-wasm itself about every 25th cell and the first cells of each flipped group:
    // the evaluator the report uses must give Cedar's answer.
    const sets = [base, proposed].map((files) =>
      compileForEvaluation(compilePolicies(files, { stored: true })),
    );
    const before = new PolicyEngine(base, 1);
    const after = new PolicyEngine(proposed, 2);
    let cells = 0;
    let toAllow = 0;
    let toDeny = 0;
    let askedCedar = 0;
    const flipped = new Map<string, number>();
    for (const cell of authorizationMatrix(dictionary)) {
      cells++;
      const [b, a] = evaluateUnder(sets, cell.request) as [Decision, Decision];
      let ask = cells % 25 === 0;
      if (b.allowed !== a.allowed) {
        if (a.allowed) toAllow++;
        else toDeny++;
        const key = [a.allowed ? 'to-allow' : 'to-deny', cell.who, cell.action, cell.purpose, cell.what].join(
          '|',
        );
        flipped.set(key, (flipped.get(key) ?? 0) + 1);
        ask ||= flipped.get(key)! <= 2;
      }
      if (ask) {
        askedCedar++;
        assert.deepEqual(before.decideWithCedar(cell.request), b, cell.situation);
        assert.deepEqual(after.decideWithCedar(cell.request), a, cell.situation);
      }
    }
    assert.ok(askedCedar > 1000, `${askedCedar} cells checked with Cedar`);
    assert.ok(toAllow > 0 && toDeny > 0, `the change must flip both ways: ${toAllow} / ${toDeny}`);
    assert.deepEqual(
      { cells: impact.cells, toAllow: impact.toAllow, toDeny: impact.toDeny },
      { cells, toAllow, toDeny },
    );
    assert.equal(impact.truncated, false);
    const reported = new Map(
      impact.groups.map((g) => [[g.direction, g.who, g.action, g.purpose, g.what].join('|'), g.cells]),
    );
    assert.deepEqual(reported, flipped);
    assert.ok(impact.groups.every((g) => g.direction === 'to-deny' || g.who.startsWith('supervisor')));
    assert.ok(impact.groups.filter((g) => g.direction === 'to-deny').every((g) => g.who === 'caseworker:1'));
    assert.deepEqual(
      impact.files.map((f) => [f.file, f.change]),
      [['extra.cedar', 'added']],
    );
  });

  test('a policy edited in place (same id, other text) is recounted the same on every cell', async () => {
    const proposed = edited('roles.cedar', '"supervisor"', '"auditor"');
    const impact = await policyImpact(
      dictionary,
      { version: 1, files: base },
      { version: 2, files: proposed },
    );
    const sets = [base, proposed].map((files) =>
      compileForEvaluation(compilePolicies(files, { stored: true })),
    );
    let toAllow = 0;
    let toDeny = 0;
    let reasonsChanged = 0;
    for (const cell of authorizationMatrix(dictionary)) {
      const [b, a] = evaluateUnder(sets, cell.request) as [Decision, Decision];
      if (b.allowed !== a.allowed) {
        if (a.allowed) toAllow++;
        else toDeny++;
      } else if (!b.allowed && b.reasons.join() !== a.reasons.join()) reasonsChanged++;
    }
    assert.ok(toAllow > 0 && toDeny > 0, `${toAllow} / ${toDeny}`);
    assert.deepEqual(
      [impact.toAllow, impact.toDeny, impact.reasonsChanged],
      [toAllow, toDeny, reasonsChanged],
    );
  });

  test('a comment changes no decision, and the report is the same each time it is computed', async () => {
    const proposed = edited('roles.cedar', '@id(', '// reviewed by the DPO\n@id(');
    const one = await policyImpact(dictionary, { version: 4, files: base }, { version: 5, files: proposed });
    const two = await policyImpact(dictionary, { version: 4, files: base }, { version: 5, files: proposed });
    assert.deepEqual([one.toAllow, one.toDeny, one.groups.length], [0, 0, 0]);
    assert.equal(one.files.length, 1);
    assert.ok(one.files[0]!.hunks.some((h) => h.lines.includes('+// reviewed by the DPO')));
    assert.equal(one.sha256, two.sha256);
    // The hash covers the versions compared: an approval for one base does not fit another.
    const rebased = await policyImpact(
      dictionary,
      { version: 3, files: base },
      { version: 5, files: proposed },
    );
    assert.notEqual(rebased.sha256, one.sha256);
  });

  test('a computation told to stop stops with impact-cancelled', async () => {
    await assert.rejects(
      policyImpact(
        dictionary,
        { version: 1, files: base },
        { version: 2, files: base },
        () => {},
        () => true,
      ),
      { code: 'impact-cancelled' },
    );
  });
});

describe('the built-in layer (PUR-2, PUR-6)', () => {
  test('no proposal may edit a built-in file or restate a built-in policy', () => {
    const [file, text] = Object.entries(BUILTIN_POLICY_FILES)[0]!;
    assert.ok(policyCodes(() => compilePolicies({ ...base, [file]: text })).includes('builtin-file'));
    const copy = text.slice(text.indexOf('@id("prohibited-purpose")'));
    assert.ok(policyCodes(() => compilePolicies({ ...base, 'copy.cedar': copy })).includes('builtin-id'));
  });

  test('a version that permits everything still refuses prohibited purposes and purposes without a DPIA', () => {
    const reckless = new PolicyEngine(
      {
        ...base,
        'everything.cedar': '@id("everything") @requirement("ACC-1") permit (principal, action, resource);',
      },
      9,
    );
    let prohibited = 0;
    let withoutDpia = 0;
    let allowed = 0;
    let index = 0;
    for (const cell of authorizationMatrix(dictionary)) {
      // Every 7th cell, straight from cedar-wasm: the whole matrix is the evaluator's job (above).
      if (index++ % 7 !== 0) continue;
      const purpose = cell.request.context.purpose;
      const decision = reckless.decideWithCedar(cell.request);
      if (decision.allowed) allowed++;
      if (purpose.prohibited) {
        prohibited++;
        assert.equal(decision.allowed, false, cell.situation);
        assert.ok(decision.reasons.includes('purpose-prohibited'));
      }
      if (purpose.dpia === 'none' || purpose.dpia === 'expired') {
        withoutDpia++;
        assert.equal(decision.allowed, false, cell.situation);
      }
    }
    assert.ok(
      prohibited > 0 && withoutDpia > 0 && allowed > 0,
      `${prohibited} / ${withoutDpia} / ${allowed}`,
    );
  });

  test('the names refused by name are exactly the prohibited purposes', () => {
    const text = Object.values(BUILTIN_POLICY_FILES).join('\n');
    const list = /\[([^\]]*)\]\s*\.contains\(context\.purpose\.name\)/.exec(text);
    assert.ok(list, 'the by-name policy lists the purposes');
    const names = [...list[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(names, PROHIBITED_PURPOSES.map((p) => p.name).sort());
    // Even a register that forgot to mark one prohibited cannot use it.
    const engine = new PolicyEngine(base, 1);
    const [sample] = authorizationMatrix(dictionary);
    for (const name of names) {
      const request = { ...sample!.request };
      request.context = {
        ...request.context,
        purpose: { ...request.context.purpose, name: name!, prohibited: false },
      };
      const decision = engine.decideWithCedar(request);
      assert.equal(decision.allowed, false);
      assert.ok(decision.reasons.includes('purpose-prohibited'), name);
    }
  });

  test('a rollback to a version that held copies of built-in policies drops the copies, keeps the rest', () => {
    const builtinText = Object.values(BUILTIN_POLICY_FILES)[0]!;
    const firstPolicy = builtinText.slice(
      builtinText.indexOf('@id("prohibited-purpose")'),
      builtinText.indexOf(';', builtinText.indexOf('@id("prohibited-purpose")')) + 1,
    );
    const old: PolicyFiles = { ...base, 'purposes.cedar': `${base['purposes.cedar']}\n\n${firstPolicy}\n` };
    // Stored, it still compiles: the built-in policy supersedes its copy.
    assert.doesNotThrow(() => compilePolicies(old, { stored: true }));
    assert.ok(policyCodes(() => compilePolicies(old)).includes('builtin-id'));
    const cleaned = withoutBuiltinPolicies(old);
    assert.doesNotThrow(() => compilePolicies(cleaned));
    assert.equal(cleaned['purposes.cedar']!.trim(), base['purposes.cedar']!.trim());
    assert.deepEqual(Object.keys(cleaned).sort(), Object.keys(base).sort());
  });
});

describe('the oversight role (ACC-1, GOV-4)', () => {
  test('is never allowed anything on people, consents, corrections, organisations or policies', () => {
    const engine = new PolicyEngine(base, 1);
    let checked = 0;
    let index = 0;
    for (const cell of authorizationMatrix(dictionary)) {
      if (!cell.who.startsWith('oversight') || index++ % 3 !== 0) continue;
      checked++;
      const decision = engine.decideWithCedar(cell.request);
      assert.equal(decision.allowed, false, `${cell.action} ${cell.what} ${cell.situation}`);
    }
    assert.ok(checked > 1000, `${checked} oversight cells`);
  });
});
