import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate } from '../../src/monitoring/evaluate.ts';
import { INTENDED, SCENARIOS, SyntheticWorld } from '../../src/monitoring/synthetic.ts';

/**
 * The measurement of AUD-6 (docs/monitoring.md): synthetic staff work with injected insider scenarios through the
 * same rules the monitor runs. Every scenario must raise its intended alert, and normal work must stay under the
 * false-alert figure docs/monitoring.md states: at most 35 per 1,000 staff-days (measured 20.5–31.0 over four
 * seeds at 200 staff and 60 days). A small run here; `haven monitoring evaluate` and the benchmark run the large one.
 */
const STATED_FALSE_ALERTS_PER_1000_STAFF_DAYS = 35;

describe('measuring the anomaly rules on synthetic traffic (AUD-6)', () => {
  const result = evaluate({ seed: 'test', staff: 40, days: 20, perScenario: 2 });

  test('every injected insider scenario raises its intended alert', () => {
    assert.equal(result.injected, SCENARIOS.length * 2);
    for (const outcome of result.outcomes)
      assert.ok(
        outcome.rules.includes(INTENDED[outcome.scenario]),
        `${outcome.scenario} raised ${outcome.rules.join(', ') || 'nothing'}, not ${INTENDED[outcome.scenario]}`,
      );
    assert.equal(result.detectionRate, 1);
  });

  test('normal work stays under the stated false-alert figure, and most accesses are explained', () => {
    assert.ok(result.staffDays > 500, `${result.staffDays} staff-days`);
    assert.ok(
      result.falseAlertsPer1000StaffDays <= STATED_FALSE_ALERTS_PER_1000_STAFF_DAYS,
      `${result.falseAlertsPer1000StaffDays} false alerts per 1,000 staff-days`,
    );
    assert.ok(result.explained / result.accesses > 0.75);
  });

  test('without any scenario, the same traffic raises only the false alerts counted above', () => {
    const quiet = evaluate({ seed: 'test', staff: 40, days: 20, perScenario: 0 });
    assert.equal(quiet.injected, 0);
    assert.ok(quiet.falseAlerts <= result.falseAlerts + 2, `${quiet.falseAlerts} vs ${result.falseAlerts}`);
  });

  test('the traffic is reproducible from its seed', () => {
    const a = new SyntheticWorld({ seed: 'same', staff: 5 }).day(0);
    const b = new SyntheticWorld({ seed: 'same', staff: 5 }).day(0);
    assert.deepEqual(a, b);
    assert.ok(a.entries.length > 0);
    const c = new SyntheticWorld({ seed: 'other', staff: 5 }).day(0);
    assert.notDeepEqual(a.entries, c.entries);
  });
});
