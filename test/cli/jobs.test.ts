import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

test('haven jobs status reads the queue of a migrated database, as text and as JSON', async () => {
  const dataDir = tempDir();
  try {
    const env = { HAVEN_DATA_DIR: dataDir };
    assert.equal((await haven(['migrate'], env)).code, 0);
    const json = await haven(['jobs', 'status', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { queues: [], failures: [] });
    const text = await haven(['jobs', 'status'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /created\s+retry\s+active\s+completed\s+failed/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
