import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const today = () => new Date().toISOString().slice(0, 10);
const NOTE = 'Came with a man who answered every question for her.';

/** Rights requests through the gate (RIG-1, RIG-2, RIG-5): taken down, checked, worked, extended, closed. */
for (const kind of testDatabaseKinds()) {
  describe(`rights requests (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let personId = '';

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
    });
    after(() => t.close());

    const receive = (kindOf: string, channel = 'in-person') =>
      a.clerk.client.post(`/api/persons/${personId}/rights-requests`, { kind: kindOf, channel });

    test('taken down by a clerk from any channel, due one calendar month later; the ledger has it', async () => {
      const taken = await receive('access', 'oral');
      assert.equal(taken.status, 201, taken.text);
      assert.equal(taken.body.state, 'received');
      assert.equal(taken.body.receivedOn, today());
      assert.equal(taken.body.dueOn, addToDay(today(), { months: 1 }));
      const events = await ledgerEvents(t, personId);
      assert.ok(events.some((e) => e.action === 'rights.receive' && e.purpose === 'rights-request'));
      assert.equal((await receive('anything')).status, 400);
      const elsewhere = await b.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind: 'access',
        channel: 'written',
      });
      // Another organisation cannot even learn that the person exists.
      assert.equal(elsewhere.status, 404, elsewhere.text);
    });

    test('never worked on before identity is checked, and only with enough of it for the kind', async () => {
      const id = String((await receive('access')).body.id);
      const early = await a.supervisor.client.post(`/api/rights-requests/${id}/start`, {});
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'request-state-invalid');
      const byClerk = await a.clerk.client.post(`/api/rights-requests/${id}/identity-check`, {
        check: 'card',
      });
      assert.equal(byClerk.status, 403, 'clerks take requests down; they do not handle them');
      const card = await a.supervisor.client.post(`/api/rights-requests/${id}/identity-check`, {
        check: 'card',
      });
      assert.equal(card.status, 200, card.text);
      assert.deepEqual(card.body.identity, { check: 'card', strength: 1 });
      const weak = await a.supervisor.client.post(`/api/rights-requests/${id}/start`, {});
      assert.equal(weak.status, 409);
      assert.equal(weak.body.code, 'identity-too-weak');
      // The same supervisor, signed in with a passkey, has seen a document: strong enough to release data.
      const seen = await receive('access');
      const checked = await a.supervisor.client.post(`/api/rights-requests/${seen.body.id}/identity-check`, {
        check: 'document-seen',
      });
      assert.deepEqual(checked.body.identity, { check: 'document-seen', strength: 2 });
      const started = await a.supervisor.client.post(`/api/rights-requests/${seen.body.id}/start`, {});
      assert.equal(started.status, 200, started.text);
      assert.equal(started.body.assignee, a.supervisor.staff.id);
      // Data is given only as a composed and reviewed package (test/rights/access-answer.test.ts).
      const bare = await a.supervisor.client.post(`/api/rights-requests/${seen.body.id}/answer`, {});
      assert.equal(bare.status, 409);
      assert.equal(bare.body.code, 'access-answer-not-reviewed');
      const correction = String((await receive('correction')).body.id);
      await a.supervisor.client.post(`/api/rights-requests/${correction}/identity-check`, { check: 'card' });
      await a.supervisor.client.post(`/api/rights-requests/${correction}/start`, {});
      const answered = await a.supervisor.client.post(`/api/rights-requests/${correction}/answer`, {});
      assert.equal(answered.body.state, 'answered');
      const again = await a.supervisor.client.post(`/api/rights-requests/${correction}/answer`, {});
      assert.equal(again.status, 409);
    });

    test('extended once, by up to two months from receipt, with a reason the person was told', async () => {
      const id = String((await receive('correction')).body.id);
      await a.supervisor.client.post(`/api/rights-requests/${id}/identity-check`, { check: 'card' });
      await a.supervisor.client.post(`/api/rights-requests/${id}/start`, {});
      const untold = await a.supervisor.client.post(`/api/rights-requests/${id}/extend`, {
        months: 2,
        reason: 'Records are spread over three offices.',
        personNotified: false,
      });
      assert.equal(untold.status, 422);
      assert.equal(untold.body.code, 'extension-notice-required');
      const extended = await a.supervisor.client.post(`/api/rights-requests/${id}/extend`, {
        months: 2,
        reason: 'Records are spread over three offices.',
        personNotified: true,
      });
      assert.equal(extended.status, 200, extended.text);
      assert.equal(extended.body.dueOn, addToDay(today(), { months: 3 }));
      const twice = await a.supervisor.client.post(`/api/rights-requests/${id}/extend`, {
        months: 1,
        reason: 'More time.',
        personNotified: true,
      });
      assert.equal(twice.status, 409);
    });

    test('refused only with a listed reason and words; the words are sealed, the refusal ledgered', async () => {
      const id = String((await receive('erasure')).body.id);
      const bare = await a.supervisor.client.post(`/api/rights-requests/${id}/refuse`, {
        reason: 'because',
        note: 'x',
      });
      assert.equal(bare.status, 400);
      const refused = await a.supervisor.client.post(`/api/rights-requests/${id}/refuse`, {
        reason: 'suspected-duress',
        note: NOTE,
      });
      assert.equal(refused.status, 200, refused.text);
      assert.deepEqual([refused.body.state, refused.body.refusalReason], ['refused', 'suspected-duress']);
      const { rows } = await t.database.db.query<{ dump: string }>(
        `select (select string_agg(encode(sealed_note, 'escape'), '') from rights_request) ||
                (select string_agg(encode(body, 'escape'), '') from audit_event) as dump`,
      );
      assert.ok(!rows[0]!.dump.includes('answered every question'), 'the note is not stored in clear');
      const events = await ledgerEvents(t, personId);
      assert.ok(events.some((e) => e.action === 'rights.refuse' && e.reason === 'suspected-duress'));
    });

    test('corrections, withdrawn consents and erasures wait in the outbox for partners, without values (RIG-4)', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const outbox = async () =>
        (
          await t.database.db.query<{ change: string; purpose: string | null; field_groups: string[] }>(
            'select change, purpose, field_groups from change_outbox where person_id = $1 order by seq',
            [id],
          )
        ).rows.map((r) => [r.change, r.purpose, r.field_groups.join()]);
      const rejected = await a.clerk.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      await a.supervisor.as('registration').post(`/api/corrections/${rejected.body.id}/reject`);
      assert.deepEqual(await outbox(), [], 'a rejected correction changes nothing');
      const proposed = await a.clerk.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      const approved = await a.supervisor
        .as('registration')
        .post(`/api/corrections/${proposed.body.id}/approve`);
      assert.equal(approved.status, 200, approved.text);
      const withdrawn = await a.clerk
        .as('registration')
        .post(`/api/persons/${id}/consents/withdraw`, { purpose: 'registration' });
      assert.equal(withdrawn.status, 201, withdrawn.text);
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const erased = await a.dpo.client.request('DELETE', `/api/persons/${id}`, {
        reason: 'erasure-request',
      });
      assert.equal(erased.status, 200, erased.text);
      assert.deepEqual(await outbox(), [
        ['correction', 'registration', 'identity'],
        ['consent-withdrawn', 'registration', ''],
        ['erasure', null, ''],
      ]);
      const { rows } = await t.database.db.query<{ row: string }>(
        'select row_to_json(o)::text as row from change_outbox o where person_id = $1',
        [id],
      );
      assert.ok(
        rows.every((r) => !r.row.includes('Halab')),
        'no value in the outbox',
      );
    });

    test('an objection upheld ends processing on legitimate interest for that purpose; consent elsewhere holds', async () => {
      const PURPOSE = 'assistance-distribution';
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const basis = await a.clerk.as(PURPOSE).post(`/api/persons/${id}/consents`, {
        purpose: PURPOSE,
        basis: {
          kind: 'legitimate-interest',
          justification: 'Distribution lists must reach every household.',
        },
      });
      assert.equal(basis.status, 201, basis.text);
      assert.equal((await a.clerk.as(PURPOSE).get(`/api/persons/${id}`)).status, 200);
      const vague = await a.clerk.client.post(`/api/persons/${id}/rights-requests`, {
        kind: 'objection',
        channel: 'written',
      });
      assert.equal(vague.status, 422);
      assert.equal(vague.body.code, 'objection-purpose-invalid');
      const objection = await a.clerk.client.post(`/api/persons/${id}/rights-requests`, {
        kind: 'objection',
        channel: 'written',
        purpose: PURPOSE,
      });
      assert.equal(objection.status, 201, objection.text);
      assert.equal(objection.body.purpose, PURPOSE);
      for (const [path, body] of [
        ['identity-check', { check: 'card' }],
        ['start', {}],
        ['answer', {}],
      ] as const) {
        const reply = await a.supervisor.client.post(
          `/api/rights-requests/${objection.body.id}/${path}`,
          body,
        );
        assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      }
      const after = await a.clerk.as(PURPOSE).get(`/api/persons/${id}`);
      assert.equal(after.status, 403, after.text);
      // Registration rests on consent, not on the interest objected to: it goes on.
      assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
      const { rows } = await t.database.db.query<{ change: string }>(
        'select change from change_outbox where person_id = $1',
        [id],
      );
      assert.deepEqual(
        rows.map((r) => r.change),
        ['objection'],
      );
    });

    test('the list: open ones first by deadline, the overdue marked; another organisation sees none of them', async () => {
      const late = String((await receive('restriction')).body.id);
      await t.database.db.query(
        `update rights_request set received_on = current_date - 40, due_on = current_date - 10 where id = $1`,
        [late],
      );
      const listed = await a.dpo.client.get<{ requests: { id: string; overdue: boolean; state: string }[] }>(
        '/api/rights-requests?open=true',
      );
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.requests[0]!.id, late);
      assert.equal(listed.body.requests[0]!.overdue, true);
      assert.ok(listed.body.requests.every((r) => !['answered', 'refused'].includes(r.state)));
      const other = await b.dpo.client.get<{ requests: unknown[] }>('/api/rights-requests');
      assert.deepEqual(other.body.requests, []);
      // A caseworker handles and lists the requests of their caseload only (ACC-1).
      const outside = await a.caseworker.client.post(`/api/rights-requests/${late}/identity-check`, {
        check: 'card',
      });
      assert.equal(outside.status, 403, outside.text);
      assert.equal(outside.body.reason, 'not-in-caseload');
      const mine = async () =>
        (
          await a.caseworker.client.get<{ requests: { id: string }[] }>('/api/rights-requests')
        ).body.requests.map((r) => r.id);
      assert.deepEqual(await mine(), []);
      const assigned = await a.supervisor
        .as('protection-case-management')
        .put(`/api/persons/${personId}/caseload/${a.caseworker.staff.id}`);
      assert.equal(assigned.status, 200, assigned.text);
      assert.ok((await mine()).includes(late));
      const inside = await a.caseworker.client.post(`/api/rights-requests/${late}/identity-check`, {
        check: 'card',
      });
      assert.equal(inside.status, 200, inside.text);
      const probe = await b.caseworker.client.post(`/api/rights-requests/${late}/identity-check`, {
        check: 'card',
      });
      assert.equal(probe.status, 404);
      assert.equal((await a.clerk.client.get('/api/rights-requests')).status, 403);
    });
  });
}
