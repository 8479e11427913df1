import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import { median, type RightsFigures } from '../../src/gate/rights-figures.ts';
import type { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, signedIn } from '../support/staff.ts';

const today = () => new Date().toISOString().slice(0, 10);

interface Item {
  kind: string;
  subject: string;
  ref: string | null;
  due: string | null;
  overdue: boolean;
  details: string[];
}

const worklist = async (client: Client) => {
  const reply = await client.get<{ items: Item[] }>('/api/worklist');
  assert.equal(reply.status, 200, reply.text);
  return reply.body.items;
};
const ofKind = (items: Item[], kind: string) => items.filter((i) => i.kind === kind);

/** Each role's work list (issue 16): rights requests by deadline, corrections to check; the DPO's month in figures. */
for (const kind of testDatabaseKinds()) {
  describe(`the staff work list and the figures of rights requests (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let oversight: Client;
    let personId = '';

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      oversight = await signedIn(t, await createStaff(t, { role: 'oversight', tier: 1, org: 'org-a' }));
      personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
    });
    after(() => t.close());

    const receive = async (kindOf: string, channel = 'in-person', who = personId) => {
      const reply = await a.clerk.client.post(`/api/persons/${who}/rights-requests`, {
        kind: kindOf,
        channel,
      });
      assert.equal(reply.status, 201, reply.text);
      return String(reply.body.id);
    };
    const step = async (id: string, path: string, body: unknown = {}) => {
      const reply = await a.supervisor.client.post(`/api/rights-requests/${id}/${path}`, body);
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    };
    const setDays = (id: string, received: string, due: string) =>
      t.database.db.query('update rights_request set received_on = $2, due_on = $3 where id = $1', [
        id,
        received,
        due,
      ]);

    test('a caseworker’s list has the open requests of their caseload, by deadline, the overdue first and marked', async () => {
      const soon = await receive('correction');
      const late = await receive('erasure', 'written');
      const later = await receive('restriction', 'oral');
      await setDays(late, addToDay(today(), { days: -40 }), addToDay(today(), { days: -9 }));
      await setDays(soon, today(), addToDay(today(), { days: 3 }));
      assert.deepEqual(ofKind(await worklist(a.caseworker.client), 'rights-request-due'), []);
      const assigned = await a.supervisor
        .as('protection-case-management')
        .put(`/api/persons/${personId}/caseload/${a.caseworker.staff.id}`);
      assert.equal(assigned.status, 200, assigned.text);

      const items = ofKind(await worklist(a.caseworker.client), 'rights-request-due');
      assert.deepEqual(
        items.map((i) => i.ref),
        [late, soon, later],
      );
      assert.deepEqual(items[0], {
        kind: 'rights-request-due',
        subject: 'erasure',
        ref: late,
        due: addToDay(today(), { days: -9 }),
        overdue: true,
        details: ['received'],
      });
      assert.deepEqual(
        items.slice(1).map((i) => i.overdue),
        [false, false],
      );
      // Another caseworker, without this person in their caseload, has none of them.
      assert.deepEqual(ofKind(await worklist(a.otherCaseworker.client), 'rights-request-due'), []);
      // Ids and kinds only: nobody's name, and not even the person's id.
      const text = JSON.stringify(items);
      assert.ok(!text.includes(personId));
      assert.ok(!text.includes(String(KNOWN_PEOPLE[0]!['given-name-latin'])));

      // Answered, it leaves the list.
      await step(soon, 'identity-check', { check: 'card' });
      await step(soon, 'start');
      await step(soon, 'answer');
      const left = ofKind(await worklist(a.caseworker.client), 'rights-request-due').map((i) => i.ref);
      assert.ok(!left.includes(soon));
      assert.ok(left.includes(late));
    });

    test('a supervisor has the organisation’s open requests and the corrections others proposed; not their own', async () => {
      const other = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const request = await receive('correction', 'written', other);
      const byClerk = await a.clerk.as('registration').post(`/api/persons/${other}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      assert.equal(byClerk.status, 201, byClerk.text);
      const bySupervisor = await a.supervisor.as('registration').post(`/api/persons/${other}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halabi' },
        reason: 'spelling',
      });
      assert.equal(bySupervisor.status, 201, bySupervisor.text);

      const items = await worklist(a.supervisor.client);
      assert.ok(ofKind(items, 'rights-request-due').some((i) => i.ref === request));
      assert.deepEqual(ofKind(items, 'correction-to-approve'), [
        {
          kind: 'correction-to-approve',
          subject: 'registration',
          ref: String(byClerk.body.id),
          due: null,
          overdue: false,
          details: ['identity'],
        },
      ]);
      assert.ok(!JSON.stringify(items).includes('Halab'), 'no proposed value');
      // The overdue come first whatever their kind.
      const firstCalm = items.findIndex((i) => !i.overdue);
      assert.ok(items.slice(firstCalm).every((i) => !i.overdue));
    });

    test('the DPO has every open request with the governance items; clerks, oversight and other organisations none', async () => {
      const dpo = await worklist(a.dpo.client);
      const requests = ofKind(dpo, 'rights-request-due');
      assert.ok(requests.length >= 3);
      const dues = requests.map((i) => `${Number(!i.overdue)}${i.due}`);
      assert.deepEqual(dues, [...dues].sort(), 'overdue first, then by deadline');
      assert.deepEqual(ofKind(dpo, 'correction-to-approve'), [], 'the DPO does not check corrections');
      for (const client of [a.clerk.client, oversight, a.admin.client, b.dpo.client, b.supervisor.client]) {
        const items = await worklist(client);
        assert.deepEqual(
          items.filter((i) => i.kind === 'rights-request-due' || i.kind === 'correction-to-approve'),
          [],
        );
      }
    });

    test('one request is shown to those who may handle it, and the look is ledgered', async () => {
      const id = await receive('access');
      const shown = await a.dpo.client.get(`/api/rights-requests/${id}`);
      assert.equal(shown.status, 200, shown.text);
      assert.deepEqual([shown.body.id, shown.body.kind, shown.body.state], [id, 'access', 'received']);
      assert.ok((await ledgerEvents(t, personId)).some((e) => e.action === 'rights.view'));
      const outside = await a.otherCaseworker.client.get(`/api/rights-requests/${id}`);
      assert.equal(outside.status, 403, outside.text);
      assert.equal(outside.body.reason, 'not-in-caseload');
      assert.equal((await a.caseworker.client.get(`/api/rights-requests/${id}`)).status, 200);
      assert.equal((await b.dpo.client.get(`/api/rights-requests/${id}`)).status, 404);
      assert.equal((await a.clerk.client.get(`/api/rights-requests/${id}`)).status, 403);
    });

    test('the month in figures: received by kind and channel, extended, answered (late, median), refused by reason', async () => {
      const c = await team(t, 'org-c');
      const someone = await register(c.clerk, { ...KNOWN_PEOPLE[2] });
      const take = async (kindOf: string, channel: string) => {
        const reply = await c.clerk.client.post(`/api/persons/${someone}/rights-requests`, {
          kind: kindOf,
          channel,
        });
        assert.equal(reply.status, 201, reply.text);
        return String(reply.body.id);
      };
      const act = async (id: string, path: string, body: unknown = {}) => {
        const reply = await c.supervisor.client.post(`/api/rights-requests/${id}/${path}`, body);
        assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      };
      // Kinds answered without a package or an erasure to run: the figures count states, whatever the kind.
      const onTime = await take('correction', 'in-person');
      const late = await take('correction', 'written');
      const refused = await take('erasure', 'oral');
      const open = await take('restriction', 'written');
      for (const id of [onTime, late]) {
        await act(id, 'identity-check', { check: 'card' });
        await act(id, 'start');
        await act(id, 'answer');
      }
      await act(refused, 'refuse', { reason: 'suspected-duress', note: 'Someone spoke for her.' });
      const set = (id: string, received: string, due: string, closed: string | null, extended = false) =>
        t.database.db.query(
          `update rights_request set received_on = $2, due_on = $3, closed_at = $4, extended = $5 where id = $1`,
          [id, received, due, closed, extended],
        );
      await set(onTime, '2025-03-03', '2025-04-03', '2025-03-10T12:00:00Z');
      await set(late, '2025-02-01', '2025-03-01', '2025-03-05T23:30:00Z');
      await set(refused, '2025-03-15', '2025-04-15', '2025-03-20T08:00:00Z');
      await set(open, '2025-03-20', '2025-06-20', null, true);

      const figures = await c.dpo.client.get('/api/rights-requests/figures?month=2025-03');
      assert.equal(figures.status, 200, figures.text);
      const f = figures.body as unknown as RightsFigures;
      assert.equal(f.month, '2025-03');
      assert.deepEqual(f.received, {
        total: 3,
        byKind: { access: 0, portability: 0, correction: 1, erasure: 1, restriction: 1, objection: 0 },
        byChannel: { 'in-person': 1, oral: 1, written: 1, portal: 0, representative: 0 },
      });
      assert.equal(f.extended, 1);
      assert.deepEqual(f.answered, { total: 2, late: 1, medianDays: 19.5 });
      assert.equal(f.refused.total, 1);
      assert.equal(f.refused.byReason['suspected-duress'], 1);
      assert.deepEqual(f.now, { on: today(), open: 1, overdue: 1 });
      const text = JSON.stringify(f);
      for (const id of [onTime, late, refused, open, someone]) assert.ok(!text.includes(id), 'counts only');

      const april = await oversight.get('/api/rights-requests/figures?month=2025-04');
      assert.equal(april.status, 200, april.text);
      assert.equal(
        (april.body.received as { total: number }).total,
        0,
        'oversight reads its own organisation',
      );
      assert.equal((await c.dpo.client.get('/api/rights-requests/figures?month=2025-13')).status, 400);
      for (const client of [c.caseworker.client, c.supervisor.client, c.clerk.client]) {
        assert.equal((await client.get('/api/rights-requests/figures?month=2025-03')).status, 403);
      }
    });

    test('the median is the middle value, or the mean of the two middles', () => {
      assert.equal(median([]), null);
      assert.equal(median([5]), 5);
      assert.equal(median([9, 1, 5]), 5);
      assert.equal(median([1, 2, 3, 10]), 2.5);
    });
  });
}
