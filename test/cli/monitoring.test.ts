import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/** `haven monitoring` (AUD-6): its help, the evaluation's figures from a seed, and bad numbers refused. */
describe('haven monitoring', () => {
  const env = () => ({ HAVEN_DATA_DIR: tempDir() });

  test('--help names evaluate, alerts and baselines', async () => {
    const help = await haven(['monitoring', '--help'], env());
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['evaluate', 'alerts', 'baselines'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  });

  test('evaluate prints the detection rate and false alerts per 1,000 staff-days; the same seed gives the same figures', async () => {
    const args = [
      'monitoring',
      'evaluate',
      '--seed',
      '7',
      '--staff',
      '20',
      '--days',
      '10',
      '--per-scenario',
      '1',
    ];
    const first = await haven([...args, '--json'], env());
    assert.equal(first.code, 0, first.stderr);
    const figures = JSON.parse(first.stdout) as {
      injected: number;
      detected: number;
      staffDays: number;
      falseAlertsPer1000StaffDays: number;
      outcomes?: unknown;
    };
    assert.equal(figures.injected, 5);
    assert.equal(figures.detected, 5);
    assert.ok(figures.staffDays > 0);
    assert.equal(figures.outcomes, undefined, 'the JSON holds figures only');
    const again = await haven([...args, '--json'], env());
    assert.equal(again.stdout, first.stdout);
    const text = await haven(args, env());
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /Detection: 5 of 5 injected scenarios raised their intended alert \(100\.0 %\)\./,
    );
    assert.match(text.stdout, /False alerts: \d+, [\d.]+ per 1,000 staff-days/);
  });

  test('a bad number is refused before anything runs', async () => {
    const bad = await haven(['monitoring', 'evaluate', '--staff', '0'], env());
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--staff must be a whole number from 1 to 5000\./);
    assert.equal(bad.stdout, '');
  });

  test('baselines judges what the ledger holds and recomputes every baseline', async () => {
    const result = await haven(['monitoring', 'baselines', '--json'], env());
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      judged: { entries: number; alerts: number; suspended: number };
      baselines: number;
    };
    // A fresh installation: nothing any staff member did yet, so no baseline and no alert.
    assert.equal(out.judged.alerts, 0);
    assert.equal(out.baselines, 0);
  });

  test('alerts for an organisation that does not exist: a clear message', async () => {
    const none = await haven(['monitoring', 'alerts', '--org', 'nowhere'], env());
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No organisation nowhere\./);
  });
});
