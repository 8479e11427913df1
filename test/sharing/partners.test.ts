import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { generatePartnerKeys, tokenFor } from '../../docs/partner-client/haven-partner-client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { reauthenticate } from '../support/staff.ts';
import {
  addKey,
  assertionFor,
  injectFetch,
  partnerToken,
  registerPartner,
  requestToken,
  type TestPartner,
  tokenEndpoint,
  whoami,
} from './partner-support.ts';

/** Partners, their keys and the token endpoint (issue 17 item 1; RFC 6749 §4.4, RFC 7523). */
for (const kind of testDatabaseKinds()) {
  describe(`partners and their tokens (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let ngo: TestPartner;

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      ngo = await registerPartner(t, a.admin, { name: 'Helping Hands' });
    });
    after(() => t.close());

    test('administrators and the DPO register partners; an authority names the state it acts for', async () => {
      const byClerk = await a.clerk.client.post('/api/partners', {
        name: 'X',
        jurisdiction: 'JOR',
        kind: 'ngo',
      });
      assert.equal(byClerk.status, 403);
      const noState = await a.dpo.client.post('/api/partners', {
        name: 'Ministry of Interior',
        jurisdiction: 'JOR',
        kind: 'host-state-authority',
      });
      assert.equal(noState.status, 422, noState.text);
      assert.equal(noState.body.code, 'partner-invalid');
      const ministry = await a.dpo.client.post('/api/partners', {
        name: 'Ministry of Interior',
        jurisdiction: 'JOR',
        kind: 'host-state-authority',
        actsForCountry: 'JOR',
        webhookUrl: 'https://moi.example/haven',
      });
      assert.equal(ministry.status, 201, ministry.text);
      assert.equal(ministry.body.actsForCountry, 'JOR');
      const http = await a.admin.client.post('/api/partners', {
        name: 'Plain',
        jurisdiction: 'JOR',
        kind: 'ngo',
        webhookUrl: 'http://plain.example/hook',
      });
      assert.equal(http.status, 422);
      // Another organisation does not see them.
      const other = await b.admin.client.get(`/api/partners/${ngo.id}`);
      assert.equal(other.status, 404);
      assert.equal(other.body.code, 'partner-not-found');
      const list = await a.supervisor.client.get<{ partners: { name: string }[] }>('/api/partners');
      assert.ok(list.body.partners.some((p) => p.name === 'Helping Hands'));
    });

    test('only public keys are accepted', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const privateJwk = await exportJWK(privateKey);
      await reauthenticate(t, a.admin.client, a.admin.staff);
      const refused = await a.admin.client.post(`/api/partners/${ngo.id}/keys`, {
        use: 'sig',
        jwk: privateJwk,
      });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.code, 'partner-key-private');
      const symmetric = await a.admin.client.post(`/api/partners/${ngo.id}/keys`, {
        use: 'sig',
        jwk: { kty: 'oct', k: 'c2VjcmV0' },
      });
      assert.equal(symmetric.status, 422);
      const later = await a.admin.client.post(`/api/partners/${ngo.id}/keys`, {
        use: 'sig',
        jwk: (await generatePartnerKeys()).publicJwk,
      });
      assert.equal(later.status, 201, 'a public key, freshly re-authenticated');
    });

    test('a valid assertion gives a 5-minute token bound to the partner; whoami says which', async () => {
      const reply = await requestToken(t, await assertionFor(t, ngo));
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.token_type, 'Bearer');
      assert.equal(Number(reply.body.expires_in), 300);
      assert.equal(reply.headers['cache-control'], 'no-store');
      const me = await whoami(t, reply.body.access_token!);
      assert.equal(me.status, 200);
      assert.equal(me.body.partnerId, ngo.id);
      assert.equal(me.body.organisationId, a.admin.staff.organisationId);
      assert.equal(me.body.kind, 'ngo');
      // The partner-side client does the same through fetch.
      const viaClient = await tokenFor({
        havenUrl: t.haven.config.origin,
        partnerId: ngo.id,
        privateKey: ngo.keys.privateKey,
        kid: ngo.keys.kid,
        fetch: injectFetch(t.app),
      });
      assert.equal(viaClient.expiresIn, 300);
      assert.equal((await whoami(t, viaClient.accessToken)).status, 200);
    });

    test('forged, misaddressed, expired, long-lived, replayed, unknown-key assertions are refused with codes', async () => {
      const refusedWith = async (assertion: string, code: string, error = 'invalid_client') => {
        const reply = await requestToken(t, assertion);
        assert.equal(reply.body.code, code, JSON.stringify(reply.body));
        assert.equal(reply.body.error, error);
        assert.equal(reply.status, error === 'invalid_client' ? 401 : 400);
      };
      const stranger = await generatePartnerKeys();
      await refusedWith(
        await assertionFor(t, ngo, { privateKey: stranger.privateKey }),
        'assertion-signature-invalid',
      );
      await refusedWith(
        await assertionFor(t, ngo, { tokenEndpoint: 'https://elsewhere.example/oauth/token' }),
        'assertion-audience-invalid',
      );
      await refusedWith(
        await assertionFor(t, ngo, { now: new Date(Date.now() - 10 * 60_000) }),
        'assertion-expired',
      );
      await refusedWith(await assertionFor(t, ngo, { lifetimeSeconds: 3600 }), 'assertion-lifetime-too-long');
      await refusedWith(await assertionFor(t, ngo, { kid: 'no-such-key' }), 'assertion-key-unknown');
      await refusedWith('not.a.jwt', 'assertion-malformed');
      const once = await assertionFor(t, ngo, { jti: 'jti-once' });
      assert.equal((await requestToken(t, once)).status, 200);
      await refusedWith(once, 'assertion-replayed');
      // iss and sub must both be the partner.
      const mixed = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: ngo.keys.kid })
        .setIssuer(ngo.id)
        .setSubject('someone-else')
        .setAudience(tokenEndpoint(t))
        .setExpirationTime('1m')
        .setJti('x1')
        .sign(ngo.keys.privateKey);
      await refusedWith(mixed, 'assertion-invalid');
      const wrongGrant = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=password&username=a',
      });
      assert.equal(wrongGrant.statusCode, 400);
      assert.equal(JSON.parse(wrongGrant.body).error, 'unsupported_grant_type');
      const json = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        payload: { grant_type: 'client_credentials' },
      });
      assert.equal(json.statusCode, 400);
      assert.equal(JSON.parse(json.body).code, 'unsupported-media-type');
      // Refusals are in the ledger, with codes only (the first of a kind at once, repeats counted).
      await t.haven.refusals.flush();
      const reasons = (await ledgerEvents(t))
        .filter((e) => e.action === 'partner.token' && e.decision === 'deny')
        .map((e) => e.reason);
      for (const code of ['assertion-signature-invalid', 'assertion-replayed', 'assertion-key-unknown']) {
        assert.ok(reasons.includes(code), `${code} in ${reasons.join(', ')}`);
      }
    });

    test('other routes still refuse form bodies (no cross-site form posts)', async () => {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/partners',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: a.admin.client.cookie ?? '' },
        payload: 'name=x',
      });
      assert.ok(reply.statusCode === 415 || reply.statusCode === 403, String(reply.statusCode));
    });

    test('key rotation: old and new keys both work until the old is retired, then its tokens end too', async () => {
      const oldToken = await partnerToken(t, ngo);
      const next = await generatePartnerKeys();
      await addKey(t, a.admin, ngo.id, next);
      const rotated = { id: ngo.id, keys: next };
      assert.equal((await requestToken(t, await assertionFor(t, ngo))).status, 200);
      assert.equal((await requestToken(t, await assertionFor(t, rotated))).status, 200);
      const retired = await a.admin.client.post(`/api/partners/${ngo.id}/keys/${ngo.keys.kid}/retire`, {});
      assert.equal(retired.status, 200, retired.text);
      const reply = await requestToken(t, await assertionFor(t, ngo));
      assert.equal(reply.body.code, 'assertion-key-retired');
      assert.equal((await whoami(t, oldToken)).status, 401);
      assert.equal((await requestToken(t, await assertionFor(t, rotated))).status, 200);
      ngo = rotated;
    });

    test('a suspended partner gets no token and its tokens stop at once; a bad token is refused', async () => {
      const token = await partnerToken(t, ngo);
      const suspended = await a.dpo.client.post(`/api/partners/${ngo.id}/suspend`, {
        reason: 'Breach reported.',
      });
      assert.equal(suspended.status, 200, suspended.text);
      assert.equal(suspended.body.state, 'suspended');
      const refused = await whoami(t, token);
      assert.equal(refused.status, 401);
      const noToken = await requestToken(t, await assertionFor(t, ngo));
      assert.equal(noToken.body.code, 'partner-suspended');
      assert.equal(noToken.body.error, 'unauthorized_client');
      assert.equal((await a.dpo.client.post(`/api/partners/${ngo.id}/resume`, {})).status, 200);
      assert.equal((await whoami(t, await partnerToken(t, ngo))).status, 200);
      const forged = await whoami(t, 'made-up-token');
      assert.equal(forged.status, 401);
      assert.equal(forged.body.code, 'partner-token-invalid');
      const none = await t.app.inject({ method: 'GET', url: '/api/partner/whoami' });
      assert.equal(JSON.parse(none.body).code, 'partner-token-missing');
      // A staff session is not a partner.
      const staff = await a.admin.client.get('/api/partner/whoami');
      assert.equal(staff.status, 401);
    });

    test('tokens end after 5 minutes', async () => {
      const token = await partnerToken(t, ngo);
      const realNow = t.haven.clock.now;
      t.haven.clock.now = () => new Date(Date.now() + 6 * 60_000);
      try {
        const late = await whoami(t, token);
        assert.equal(late.status, 401);
        assert.equal(late.body.code, 'partner-token-expired');
      } finally {
        t.haven.clock.now = realNow;
      }
    });

    test('every change of a partner is in the ledger', async () => {
      const events = (await ledgerEvents(t)) as { action: string; subject?: string; subjectType?: string }[];
      const mine = events
        .filter((e) => e.subject === ngo.id && e.subjectType === 'partner')
        .map((e) => e.action);
      for (const action of [
        'partner.create',
        'partner.key-add',
        'partner.key-retire',
        'partner.suspend',
        'partner.resume',
        'partner.token',
      ]) {
        assert.ok(mine.includes(action), `${action} in ${mine.join(', ')}`);
      }
    });
  });
}
