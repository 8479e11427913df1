import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from 'otpauth';
import { createAccount } from '../../src/identity/accounts.ts';
import { issueSetupCode } from '../../src/identity/setup.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { SoftAuthenticator } from '../support/authenticator.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import {
  createStaff,
  GOOD_PASSWORD,
  nextTotp,
  organisation,
  reauthenticate,
  signedIn,
} from '../support/staff.ts';

for (const kind of testDatabaseKinds()) {
  describe(`first-admin set-up (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind);
    });
    after(() => t.close());

    test('the set-up code creates the first admin once, who must then enrol a second factor', async () => {
      const code = await issueSetupCode(t.haven.identity, t.haven.db, 60);
      assert.ok(code);
      assert.deepEqual((await new Client(t.app).get('/api/setup')).body, { needed: true });
      const wrong = await new Client(t.app).post('/api/setup', {
        code: 'AAAA-BBBB-CCCC',
        organisation: { slug: 'relief', name: 'Relief Org' },
        email: 'first@relief.example',
        password: GOOD_PASSWORD,
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'setup-code-invalid');

      const admin = new Client(t.app);
      const done = await admin.post('/api/setup', {
        code,
        organisation: { slug: 'relief', name: 'Relief Org' },
        email: 'first@relief.example',
        password: GOOD_PASSWORD,
      });
      assert.equal(done.status, 201);
      assert.equal(done.body.next, 'enrol');
      // Not yet usable: no second factor.
      const early = await admin.get('/api/admin/accounts');
      assert.equal(early.body.code, 'enrolment-required');
      const enrol = await admin.post<{ uri: string }>('/api/account/totp/enrolment');
      assert.equal(enrol.status, 200);
      assert.match(enrol.body.uri, /^otpauth:\/\/totp\//);
      const secret = Secret.fromBase32(new URL(enrol.body.uri).searchParams.get('secret')!);
      t.advanceClock(30_000);
      const confirmed = await admin.post<{ recoveryCodes: string[] }>('/api/account/totp/confirm', {
        code: totpCode(Buffer.from(secret.bytes), t.haven.identity.now()),
      });
      assert.equal(confirmed.status, 200);
      assert.equal(confirmed.body.recoveryCodes.length, 10);
      assert.equal((await admin.get('/api/admin/accounts')).status, 200);

      const reuse = await new Client(t.app).post('/api/setup', {
        code,
        organisation: { slug: 'other', name: 'Other' },
        email: 'second@relief.example',
        password: GOOD_PASSWORD,
      });
      assert.equal(reuse.status, 401, 'the code works once');
      assert.deepEqual((await new Client(t.app).get('/api/setup')).body, { needed: false });
      assert.equal(
        await issueSetupCode(t.haven.identity, t.haven.db, 60),
        null,
        'no new code once an account exists',
      );
    });
  });

  describe(`accounts without a second factor (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      t = await startTestHaven(kind);
    });
    after(() => t.close());

    test('first sign-in needs the enrolment code; the password alone cannot enrol a factor', async () => {
      const org = await organisation(t, 'field-office');
      const created = await createAccount(
        t.haven.identity,
        t.haven.db,
        { organisationId: org, email: 'new.clerk@example.org', role: 'clerk', password: GOOD_PASSWORD },
        { kind: 'system' },
      );
      assert.ok(created.enrolmentCode);
      const noCode = await new Client(t.app).post('/api/auth/sign-in', {
        email: 'new.clerk@example.org',
        password: GOOD_PASSWORD,
      });
      assert.equal(noCode.status, 401);
      assert.equal(noCode.body.code, 'enrolment-code-required');
      const wrongCode = await new Client(t.app).post('/api/auth/sign-in', {
        email: 'new.clerk@example.org',
        password: GOOD_PASSWORD,
        enrolmentCode: 'aaaa-bbbb-cccc',
      });
      assert.equal(wrongCode.body.code, 'enrolment-code-invalid');
      const client = new Client(t.app);
      const ok = await client.post('/api/auth/sign-in', {
        email: 'new.clerk@example.org',
        password: GOOD_PASSWORD,
        enrolmentCode: created.enrolmentCode,
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.next, 'enrol');
      assert.equal((await client.post('/api/account/totp/enrolment')).status, 200);
    });

    test('a passkey can be registered and then used as the (stronger) second factor', async () => {
      const staff = await createStaff(t, { role: 'caseworker', org: 'field-office' });
      const client = await signedIn(t, staff);
      const device = new SoftAuthenticator('http://localhost:8080');
      // Signing in counts as a fresh proof for a few minutes; after that, adding a factor needs a new one.
      await t.haven.db.query(
        "update staff_session set reauthenticated_at = now() - interval '1 hour' where account_id = $1",
        [staff.id],
      );
      const refused = await client.post('/api/account/passkeys/options');
      assert.equal(refused.body.code, 'reauthentication-required');
      await reauthenticate(t, client, staff);
      const options = await client.post<{ challenge: string }>('/api/account/passkeys/options');
      assert.equal(options.status, 200);
      const registered = await client.post('/api/account/passkeys', {
        response: device.register(options.body),
        label: 'laptop',
      });
      assert.equal(registered.status, 201, registered.text);

      const next = new Client(t.app);
      const first = await next.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      assert.deepEqual(first.body.factors, ['passkey', 'totp', 'recovery-code']);
      const authOptions = await next.post<{ challenge: string }>('/api/auth/passkey/options');
      const done = await next.post('/api/auth/passkey', { response: device.assert(authOptions.body) });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.assurance, 3);
      assert.equal((await next.get('/api/account/factors')).status, 200);
    });

    test('a passkey assertion made for another site (phishing) is refused', async () => {
      const staff = await createStaff(t, { org: 'field-office' });
      const client = await signedIn(t, staff);
      await reauthenticate(t, client, staff);
      const device = new SoftAuthenticator('http://localhost:8080');
      const options = await client.post<{ challenge: string }>('/api/account/passkeys/options');
      await client.post('/api/account/passkeys', { response: device.register(options.body) });
      const victim = new Client(t.app);
      await victim.post('/api/auth/sign-in', { email: staff.email, password: staff.password });
      const authOptions = await victim.post<{ challenge: string }>('/api/auth/passkey/options');
      const phished = await victim.post('/api/auth/passkey', {
        response: device.assert(authOptions.body, 'https://haven-login.example'),
      });
      assert.equal(phished.status, 401);
      assert.equal(phished.body.code, 'passkey-invalid');
      assert.equal((await victim.get('/api/account/factors')).status, 401);
    });

    test('an admin resets a lost second factor: old sessions end and a new enrolment code is issued', async () => {
      const admin = await createStaff(t, { role: 'admin', org: 'field-office' });
      const staff = await createStaff(t, { org: 'field-office' });
      const staffClient = await signedIn(t, staff);
      const adminClient = await signedIn(t, admin);
      await reauthenticate(t, adminClient, admin);
      const reset = await adminClient.post<{ enrolmentCode: string }>(
        `/api/admin/accounts/${staff.id}/reset-factors`,
      );
      assert.equal(reset.status, 200);
      assert.equal((await staffClient.get('/api/account/factors')).status, 401);
      const code = nextTotp(t, staff);
      const fresh = new Client(t.app);
      const signIn = await fresh.post('/api/auth/sign-in', {
        email: staff.email,
        password: staff.password,
        enrolmentCode: reset.body.enrolmentCode,
      });
      assert.equal(signIn.body.next, 'enrol');
      assert.equal(
        (await fresh.post('/api/auth/second-factor', { method: 'totp', code })).body.code,
        'second-factor-not-enrolled',
      );
    });
  });
}
