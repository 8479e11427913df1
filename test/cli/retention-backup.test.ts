import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/**
 * The operator's commands of issue 18 from the outside, in child processes on an embedded demo: the retention
 * preview and sweep (RET-1, RET-2), and the backup cycle up to a passing drill (RES-1) — with their refusals.
 */
describe('haven retention and haven backup', () => {
  test('preview, sweep, keygen, create, list, verify and drill work end to end; bad input exits 1 with a clear message', async () => {
    const dataDir = tempDir();
    const demo = await haven(['demo', '--people', '3', '--json'], { HAVEN_DATA_DIR: dataDir });
    assert.equal(demo.code, 0, demo.stderr);
    const { staff } = JSON.parse(demo.stdout) as { staff: { role: string; email: string }[] };
    const dpo = staff.find((s) => s.role === 'dpo')!.email;

    const preview = await haven(['retention', 'preview', '--days', '30', '--as', dpo, '--json'], {
      HAVEN_DATA_DIR: dataDir,
    });
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(JSON.parse(preview.stdout).days, 30);

    // Nothing of a new demo is due: the sweep runs, erases nothing, and says so on the ledger.
    const sweep = await haven(['retention', 'sweep', '--json'], { HAVEN_DATA_DIR: dataDir });
    assert.equal(sweep.code, 0, sweep.stderr);
    const outcome = JSON.parse(sweep.stdout) as {
      personsErased: number;
      groupsErased: number;
      digest: string;
    };
    assert.deepEqual([outcome.personsErased, outcome.groupsErased], [0, 0]);
    assert.match(outcome.digest, /^[0-9a-f]{64}$/);
    const text = await haven(['retention', 'sweep'], { HAVEN_DATA_DIR: dataDir });
    assert.match(text.stdout, /: 0 persons and 0 field groups erased; 0 due items kept/);
    const bad = await haven(['retention', 'sweep', '--batch', '0'], { HAVEN_DATA_DIR: dataDir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /batch is 1 to 50,000/);

    const keygen = await haven(['backup', 'keygen', '--json'], {});
    assert.equal(keygen.code, 0, keygen.stderr);
    const key = JSON.parse(keygen.stdout) as { identity: string; recipient: string };
    const identity = path.join(tempDir('haven-key-'), 'backup-key.txt');
    writeFileSync(identity, `${key.identity}\n`, { mode: 0o600 });
    const env = { HAVEN_DATA_DIR: dataDir, HAVEN_BACKUP_RECIPIENT: key.recipient };

    const created = await haven(['backup', 'create', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const files = JSON.parse(created.stdout) as { main: { path: string }; vault: { path: string } };
    const listed = await haven(['backup', 'list', '--json'], env);
    assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 2);
    const verified = await haven(
      ['backup', 'verify', files.main.path, '--identity', identity, '--json'],
      env,
    );
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(JSON.parse(verified.stdout).kind, 'main');

    // The wrong key is named as such; nothing else happens.
    const other = path.join(tempDir('haven-key-'), 'other.txt');
    const otherKey = JSON.parse((await haven(['backup', 'keygen', '--json'], {})).stdout) as {
      identity: string;
    };
    writeFileSync(other, `${otherKey.identity}\n`);
    const wrong = await haven(['backup', 'verify', files.main.path, '--identity', other], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /backup-wrong-identity|another key|not for this identity/i);

    const drill = await haven(['backup', 'drill', '--identity', identity], env);
    assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
    assert.match(drill.stdout, /Restore drill PASSED/);
    assert.match(drill.stdout, /decrypted: 0/);

    const help = await haven(['retention', '--help'], {});
    assert.match(help.stdout, /sweep/);
    assert.match(help.stdout, /preview/);
  });
});
