import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkSymbol, groupsOfFour, randomCode } from '../../src/domain/codes.ts';
import { CARD_LOCK_FAILURES, checkPin } from '../../src/gate/person-cards.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const PIN = '4826';

/** A well-formed card code that no card has: its check symbol fits, so only a lookup could refuse it. */
function strangerCode(): string {
  const body = randomCode(13);
  return groupsOfFour(body + checkSymbol(body));
}

test('a PIN is 4 to 8 digits, not a repeated digit or a run', () => {
  for (const pin of ['4826', '90417', '31415926']) assert.equal(checkPin(pin), pin);
  for (const pin of ['123', '1111', '1234', '98765', '12a4', 4826, '123456789'])
    assert.throws(() => checkPin(pin), { code: 'pin-invalid' });
});

/** The person portal's server side (issue 16 item 4): card and PIN, the person's own record only. */
for (const kind of testDatabaseKinds()) {
  describe(`person portal (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let personId = '';
    let otherId = '';
    let code = '';

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      otherId = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const weak = await a.clerk.client.post(`/api/persons/${personId}/card`, { pin: '1234' });
      assert.equal(weak.status, 422);
      const issued = await a.clerk.client.post(`/api/persons/${personId}/card`, { pin: PIN });
      assert.equal(issued.status, 201, issued.text);
      code = String(issued.body.code);
    });
    after(() => t.close());

    /** The portal page sends its token on reads too. */
    const read = (client: Client, url: string) =>
      client.get(url, { headers: { 'x-csrf-token': client.csrfToken ?? '' } });

    const signIn = async (c: string, pin: string) => {
      const client = new Client(t.app);
      const reply = await client.post('/api/me/sign-in', { code: c, pin });
      return { client, reply };
    };

    test('a wrong code and a wrong PIN get the same answer; a typo is caught by the check symbol', async () => {
      const unknown = await signIn(strangerCode(), PIN);
      const wrongPin = await signIn(code, '9402');
      assert.equal(unknown.reply.status, 401);
      const { requestId: _a, ...sameA } = wrongPin.reply.body;
      const { requestId: _b, ...sameB } = unknown.reply.body;
      assert.deepEqual(sameA, sameB, 'nothing tells whether the card exists');
      assert.equal(wrongPin.reply.status, 401);
      const typo = await signIn(`${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`, PIN);
      assert.equal(typo.reply.status, 422);
      assert.equal(typo.reply.body.code, 'card-code-mistyped');
      const { reply } = await signIn(code.toLowerCase().replaceAll('-', ' '), PIN);
      assert.equal(reply.status, 200, 'read aloud and typed in lower case, it still works');
      const events = await ledgerEvents(t, personId);
      assert.ok(events.some((e) => e.action === 'portal.sign-in' && e.reason === 'wrong-pin'));
    });

    test('the overview, the history without staff names, and a concern about one entry', async () => {
      const { client } = await signIn(code, PIN);
      const overview = await read(client, '/api/me');
      assert.equal(overview.status, 200, overview.text);
      const registration = (
        overview.body.purposes as { purpose: string; state: string; noticeGiven: unknown }[]
      ).find((p) => p.purpose === 'registration');
      assert.equal(registration?.state, 'given');
      assert.deepEqual(registration?.noticeGiven, { version: '2026-11', language: 'ar' });
      const history = await read(client, '/api/me/access-history');
      const entries = history.body.history as { entry: number; role: string | null; action: string }[];
      assert.ok(entries.some((e) => e.action === 'person.register' && e.role === 'clerk'));
      assert.ok(!history.text.includes(a.clerk.staff.id), 'no staff account id');
      assert.ok(!history.text.includes(a.clerk.staff.email), 'no staff e-mail');
      const registered = entries.find((e) => e.action === 'person.register')!;
      const concern = await client.post(`/api/me/access-history/${registered.entry}/concern`, {
        words: 'I was never at that office.',
        language: 'ar',
      });
      assert.equal(concern.status, 201, concern.text);
      // Who questioned an access is for the DPO: the staff view of the history does not show it.
      const staffView = await a.supervisor.as('registration').get(`/api/persons/${personId}/access-history`);
      assert.equal(staffView.status, 200, staffView.text);
      assert.ok(!staffView.text.includes('portal.access-questioned'));
      assert.ok((await ledgerEvents(t, personId)).some((e) => e.action === 'portal.access-questioned'));
      assert.match(String(concern.body.followUpCode), /\S{8,}/);
      const theirs = (await ledgerEvents(t, otherId)).length;
      assert.ok(theirs > 0);
      const { rows } = await t.database.db.query<{ seq: string }>(
        'select seq from audit_event where person_id = $1 order by seq limit 1',
        [otherId],
      );
      const foreign = await client.post(`/api/me/access-history/${rows[0]!.seq}/concern`, { language: 'en' });
      assert.equal(foreign.status, 404, 'another person’s entry is not in this history');
    });

    test('IDOR: the portal reaches the session’s person only; staff routes refuse a portal session and vice versa', async () => {
      const { client } = await signIn(code, PIN);
      const staffRoute = await client.get(`/api/persons/${otherId}`, {
        headers: { 'x-haven-purpose': 'registration' },
      });
      assert.equal(staffRoute.status, 401);
      const elsewhere = await a.supervisor.client.post(`/api/persons/${otherId}/rights-requests`, {
        kind: 'access',
        channel: 'written',
      });
      const answer = await read(client, `/api/me/requests/${elsewhere.body.id}/answer`);
      const noToken = await client.get('/api/me');
      assert.equal(noToken.status, 403, 'the cookie alone reads nothing: the page’s token is needed');
      assert.equal(answer.status, 404);
      const asStaff = await a.clerk.client.get('/api/me');
      assert.equal(asStaff.status, 401, 'a staff session is not a portal session');
      const noCsrf = await client.post('/api/me/requests', { kind: 'access' }, { csrf: false });
      assert.equal(noCsrf.status, 403);
    });

    test('a request from the portal counts card and PIN as its identity check; staff see it', async () => {
      const { client } = await signIn(code, PIN);
      const bad = await client.post('/api/me/requests', { kind: 'deportation' });
      assert.equal(bad.status, 400);
      const made = await client.post('/api/me/requests', { kind: 'access' });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.state, 'identity-checked');
      const list = await a.supervisor.client.get('/api/rights-requests?open=true');
      const seen = (list.body.requests as { id: string; channel: string; identity: unknown }[]).find(
        (r) => r.id === made.body.id,
      );
      assert.deepEqual([seen?.channel, seen?.identity], ['portal', { check: 'card-and-pin', strength: 2 }]);
    });

    test('withdrawal in one step: the next staff read under that purpose is refused', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[2] });
      const issued = await a.clerk.client.post(`/api/persons/${id}/card`, { pin: '5071' });
      const { client } = await signIn(String(issued.body.code), '5071');
      const before = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(before.status, 200);
      const withdrawn = await client.post('/api/me/consents/registration/withdraw', {});
      assert.equal(withdrawn.status, 200, withdrawn.text);
      const refused = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(refused.status, 403, refused.text);
      const again = await client.post('/api/me/consents/registration/withdraw', {});
      assert.equal(again.status, 409);
      const outbox = await t.database.db.query<{ change: string }>(
        'select change from change_outbox where person_id = $1',
        [id],
      );
      assert.deepEqual(
        outbox.rows.map((r) => r.change),
        ['consent-withdrawn'],
      );
    });

    test('guessing slows the card, then locks it; only a new card from staff opens it, and the old code dies', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[3] });
      const first = String((await a.clerk.client.post(`/api/persons/${id}/card`, { pin: '7305' })).body.code);
      for (let i = 0; i < 3; i++) assert.equal((await signIn(first, '0000')).reply.status, 401);
      const slowed = await signIn(first, '7305');
      assert.equal(slowed.reply.status, 401, 'while slowed down, even the right PIN is refused');
      await t.database.db.query(
        `update person_card set failures = $2, last_failed_at = now() - interval '1 hour' where person_id = $1`,
        [id, CARD_LOCK_FAILURES - 1],
      );
      assert.equal((await signIn(first, '0000')).reply.status, 401);
      const { rows } = await t.database.db.query<{ locked: boolean }>(
        'select locked_at is not null as locked from person_card where person_id = $1',
        [id],
      );
      assert.equal(rows[0]!.locked, true);
      await t.database.db.query(
        `update person_card set last_failed_at = now() - interval '1 day' where person_id = $1`,
        [id],
      );
      assert.equal((await signIn(first, '7305')).reply.status, 401, 'locked: the right PIN does not open it');
      const byClerk = await a.clerk.client.post(`/api/persons/${id}/card`, { pin: '7305' });
      assert.equal(byClerk.status, 403, 'a clerk cannot take a portal over by issuing a new card');
      assert.equal(byClerk.body.code, 'card-reissue-not-permitted');
      const reissued = await a.supervisor.client.post(`/api/persons/${id}/card`, { pin: '7305' });
      assert.equal(reissued.status, 201, reissued.text);
      const second = String(reissued.body.code);
      const { client, reply } = await signIn(second, '7305');
      assert.equal(reply.status, 200);
      assert.equal((await signIn(first, '7305')).reply.status, 401, 'the old code is dead');
      // The DPO hears of it, and for a while the new card's requests count as the card shown, not card and PIN.
      const alerts = await a.dpo.client.get('/api/alerts');
      assert.ok(
        (alerts.body.alerts as { kind: string; subject: string }[]).some(
          (x) => x.kind === 'card-reissued' && x.subject === id,
        ),
      );
      const asked = await client.post('/api/me/requests', { kind: 'access' });
      assert.equal(asked.status, 201, asked.text);
      const list = await a.supervisor.client.get('/api/rights-requests?open=true');
      const made = (list.body.requests as { id: string; identity: unknown }[]).find(
        (r) => r.id === asked.body.id,
      );
      assert.deepEqual(made?.identity, { check: 'card', strength: 1 });
    });
    test('erasure takes the card and its sessions: the preview names them, the code opens nothing after', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const card = String((await a.clerk.client.post(`/api/persons/${id}/card`, { pin: '6058' })).body.code);
      const { client } = await signIn(card, '6058');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const preview = await a.dpo.client.get(`/api/persons/${id}/erasure-preview`);
      assert.equal(preview.status, 200, preview.text);
      const items = (preview.body.erased as { item: string; count: number }[]).map((e) => [e.item, e.count]);
      assert.ok(
        items.some(([item, count]) => item === 'portal-card' && count === 2),
        JSON.stringify(items),
      );
      const erased = await a.dpo.client.request('DELETE', `/api/persons/${id}`, {
        reason: 'erasure-request',
      });
      assert.equal(erased.status, 200, erased.text);
      assert.equal((await read(client, '/api/me')).status, 401, 'the open session ended');
      assert.equal((await signIn(card, '6058')).reply.status, 401);
      const { rows } = await t.database.db.query<{ n: number }>(
        `select (select count(*) from person_card where person_id = $1)::int +
                (select count(*) from person_session where person_id = $1)::int as n`,
        [id],
      );
      assert.equal(rows[0]!.n, 0);
    });
  });
}
