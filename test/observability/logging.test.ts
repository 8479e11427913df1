import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSetupCode } from '../../src/identity/setup.ts';
import { serialiseError } from '../../src/observability/logger.ts';
import { Client } from '../support/client.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, nextTotp } from '../support/staff.ts';

/** A password and a name typed into Haven must never reach a log line (ENC-1: logs hold no personal values). */
describe('structured logs keep personal values and secrets out', () => {
  let t: TestHaven;
  const PASSWORD = 'Zahra-Rahimi-secret-passphrase';
  const NAME = 'Zahra Rahimi';
  before(async () => {
    t = await startTestHaven('pglite', { HAVEN_LOG_LEVEL: 'debug' });
  });
  after(() => t.close());

  test('sign-in, set-up and failures log codes and routes, never the values', async () => {
    const setupCode = await issueSetupCode(t.haven.identity, t.haven.db, 60);
    const client = new Client(t.app);
    await client.post('/api/setup', {
      code: setupCode,
      organisation: { slug: 'zahra-relief', name: `${NAME} Relief` },
      email: 'zahra.rahimi@example.org',
      password: PASSWORD,
    });
    await new Client(t.app).post('/api/auth/sign-in', {
      email: 'zahra.rahimi@example.org',
      password: `${PASSWORD}-wrong`,
    });
    await new Client(t.app).post('/api/auth/sign-in', { email: NAME, password: PASSWORD, note: NAME });
    await new Client(t.app).get(`/api/admin/accounts?name=${encodeURIComponent(NAME)}`);
    const staff = await createStaff(t);
    const signedIn = new Client(t.app);
    await signedIn.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
    await signedIn.post('/api/auth/second-factor', { method: 'totp', code: nextTotp(t, staff) });

    const log = t.logs.text();
    assert.ok(t.logs.lines.length > 5, 'requests were logged');
    for (const line of t.logs.lines) JSON.parse(line); // every line is JSON
    for (const forbidden of [
      PASSWORD,
      NAME,
      'Zahra',
      'zahra.rahimi@example.org',
      staff.password,
      staff.email,
      String(setupCode),
    ]) {
      assert.ok(!log.includes(forbidden), `log must not contain ${forbidden}`);
    }
    assert.match(log, /"route":"\/api\/auth\/sign-in"/);
    assert.match(log, /"code":"invalid-credentials"/);
  });

  test('an unexpected error is logged by type and code, without its message', () => {
    const databaseError = Object.assign(new Error(`invalid input syntax for type uuid: "${NAME}"`), {
      code: '22P02',
      detail: `Key (name)=(${NAME}) already exists.`,
    });
    const serialised = JSON.stringify(serialiseError(databaseError));
    assert.ok(!serialised.includes(NAME));
    assert.match(serialised, /22P02/);
  });
});
