import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { totpCode } from '../../src/identity/totp.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, nextTotp, reauthenticate, signedIn } from '../support/staff.ts';

for (const kind of testDatabaseKinds()) {
  describe(`sign-in with a second factor (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind);
    });
    after(() => t.close());

    test('password + TOTP opens a session that reaches protected endpoints', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = new Client(t.app);
      const first = await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      assert.equal(first.status, 200);
      assert.equal(first.body.next, 'second-factor');
      assert.deepEqual(first.body.factors, ['totp', 'recovery-code']);
      const second = await client.post('/api/auth/second-factor', {
        method: 'totp',
        code: nextTotp(t, staff),
      });
      assert.equal(second.status, 200);
      assert.equal(second.body.assurance, 2);
      const accounts = await client.get('/api/admin/accounts');
      assert.equal(accounts.status, 200);
    });

    test('without the second factor no protected endpoint is reachable', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      for (const url of ['/api/admin/accounts', '/api/account/factors']) {
        const reply = await client.get(url);
        assert.equal(reply.status, 401, url);
        assert.equal(reply.body.code, 'second-factor-required');
        assert.equal(reply.body.reason, 'second-factor');
      }
      const session = await client.get('/api/auth/session');
      assert.equal(session.body.assurance, 1);
      assert.equal(session.body.next, 'second-factor');
    });

    test('no session at all is refused with not-signed-in', async () => {
      const reply = await new Client(t.app).get('/api/admin/accounts');
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'not-signed-in');
      assert.ok(typeof reply.body.requestId === 'string');
    });

    test('a wrong password is refused the same way as an unknown email', async () => {
      const staff = await createStaff(t);
      const wrong = await new Client(t.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: 'not the password at all',
      });
      const unknown = await new Client(t.app).post('/api/auth/sign-in', {
        email: 'nobody@example.org',
        password: 'whatever it is 123',
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.code, 'invalid-credentials');
      assert.equal(wrong.body.message, unknown.body.message);
      assert.equal(wrong.headers['set-cookie'], undefined);
    });

    test('a wrong TOTP code is refused and the session stays pending', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const wrong = await client.post('/api/auth/second-factor', { method: 'totp', code: '000000' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'second-factor-invalid');
      assert.equal((await client.get('/api/admin/accounts')).status, 401);
    });

    test('a TOTP code works once: replaying it is refused', async () => {
      const staff = await createStaff(t);
      const code = nextTotp(t, staff);
      const first = new Client(t.app);
      await first.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      assert.equal((await first.post('/api/auth/second-factor', { method: 'totp', code })).status, 200);
      const replay = new Client(t.app);
      await replay.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const reply = await replay.post('/api/auth/second-factor', { method: 'totp', code });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'second-factor-replayed');
    });

    test('a recovery code completes sign-in once', async () => {
      const staff = await createStaff(t);
      const code = staff.recoveryCodes[0]!;
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      assert.equal(
        (await client.post('/api/auth/second-factor', { method: 'recovery-code', code })).status,
        200,
      );
      const again = new Client(t.app);
      await again.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const reply = await again.post('/api/auth/second-factor', { method: 'recovery-code', code });
      assert.equal(reply.status, 401);
    });

    test('the session token changes when the second factor is proven (no fixation)', async () => {
      const staff = await createStaff(t);
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const before = client.cookie;
      await client.post('/api/auth/second-factor', { method: 'totp', code: nextTotp(t, staff) });
      assert.notEqual(client.cookie, before);
      const stale = new Client(t.app);
      stale.cookie = before;
      assert.equal((await stale.get('/api/account/factors')).status, 401);
    });

    test('state-changing requests without the CSRF token are refused', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = await signedIn(t, staff);
      const missing = await client.post('/api/auth/sign-out', {}, { csrf: false });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.code, 'csrf-token-missing');
      assert.equal(missing.body.reason, 'csrf');
      const wrong = await client.post(
        '/api/auth/sign-out',
        {},
        { csrf: false, headers: { 'x-csrf-token': 'forged' } },
      );
      assert.equal(wrong.body.code, 'csrf-token-invalid');
      assert.equal(
        (await client.get('/api/account/factors')).status,
        200,
        'session survives the refused requests',
      );
    });

    test('a request from another site is refused', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = await signedIn(t, staff);
      const reply = await client.post(
        '/api/auth/sign-out',
        {},
        { headers: { origin: 'https://evil.example' } },
      );
      assert.equal(reply.status, 403);
      assert.equal(reply.body.code, 'cross-origin-refused');
    });

    test('an idle session expires after the idle timeout', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      await t.haven.db.query(
        "update staff_session set last_seen_at = now() - interval '31 minutes' where account_id = $1",
        [staff.id],
      );
      const reply = await client.get('/api/account/factors');
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'session-expired');
      assert.equal(
        (await client.get('/api/account/factors')).body.code,
        'not-signed-in',
        'the cookie was cleared',
      );
    });

    test('an active session still ends at its absolute lifetime', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      await t.haven.db.query(
        "update staff_session set created_at = now() - interval '12 hours 1 minute', last_seen_at = now() where account_id = $1",
        [staff.id],
      );
      const reply = await client.get('/api/account/factors');
      assert.equal(reply.body.code, 'session-expired');
    });

    test('signing out ends the session', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      const cookie = client.cookie;
      assert.equal((await client.post('/api/auth/sign-out')).status, 204);
      const replayed = new Client(t.app);
      replayed.cookie = cookie;
      assert.equal((await replayed.get('/api/account/factors')).status, 401);
    });

    test('disabling an account ends its sessions at once and refuses new sign-ins', async () => {
      const admin = await createStaff(t, { role: 'admin' });
      const clerk = await createStaff(t, { role: 'clerk' });
      const clerkClient = await signedIn(t, clerk);
      const adminClient = await signedIn(t, admin);
      await reauthenticate(t, adminClient, admin);
      const disabled = await adminClient.patch(`/api/admin/accounts/${clerk.id}`, { status: 'disabled' });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.status, 'disabled');
      assert.equal((await clerkClient.get('/api/account/factors')).status, 401);
      const again = await new Client(t.app).post('/api/auth/sign-in', {
        email: clerk.email,
        password: clerk.password,
      });
      assert.equal(again.status, 403);
      assert.equal(again.body.code, 'account-disabled');
    });

    test('sensitive admin actions need a recent re-authentication', async () => {
      const admin = await createStaff(t, { role: 'admin' });
      const clerk = await createStaff(t, { role: 'clerk' });
      const client = await signedIn(t, admin);
      await t.haven.db.query(
        "update staff_session set reauthenticated_at = now() - interval '6 minutes' where account_id = $1",
        [admin.id],
      );
      const refused = await client.patch(`/api/admin/accounts/${clerk.id}`, { tier: 2 });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'reauthentication-required');
      const badReauth = await client.post('/api/auth/reauthenticate', {
        password: 'wrong password here',
        method: 'totp',
        code: '123456',
      });
      assert.equal(badReauth.status, 401);
      await reauthenticate(t, client, admin);
      assert.equal((await client.patch(`/api/admin/accounts/${clerk.id}`, { tier: 2 })).status, 200);
    });

    test('roles are enforced: a clerk cannot administer accounts', async () => {
      const clerk = await createStaff(t, { role: 'clerk' });
      const client = await signedIn(t, clerk);
      const reply = await client.get('/api/admin/accounts');
      assert.equal(reply.status, 403);
      assert.equal(reply.body.code, 'forbidden');
      assert.equal(reply.body.reason, 'role');
    });

    test('an admin cannot see or change another organisation’s accounts', async () => {
      const admin = await createStaff(t, { role: 'admin', org: 'org-a' });
      const other = await createStaff(t, { role: 'clerk', org: 'org-b' });
      const client = await signedIn(t, admin);
      await reauthenticate(t, client, admin);
      assert.equal((await client.get(`/api/admin/accounts/${other.id}`)).status, 404);
      assert.equal(
        (await client.patch(`/api/admin/accounts/${other.id}`, { status: 'disabled' })).status,
        404,
      );
      const list = await client.get<{ accounts: { id: string }[] }>('/api/admin/accounts');
      assert.ok(!list.body.accounts.some((a) => a.id === other.id));
    });

    test('every sign-in event is recorded as an audit event without personal values', async () => {
      const staff = await createStaff(t);
      await new Client(t.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: 'wrong password 123',
      });
      await signedIn(t, staff);
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event order by seq');
      const events = rows.map((r) => JSON.parse(r.body.toString('utf8')));
      const mine = events.filter((e) => e.subject === staff.id);
      const summary = mine.map((e) => `${e.action}:${e.decision}:${e.reason}`);
      assert.ok(summary.includes('auth.sign-in:deny:wrong-password'), summary.join());
      assert.ok(summary.includes('auth.sign-in:allow:password-ok'));
      assert.ok(summary.includes('auth.second-factor:allow:totp'));
      const all = rows.map((r) => r.body.toString('utf8')).join('\n');
      assert.ok(!all.includes(staff.email), 'emails never enter audit events');
      assert.ok(!all.includes(staff.password));
    });
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`brute-force limits (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind, { HAVEN_LOCKOUT_THRESHOLD: '8' });
    });
    after(() => t.close());

    test('failures are throttled per account, lock it at the threshold, and an admin unlocks it', async () => {
      const staff = await createStaff(t, { org: 'lockout' });
      const admin = await createStaff(t, { role: 'admin', org: 'lockout' });
      const attempt = (password: string) =>
        new Client(t.app).post('/api/auth/sign-in', { email: staff.email, password });
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        // Step past the per-account delay so every attempt is a real guess.
        await t.haven.db.query(
          "update staff_account set last_failed_at = now() - interval '1 hour' where id = $1",
          [staff.id],
        );
        codes.push(String((await attempt(`wrong guess number ${i}`)).body.code));
      }
      assert.deepEqual(codes, Array(8).fill('invalid-credentials'));
      const locked = await attempt(staff.password);
      assert.equal(locked.status, 423);
      assert.equal(locked.body.code, 'account-locked');
      const adminClient = await signedIn(t, admin);
      const unlocked = await adminClient.post(`/api/admin/accounts/${staff.id}/unlock`);
      assert.equal(unlocked.status, 200);
      assert.equal(unlocked.body.locked, false);
      assert.equal((await attempt(staff.password)).status, 200);
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event');
      assert.ok(rows.some((r) => r.body.toString().includes('"auth.lockout"')));
    });

    test('after a few failures the account must wait before the next attempt', async () => {
      const staff = await createStaff(t, { org: 'lockout' });
      for (let i = 0; i < 5; i++) {
        await t.haven.db.query(
          "update staff_account set last_failed_at = now() - interval '1 hour' where id = $1",
          [staff.id],
        );
        await new Client(t.app).post('/api/auth/sign-in', {
          email: staff.email,
          password: 'wrong guess again',
        });
      }
      const reply = await new Client(t.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: staff.password,
      });
      assert.equal(reply.status, 429);
      assert.equal(reply.body.code, 'sign-in-throttled');
      assert.ok(Number(reply.headers['retry-after']) >= 1);
    });
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`address throttling (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind, { HAVEN_ADDRESS_FAILURE_LIMIT: '5' });
    });
    after(() => t.close());

    test('one address that keeps failing is refused, even for the right password', async () => {
      const staff = await createStaff(t);
      for (let i = 0; i < 5; i++) {
        await new Client(t.app).post('/api/auth/sign-in', {
          email: `guess${i}@example.org`,
          password: 'guessing password',
        });
      }
      const reply = await new Client(t.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: staff.password,
      });
      assert.equal(reply.status, 429);
      assert.equal(reply.body.code, 'too-many-attempts');
    });
  });
}

describe('TOTP codes from the test clock', () => {
  test('the helper codes match the server clock', () => {
    const secret = Buffer.alloc(20, 7);
    assert.equal(totpCode(secret, 0), totpCode(secret, 29_999));
    assert.notEqual(totpCode(secret, 0), totpCode(secret, 30_000));
  });
});
