import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import type { LegalHoldView } from '../../src/gate/legal-holds.ts';
import type { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE, knownValues } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const today = () => new Date().toISOString().slice(0, 10);

interface Item {
  kind: string;
  subject: string;
  ref: string | null;
  due: string | null;
  overdue: boolean;
  details: string[];
}

const holdsToApprove = async (client: Client) => {
  const reply = await client.get<{ items: Item[] }>('/api/worklist');
  assert.equal(reply.status, 200, reply.text);
  return reply.body.items.filter((i) => i.kind === 'legal-hold-to-approve');
};

/**
 * ACC-6, RET-1: a legal hold placed by one supervisor or the DPO waits on the work list of the others, with the
 * last day it can be approved (placed + 7 days); never on the placer's, never on a clerk's or another organisation's,
 * and gone once approved or lapsed. Read through the gate: legal_hold is the gate's table.
 */
for (const kind of testDatabaseKinds()) {
  describe(`legal holds to approve on the work list (${kind})`, () => {
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

    const place = async (who: Team['dpo'], body: object) => {
      const reply = await who.client.post<LegalHoldView>(`/api/persons/${personId}/legal-holds`, body);
      assert.equal(reply.status, 201, reply.text);
      return reply.body;
    };

    test('a pending hold waits on the others’ work lists, with the day it lapses after; the placer’s has none', async () => {
      const hold = await place(a.supervisor, { reason: 'court-order', categories: ['biometric'] });
      const lapsesAfter = addToDay(today(), { days: 7 });

      assert.deepEqual(await holdsToApprove(a.dpo.client), [
        {
          kind: 'legal-hold-to-approve',
          subject: hold.id,
          ref: hold.id,
          due: lapsesAfter,
          overdue: false,
          details: ['court-order'],
        },
      ]);
      // ACC-6: whoever placed it cannot approve it, so it is not their work.
      assert.deepEqual(await holdsToApprove(a.supervisor.client), []);
      // Nor the work of those who cannot approve one, nor of another organisation.
      for (const who of [a.clerk, a.caseworker, a.admin, a.auditor, b.dpo, b.supervisor])
        assert.deepEqual(await holdsToApprove(who.client), [], who.staff.role);
      // Those roles were never put to the gate's list of holds: no refusal in the ledger.
      assert.deepEqual(
        (await ledgerEvents(t)).filter((e) => e.action === 'legal-hold.list' && e.decision === 'deny'),
        [],
      );

      // Approved by the DPO, it is nobody's work any more.
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const approved = await a.dpo.client.post(`/api/legal-holds/${hold.id}/approve`, {});
      assert.equal(approved.status, 200, approved.text);
      assert.deepEqual(await holdsToApprove(a.dpo.client), []);
    });

    test('one placed by the DPO waits on the supervisor’s list; on its last day it is still there, after it lapsed it is gone', async () => {
      const hold = await place(a.dpo, { reason: 'litigation' });
      const mine = (items: Item[]) => items.filter((i) => i.ref === hold.id);
      assert.equal(mine(await holdsToApprove(a.supervisor.client)).length, 1);
      assert.deepEqual(mine(await holdsToApprove(a.dpo.client)), []);

      // Test-only shortcut: placed a week ago, today is the last day it can be approved.
      const setPlaced = (day: string) =>
        t.database.db.query('update legal_hold set placed_on = $2 where id = $1', [hold.id, day]);
      await setPlaced(addToDay(today(), { days: -7 }));
      assert.deepEqual(
        mine(await holdsToApprove(a.supervisor.client)).map((i) => [i.due, i.overdue]),
        [[today(), false]],
      );
      // A day later it has lapsed: it no longer blocks and can no longer be approved.
      await setPlaced(addToDay(today(), { days: -8 }));
      assert.deepEqual(mine(await holdsToApprove(a.supervisor.client)), []);
    });

    test('the item names the hold and its reason code, nothing of the person', async () => {
      await place(a.supervisor, { reason: 'other', note: 'Claim 2026/114 about Mohammed Al-Halabi' });
      const reply = await a.dpo.client.get('/api/worklist');
      assert.equal(reply.status, 200, reply.text);
      assert.ok(!reply.text.includes(personId), 'no person id');
      assert.ok(!reply.text.includes('2026/114') && !reply.text.includes('Halabi'), 'no word of the note');
      for (const value of knownValues()) assert.ok(!reply.text.includes(value), value);
    });
  });
}
