import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openPglite } from '../../src/store/pglite.ts';
import { HAVEN_BIN, haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/**
 * RET-2, "kill -9 during a sweep": `haven retention sweep` is killed with SIGKILL part-way through a registry
 * where everyone is due; the next run finishes what the killed one claimed and erases the rest — nothing due is
 * left, no key survives, and each person has exactly one disposal event.
 */
describe('haven retention sweep killed with SIGKILL', () => {
  test('the next run finishes the job: everyone erased once, no key left', async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    const demo = await haven(['demo', '--people', '60', '--json'], env);
    assert.equal(demo.code, 0, demo.stderr);
    // Test-only: the registry dated back eleven years, so the person-wide rule (last contact + 10 years) is due.
    const main = await openPglite({ dataDir: path.join(dataDir, 'db') });
    const { rows } = await main.query<{ n: number }>(
      `with moved as (update person set created_at = now() - interval '11 years', updated_at = now() - interval '11 years'
         returning 1) select count(*)::int as n from moved`,
    );
    await main.exec('update case_state set last_contact_on = null, since_on = current_date - 4100');
    await main.close();
    const persons = rows[0]!.n;
    assert.ok(persons >= 60);

    // One person per batch, so the kill lands between batches' steps; killed at its first progress line.
    const killed = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [HAVEN_BIN, 'retention', 'sweep', '--batch', '1'], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/persons past the person-wide rule: [1-9]\d*\//.test(stderr)) child.kill('SIGKILL');
      });
      child.stdout.resume();
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve({ signal, stderr }));
    });
    assert.equal(killed.signal, 'SIGKILL', `the sweep ended before the kill: ${killed.stderr}`);

    const next = await haven(['retention', 'sweep', '--json'], env);
    assert.equal(next.code, 0, next.stderr);
    const outcome = JSON.parse(next.stdout) as { personsErased: number; finished: number };

    const db = await openPglite({ dataDir: path.join(dataDir, 'db') });
    const vault = await openPglite({ dataDir: path.join(dataDir, 'keyvault') });
    try {
      const { rows: left } = await db.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from person group by 1',
      );
      assert.deepEqual(left, [{ status: 'erased', n: persons }], 'everyone erased, nobody half-way');
      const { rows: keys } = await vault.query<{ n: number }>('select count(*)::int as n from person_key');
      assert.equal(keys[0]!.n, 0, 'no key survives');
      const { rows: events } = await db.query<{ person_id: string; n: number }>(
        `select person_id, count(*)::int as n from audit_event
          where convert_from(body, 'UTF8') like '%"action":"retention.erase-person"%' group by 1`,
      );
      assert.equal(events.length, persons);
      assert.ok(
        events.every((e) => e.n === 1),
        'one disposal event per person: none twice',
      );
      // The killed run erased some; the next one the rest (and finished any it had claimed).
      assert.ok(outcome.personsErased < persons && outcome.personsErased > 0, JSON.stringify(outcome));
    } finally {
      await db.close();
      await vault.close();
    }
  });
});
