import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { type Haven, openHaven } from '../../src/haven.ts';
import { buildApp } from '../../src/http/app.ts';
import type { HttpApp } from '../../src/http/http-app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startServer } from '../support/cli.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

/**
 * Two Haven servers on one database, both remembering sessions for a while: disabling an account, a role change or
 * a sign-out on one server must take effect on the other at once (ACC-4), through NOTIFY.
 */
for (const kind of testDatabaseKinds()) {
  describe(`session cache across servers (${kind})`, () => {
    let a: TestHaven;
    let b: { haven: Haven; app: HttpApp };
    before(async () => {
      a = await startTestHaven(kind, { HAVEN_SESSION_CACHE_SECONDS: '30' });
      const config = loadConfig(
        { HAVEN_DATA_DIR: a.dataDir, HAVEN_SESSION_CACHE_SECONDS: '30', HAVEN_LOG_LEVEL: 'silent' },
        tempDir(),
      );
      const haven = await openHaven(config, {
        database: a.database.db,
        vaultDatabase: a.vaultDatabase.db,
        logger: createLogger('silent'),
      });
      const app = await buildApp(haven);
      await app.ready();
      haven.identity.now = a.haven.identity.now;
      b = { haven, app };
    });
    after(async () => {
      await b.app.close();
      await b.haven.sessions.close();
      // The job queue's timers would keep this test's process alive for ever (docs/jobs.md).
      await b.haven.jobs.stop();
      await a.close();
    });

    const onB = (client: Client) => {
      const other = new Client(b.app);
      other.cookie = client.cookie;
      other.csrfToken = client.csrfToken;
      return other;
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

    test('disabling an account on one server ends its session on the other at once', async () => {
      const admin = await createStaff(a, { role: 'admin', org: 'cache-org' });
      const clerk = await createStaff(a, { role: 'clerk', org: 'cache-org' });
      const clerkOnA = await signedIn(a, clerk);
      const clerkOnB = onB(clerkOnA);
      assert.equal((await clerkOnB.get('/api/account/factors')).status, 200);
      assert.equal((await clerkOnB.get('/api/account/factors')).status, 200, 'now cached on B');
      const adminClient = await signedIn(a, admin);
      await reauthenticate(a, adminClient, admin);
      assert.equal(
        (await adminClient.patch(`/api/admin/accounts/${clerk.id}`, { status: 'disabled' })).status,
        200,
      );
      await settle();
      assert.equal((await clerkOnB.get('/api/account/factors')).status, 401);
    });

    test('a role change reaches the other server’s cached session', async () => {
      const admin = await createStaff(a, { role: 'admin', org: 'cache-org' });
      const staff = await createStaff(a, { role: 'admin', org: 'cache-org' });
      const onA = await signedIn(a, staff);
      const staffOnB = onB(onA);
      assert.equal((await staffOnB.get('/api/admin/accounts')).status, 200);
      const adminClient = await signedIn(a, admin);
      await reauthenticate(a, adminClient, admin);
      assert.equal(
        (await adminClient.patch(`/api/admin/accounts/${staff.id}`, { role: 'clerk' })).status,
        200,
      );
      await settle();
      const after = await staffOnB.get('/api/admin/accounts');
      assert.equal(after.status, 403);
      assert.equal(after.body.reason, 'role');
    });

    test('signing out on one server ends the session on the other', async () => {
      const staff = await createStaff(a, { org: 'cache-org' });
      const onA = await signedIn(a, staff);
      const staffOnB = onB(onA);
      assert.equal((await staffOnB.get('/api/account/factors')).status, 200);
      assert.equal((await onA.post('/api/auth/sign-out')).status, 204);
      await settle();
      assert.equal((await staffOnB.get('/api/account/factors')).status, 401);
    });
  });
}

describe('session cache across server processes (PostgreSQL)', {
  skip: testDatabaseKinds().includes('postgres')
    ? false
    : 'HAVEN_TEST_DATABASE_URL not set: two processes need a shared PostgreSQL server',
}, () => {
  test('a second haven serve process forgets a session the moment the account is disabled on the first', async () => {
    const a = await startTestHaven('postgres', { HAVEN_SESSION_CACHE_SECONDS: '30' });
    const server = await startServer({
      HAVEN_DATABASE_URL: a.database.url!,
      HAVEN_KEYVAULT_URL: a.vaultDatabase.url!,
      HAVEN_KEY_FILE: a.haven.config.keyFilePath,
      HAVEN_DATA_DIR: a.dataDir,
      HAVEN_SESSION_CACHE_SECONDS: '30',
    });
    try {
      const admin = await createStaff(a, { role: 'admin', org: 'cache-process' });
      const clerk = await createStaff(a, { role: 'clerk', org: 'cache-process' });
      const onA = await signedIn(a, clerk);
      const get = () => fetch(`${server.url}/api/account/factors`, { headers: { cookie: onA.cookie! } });
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 200, 'cached in the other process now');
      const adminClient = await signedIn(a, admin);
      await reauthenticate(a, adminClient, admin);
      assert.equal(
        (await adminClient.patch(`/api/admin/accounts/${clerk.id}`, { status: 'disabled' })).status,
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await get()).status, 401);
    } finally {
      await server.stop();
      await a.close();
    }
  });
});
