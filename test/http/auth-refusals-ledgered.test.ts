import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { buildApp } from '../../src/http/app.ts';
import type { HttpApp } from '../../src/http/http-app.ts';
import { createAccount } from '../../src/identity/accounts.ts';
import type { AuditEvent } from '../../src/ledger/events.ts';
import { Client, type Reply } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import {
  createStaff,
  GOOD_PASSWORD,
  nextTotp,
  organisation,
  type StaffMember,
  signedIn,
} from '../support/staff.ts';

/**
 * AUD-1: every authentication refusal — of the access hook and of the sign-in, second-factor, enrolment,
 * re-authentication, passkey and set-up flows — is a deny event in the ledger, found by the request id the
 * caller was given, with the account when one is known and no personal value (no e-mail, no address).
 */

type Expected = { action: string; reason: string; actor: 'anonymous' | StaffMember };

for (const kind of testDatabaseKinds()) {
  describe(`authentication refusals are in the ledger (${kind})`, () => {
    let t: TestHaven;
    /** A second app on the same Haven with a probe route that needs a passkey (no shipped route does yet). */
    let probe: HttpApp;

    const ledger = async (): Promise<AuditEvent[]> => {
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event order by seq');
      return rows.map((r) => JSON.parse(r.body.toString('utf8')) as AuditEvent);
    };
    const rawLedger = async (): Promise<string> => {
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event');
      return rows.map((r) => r.body.toString('utf8')).join('\n');
    };

    /** The refusal's deny event, found by the request id of the reply. */
    async function assertLedgered(reply: Reply, expected: Expected): Promise<AuditEvent> {
      assert.ok(reply.status >= 400, `expected a refusal, got ${reply.status} ${reply.text}`);
      const requestId = String(reply.body.requestId);
      const mine = (await ledger()).filter((e) => e.requestId === requestId && e.decision === 'deny');
      assert.equal(mine.length, 1, `one deny event for ${reply.body.code}: ${JSON.stringify(mine)}`);
      const event = mine[0]!;
      assert.equal(event.action, expected.action);
      assert.equal(event.reason, expected.reason);
      if (expected.actor === 'anonymous') {
        assert.deepEqual(event.actor, { kind: 'anonymous' });
        assert.equal(event.subject, undefined);
      } else {
        assert.equal(event.actor.account, expected.actor.id);
        assert.equal(event.actor.kind, 'staff');
      }
      return event;
    }

    before(async () => {
      t = await startTestHaven(kind, { HAVEN_SESSION_CACHE_SECONDS: '0' });
      probe = await buildApp(t.haven);
      probe.get(
        '/api/probe/passkey',
        { config: { access: { kind: 'staff', passkey: true } } },
        async () => ({}),
      );
      await probe.ready();
    });
    after(async () => {
      await probe.close();
      await t.close();
    });
    // Each case starts with no open window, so its refusal is written at once, not counted with an earlier one.
    beforeEach(() => t.haven.refusals.flush());

    test('a wrong password: auth.sign-in / wrong-password, the account as actor', async () => {
      const staff = await createStaff(t);
      const reply = await new Client(t.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: 'not the password at all',
      });
      await assertLedgered(reply, { action: 'auth.sign-in', reason: 'wrong-password', actor: staff });
    });

    test('an unknown account: auth.sign-in / unknown-account, anonymous, without the e-mail typed', async () => {
      const reply = await new Client(t.app).post('/api/auth/sign-in', {
        email: 'typed.by.someone@example.org',
        password: 'whatever it is 123',
      });
      await assertLedgered(reply, { action: 'auth.sign-in', reason: 'unknown-account', actor: 'anonymous' });
      const raw = await rawLedger();
      assert.ok(!raw.includes('typed.by.someone'), 'the e-mail typed is not in the ledger');
      assert.ok(!raw.includes('127.0.0.1'), 'the address is not in the ledger');
    });

    test('a malformed sign-in body: auth.sign-in / invalid-request', async () => {
      const reply = await new Client(t.app).post('/api/auth/sign-in', { email: 'x@example.org' });
      assert.equal(reply.status, 400);
      await assertLedgered(reply, { action: 'auth.sign-in', reason: 'invalid-request', actor: 'anonymous' });
    });

    test('a missing or wrong enrolment code: auth.sign-in / enrolment-code-required, -invalid', async () => {
      const org = await organisation(t, 'field-office');
      const created = await createAccount(
        t.haven.identity,
        t.haven.db,
        { organisationId: org, email: 'enrolling@example.org', role: 'clerk', password: GOOD_PASSWORD },
        { kind: 'system' },
      );
      const who = { id: created.account.id } as StaffMember;
      const body = { email: 'enrolling@example.org', password: GOOD_PASSWORD };
      const missing = await new Client(t.app).post('/api/auth/sign-in', body);
      await assertLedgered(missing, {
        action: 'auth.sign-in',
        reason: 'enrolment-code-required',
        actor: who,
      });
      const wrong = await new Client(t.app).post('/api/auth/sign-in', {
        ...body,
        enrolmentCode: 'aaaa-bbbb',
      });
      await assertLedgered(wrong, { action: 'auth.sign-in', reason: 'enrolment-code-invalid', actor: who });
      // Signed in with its code but no factor yet: every staff route asks for enrolment first.
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { ...body, enrolmentCode: created.enrolmentCode });
      const staffRoute = await client.get('/api/account/factors');
      assert.equal(staffRoute.body.code, 'enrolment-required');
      await assertLedgered(staffRoute, { action: 'auth.request', reason: 'enrolment-required', actor: who });
      const confirm = await client.post('/api/account/totp/confirm', { code: '000000' });
      assert.equal(confirm.body.code, 'totp-enrolment-not-started');
      await assertLedgered(confirm, {
        action: 'auth.factor-enrol',
        reason: 'totp-enrolment-not-started',
        actor: who,
      });
    });

    test('a wrong, replayed TOTP code and a wrong recovery code: auth.second-factor', async () => {
      const staff = await createStaff(t);
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const wrong = await client.post('/api/auth/second-factor', { method: 'totp', code: '000000' });
      assert.equal(wrong.body.code, 'second-factor-invalid');
      await assertLedgered(wrong, { action: 'auth.second-factor', reason: 'totp-wrong-code', actor: staff });
      const recovery = await client.post('/api/auth/second-factor', {
        method: 'recovery-code',
        code: 'zzzz-zzzz-zzzz',
      });
      await assertLedgered(recovery, {
        action: 'auth.second-factor',
        reason: 'recovery-code-wrong-code',
        actor: staff,
      });
      const code = nextTotp(t, staff);
      const other = new Client(t.app);
      await other.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      assert.equal((await client.post('/api/auth/second-factor', { method: 'totp', code })).status, 200);
      const replayed = await other.post('/api/auth/second-factor', { method: 'totp', code });
      assert.equal(replayed.body.code, 'second-factor-replayed');
      await assertLedgered(replayed, {
        action: 'auth.second-factor',
        reason: 'totp-replayed-code',
        actor: staff,
      });
      const again = await client.post('/api/auth/second-factor', { method: 'totp', code: '123456' });
      assert.equal(again.body.code, 'already-signed-in');
      await assertLedgered(again, {
        action: 'auth.second-factor',
        reason: 'already-signed-in',
        actor: staff,
      });
    });

    test('a passkey assertion without a challenge: auth.second-factor / passkey-no-challenge', async () => {
      const staff = await createStaff(t);
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const reply = await client.post('/api/auth/passkey', { response: { id: 'not-a-credential' } });
      assert.equal(reply.status, 401);
      await assertLedgered(reply, {
        action: 'auth.second-factor',
        reason: 'passkey-no-challenge',
        actor: staff,
      });
      const options = await client.post('/api/auth/passkey/options');
      assert.equal(options.body.code, 'second-factor-not-enrolled');
      await assertLedgered(options, {
        action: 'auth.passkey',
        reason: 'second-factor-not-enrolled',
        actor: staff,
      });
    });

    test('a wrong password at re-authentication: auth.reauthenticate / wrong-password', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      const reply = await client.post('/api/auth/reauthenticate', {
        password: 'not my password 987',
        method: 'totp',
        code: '000000',
      });
      assert.equal(reply.status, 401);
      await assertLedgered(reply, { action: 'auth.reauthenticate', reason: 'wrong-password', actor: staff });
    });

    test('a wrong set-up code: setup.complete / setup-code-invalid, anonymous', async () => {
      const reply = await new Client(t.app).post('/api/setup', {
        code: 'WRONG-CODE',
        organisation: { slug: 'new-org', name: 'New org' },
        email: 'first.admin@example.org',
        password: GOOD_PASSWORD,
      });
      assert.equal(reply.body.code, 'setup-code-invalid');
      await assertLedgered(reply, {
        action: 'setup.complete',
        reason: 'setup-code-invalid',
        actor: 'anonymous',
      });
      assert.ok(!(await rawLedger()).includes('first.admin'));
    });

    test('CSRF token missing or wrong: auth.request / csrf-token-missing, csrf-token-invalid', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      const missing = await client.post('/api/account/recovery-codes', {}, { csrf: false });
      assert.equal(missing.body.code, 'csrf-token-missing');
      await assertLedgered(missing, { action: 'auth.request', reason: 'csrf-token-missing', actor: staff });
      const wrong = await client.post(
        '/api/account/recovery-codes',
        {},
        { csrf: false, headers: { 'x-csrf-token': 'forged-token' } },
      );
      assert.equal(wrong.body.code, 'csrf-token-invalid');
      await assertLedgered(wrong, { action: 'auth.request', reason: 'csrf-token-invalid', actor: staff });
    });

    test('a foreign Origin: auth.request / cross-origin-refused', async () => {
      const reply = await new Client(t.app).post(
        '/api/auth/sign-in',
        { email: 'a@example.org', password: 'whatever it is 123' },
        { headers: { origin: 'https://evil.example' } },
      );
      assert.equal(reply.body.code, 'cross-origin-refused');
      await assertLedgered(reply, {
        action: 'auth.request',
        reason: 'cross-origin-refused',
        actor: 'anonymous',
      });
      assert.ok(!(await rawLedger()).includes('evil.example'));
    });

    test('no session, a forged cookie: auth.request / not-signed-in, auth.session / session-unknown', async () => {
      const none = await new Client(t.app).get('/api/account/factors');
      await assertLedgered(none, { action: 'auth.request', reason: 'not-signed-in', actor: 'anonymous' });
      const forger = new Client(t.app);
      forger.cookie = 'haven_session=forged-token-never-issued';
      const forged = await forger.get('/api/account/factors');
      assert.equal(forged.body.code, 'session-expired');
      await assertLedgered(forged, { action: 'auth.session', reason: 'session-unknown', actor: 'anonymous' });
      // On a public route the request goes on without the session, and the forged cookie is still on record
      // (in a fresh window: within the same one, a second forged cookie from this address is only counted).
      await t.haven.refusals.flush();
      forger.cookie = 'haven_session=another-forged-token';
      const publicRoute = await t.app.inject({
        method: 'GET',
        url: '/api/auth/session',
        headers: { cookie: forger.cookie },
      });
      assert.equal(publicRoute.statusCode, 200);
      const requestId = String(publicRoute.headers['x-request-id']);
      const onRecord = (await ledger()).filter((e) => e.requestId === requestId);
      assert.deepEqual(
        onRecord.map((e) => `${e.action}:${e.decision}:${e.reason}`),
        ['auth.session:deny:session-unknown'],
      );
    });

    test('an idle, an over-age session and a disabled account: auth.session with the account', async () => {
      for (const [column, age, reason] of [
        ['last_seen_at', '31 minutes', 'session-idle'],
        ['created_at', '13 hours', 'session-absolute'],
      ] as const) {
        const staff = await createStaff(t);
        const client = await signedIn(t, staff);
        await t.haven.db.query(
          `update staff_session set ${column} = now() - interval '${age}' where account_id = $1`,
          [staff.id],
        );
        const reply = await client.get('/api/account/factors');
        assert.equal(reply.body.code, 'session-expired');
        await assertLedgered(reply, { action: 'auth.session', reason, actor: staff });
      }
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      // Disabled behind Haven's back (its sessions left in place), so the cookie meets a disabled account.
      await t.haven.db.query(
        "update staff_account set status = 'disabled', disabled_reason = 'administrator', disabled_at = now() where id = $1",
        [staff.id],
      );
      const reply = await client.get('/api/account/factors');
      assert.equal(reply.body.code, 'account-disabled');
      await assertLedgered(reply, { action: 'auth.session', reason: 'account-disabled', actor: staff });
    });

    test('a pending session on a staff route: auth.request / second-factor-required', async () => {
      const staff = await createStaff(t, { role: 'admin' });
      const client = new Client(t.app);
      await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const reply = await client.get('/api/admin/accounts');
      assert.equal(reply.body.code, 'second-factor-required');
      await assertLedgered(reply, { action: 'auth.request', reason: 'second-factor-required', actor: staff });
    });

    test('a role refused: auth.request / forbidden', async () => {
      const staff = await createStaff(t, { role: 'caseworker' });
      const reply = await (await signedIn(t, staff)).get('/api/admin/accounts');
      assert.equal(reply.status, 403);
      await assertLedgered(reply, { action: 'auth.request', reason: 'forbidden', actor: staff });
    });

    test('a stale re-authentication: auth.request / reauthentication-required', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      await t.haven.db.query(
        "update staff_session set reauthenticated_at = now() - interval '1 hour' where account_id = $1",
        [staff.id],
      );
      const route = await client.post('/api/account/recovery-codes');
      assert.equal(route.body.code, 'reauthentication-required');
      await assertLedgered(route, {
        action: 'auth.request',
        reason: 'reauthentication-required',
        actor: staff,
      });
      // The enrolment routes check it themselves; that refusal is on record too.
      const enrol = await client.post('/api/account/passkeys/options');
      assert.equal(enrol.body.code, 'reauthentication-required');
      await assertLedgered(enrol, {
        action: 'auth.factor-enrol',
        reason: 'reauthentication-required',
        actor: staff,
      });
    });

    test('a TOTP session on a passkey route: auth.request / passkey-required', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      const reply = await probe.inject({
        method: 'GET',
        url: '/api/probe/passkey',
        headers: { cookie: client.cookie! },
      });
      assert.equal(reply.statusCode, 403);
      const body = reply.json() as Record<string, unknown>;
      assert.equal(body.code, 'passkey-required');
      await assertLedgered(
        { status: 403, body, headers: reply.headers, text: reply.body },
        {
          action: 'auth.request',
          reason: 'passkey-required',
          actor: staff,
        },
      );
    });

    test('an unregistered witness token: auth.request / witness-token-invalid', async () => {
      const reply = await new Client(t.app).get('/api/ledger/checkpoints/1', {
        headers: { authorization: 'Bearer not-a-registered-token' },
      });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'witness-token-invalid');
      await assertLedgered(reply, {
        action: 'auth.request',
        reason: 'witness-token-invalid',
        actor: 'anonymous',
      });
      assert.ok(!(await rawLedger()).includes('not-a-registered-token'));
    });

    test('signing out is an allow event: auth.sign-out', async () => {
      const staff = await createStaff(t);
      const client = await signedIn(t, staff);
      const reply = await client.post('/api/auth/sign-out');
      assert.equal(reply.status, 204);
      const requestId = String(reply.headers['x-request-id']);
      const mine = (await ledger()).filter((e) => e.requestId === requestId);
      assert.deepEqual(
        mine.map((e) => `${e.action}:${e.decision}:${e.reason}:${e.actor.account}`),
        [`auth.sign-out:allow:ok:${staff.id}`],
      );
    });
  });
}
