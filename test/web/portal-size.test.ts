/** The person portal's size budget (issue 16 item 4): its first load, gzip, stays ≤ 100 kB for a phone on 2G. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { PORTAL_BUDGET_BYTES, portalFirstLoad } from '../../scripts/portal-size.ts';
import { WEB_APP_DIR } from '../../src/http/routes/web-app.ts';

const built = existsSync(`${WEB_APP_DIR}/me.html`) && existsSync(`${WEB_APP_DIR}/.vite/manifest.json`);
if (!built && process.env.CI) throw new Error('the web app is not built (npm run build:web)');

test('the person portal’s first load is at most 100 kB gzip, and none of the staff app comes along', {
  skip: built ? false : 'the web app is not built (npm run build:web)',
}, () => {
  const { files, total } = portalFirstLoad();
  const names = files.map((f) => f.file).join(', ');
  assert.ok(total <= PORTAL_BUDGET_BYTES, `${(total / 1024).toFixed(1)} kB gzip: ${names}`);
  assert.ok(!files.some((f) => /\/index-/.test(f.file)), `no staff bundle in ${names}`);
  assert.ok(
    files.some((f) => /\/me-.*\.js$/.test(f.file)),
    `the portal's own script in ${names}`,
  );
});
