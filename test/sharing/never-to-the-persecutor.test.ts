import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPolicyFiles } from '../../src/policy/compile.ts';
import { PolicyEngine } from '../../src/policy/engine.ts';
import { authorizationMatrix } from '../../src/policy/matrix.ts';
import { dictionary } from '../support/records.ts';

/**
 * SHA-3 in the authorization matrix: across every role, every kind of partner, every purpose, legal basis and
 * restriction, no release and no yes/no about a person ever reaches the authorities of the person's own state or
 * a country-of-origin authority — and some releases elsewhere are allowed, so the test could fail.
 */
test('never to the persecutor: no cell of the matrix allows a release to the person’s own state', () => {
  const engine = new PolicyEngine(bundledPolicyFiles(), 1);
  let forbidden = 0;
  let allowedElsewhere = 0;
  for (const cell of authorizationMatrix(dictionary)) {
    if (cell.what !== 'release') continue;
    const decision = engine.decide(cell.request);
    const persecutor =
      cell.situation.includes('authority of the person’s state') ||
      cell.situation.includes('country-of-origin authority');
    if (persecutor) {
      forbidden++;
      assert.equal(decision.allowed, false, `${cell.who} ${cell.action} ${cell.purpose} ${cell.situation}`);
    } else if (decision.allowed) allowedElsewhere++;
  }
  assert.ok(forbidden > 1000, `${forbidden} cells towards the persecutor checked`);
  assert.ok(allowedElsewhere > 0, 'releases to others are allowed somewhere');
});
