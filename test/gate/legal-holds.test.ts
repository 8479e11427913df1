import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import type { ErasurePreview, ErasureReceipt } from '../../src/gate/erasure-account.ts';
import type { LegalHoldView } from '../../src/gate/legal-holds.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const today = () => new Date().toISOString().slice(0, 10);
const NOTE = 'Claim 2026/114 before the district court, brought by Mohammed Al-Halabi.';

/**
 * Legal holds (RET-1, ACC-6) and the erasure they stop (RIG-1, GDPR 17(3)(e)); the erasure's preview and receipt
 * (GDPR 12): what goes, what stays and why, never a value of the person.
 */
for (const kind of testDatabaseKinds()) {
  describe(`legal holds and the erasure they stop (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
    });
    after(() => t.close());

    type Refusal = { code: string; reason?: string };
    const place = (who: Team['dpo'], personId: string, body: object) =>
      who.client.post<LegalHoldView & Refusal>(`/api/persons/${personId}/legal-holds`, body);
    const step = (who: Team['dpo'], holdId: string, name: string, body: object = {}) =>
      who.client.post<LegalHoldView & Refusal>(`/api/legal-holds/${holdId}/${name}`, body);
    const erase = (personId: string) =>
      a.dpo.client.request<{ receipt: ErasureReceipt } & Refusal>('DELETE', `/api/persons/${personId}`, {
        reason: 'erasure-request',
      });
    const preview = (personId: string, who = a.dpo) =>
      who.client.get<ErasurePreview>(`/api/persons/${personId}/erasure-preview`);
    const holds = (who = a.dpo) => who.client.get<{ holds: LegalHoldView[] }>('/api/legal-holds');

    test('placed, approved by a second person only, it wins over erasure until released; the receipt lists what was kept', async () => {
      const personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const placed = await place(a.supervisor, personId, { reason: 'litigation', note: NOTE });
      assert.equal(placed.status, 201, placed.text);
      assert.deepEqual(
        [placed.body.state, placed.body.blocks, placed.body.placedBy, placed.body.note?.hold],
        ['pending', true, a.supervisor.staff.id, NOTE],
      );
      const holdId = String(placed.body.id);

      // ACC-6: whoever placed it cannot approve it.
      await reauthenticate(t, a.supervisor.client, a.supervisor.staff);
      const own = await step(a.supervisor, holdId, 'approve', {});
      assert.equal(own.status, 403, own.text);
      assert.equal(own.body.reason, 'own-proposal');
      // Nor may a clerk or caseworker, nor another organisation (which does not even find it).
      assert.equal((await step(a.clerk, holdId, 'approve', {})).status, 403);
      assert.equal((await place(a.caseworker, personId, { reason: 'litigation' })).status, 403);
      await reauthenticate(t, b.dpo.client, b.dpo.staff);
      assert.equal((await step(b.dpo, holdId, 'approve', {})).status, 404);

      // Pending, it already blocks; approved by the DPO, it blocks until released.
      const pending = await erase(personId);
      assert.equal(pending.status, 409, pending.text);
      assert.equal(pending.body.code, 'legal-hold-active');
      const approved = await step(a.dpo, holdId, 'approve', {});
      assert.equal(approved.status, 200, approved.text);
      assert.deepEqual([approved.body.state, approved.body.approvedBy], ['active', a.dpo.staff.id]);
      assert.equal((await step(a.dpo, holdId, 'approve', {})).status, 409);

      const refused = await erase(personId);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.code, 'legal-hold-active');
      // Nothing half-done: the person is still there and readable.
      const read = await a.clerk.as('registration').get(`/api/persons/${personId}`);
      assert.equal(read.status, 200, read.text);
      assert.match(read.text, /Mohammed/);

      const shown = await preview(personId);
      assert.equal(shown.status, 200, shown.text);
      assert.equal(shown.body.canErase, false);
      assert.deepEqual(
        shown.body.blockedBy.map((h) => h.id),
        [holdId],
      );
      assert.equal(shown.body.kept[0]!.item, 'held-data');
      assert.equal(shown.body.kept[0]!.ground, 'gdpr-17-3-e-legal-claims');

      const listed = await holds(a.supervisor);
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.holds[0]!.id, holdId);
      assert.equal(listed.body.holds[0]!.note, null, 'lists never carry the words');
      assert.equal((await a.clerk.client.get('/api/legal-holds')).status, 403);

      const bare = await step(a.dpo, holdId, 'release', { reason: 'other' });
      assert.equal(bare.status, 422);
      assert.equal(bare.body.code, 'legal-hold-note-required');
      const released = await step(a.dpo, holdId, 'release', {
        reason: 'proceedings-ended',
      });
      assert.equal(released.status, 200, released.text);
      assert.deepEqual(
        [released.body.state, released.body.blocks, released.body.releaseReason],
        ['released', false, 'proceedings-ended'],
      );
      assert.equal((await step(a.dpo, holdId, 'release', { reason: 'placed-in-error' })).status, 409);

      const done = await erase(personId);
      assert.equal(done.status, 200, done.text);
      const receipt = done.body.receipt;
      assert.equal(receipt.personId, personId);
      const keptItems: string[] = receipt.kept.map((k) => k.item);
      for (const item of ['tombstone', 'ledger-events', 'disposal-record', 'legal-holds', 'erasure-receipt'])
        assert.ok(keptItems.includes(item), `${item} kept: ${keptItems}`);
      assert.ok(receipt.kept.every((k) => k.ground && k.why));
      const erasedItems: string[] = receipt.erased.map((e) => e.item);
      for (const item of [
        'data-key',
        'field-groups',
        'processing-bases',
        'search-tokens',
        'legal-hold-notes',
      ])
        assert.ok(erasedItems.includes(item), `${item} erased: ${erasedItems}`);
      // The stored receipt prints again, and holds nothing of the person.
      const again = await a.supervisor.client.get<ErasureReceipt>(`/api/erasure-receipts/${receipt.id}`);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body, receipt);
      assert.equal((await a.clerk.client.get(`/api/erasure-receipts/${receipt.id}`)).status, 403);
      assert.equal((await b.dpo.client.get(`/api/erasure-receipts/${receipt.id}`)).status, 404);
      const { rows } = await t.database.db.query<{ dump: string }>(
        'select erased::text || kept::text as dump from erasure_receipt where id = $1',
        [receipt.id],
      );
      for (const value of ['Mohammed', 'Al-Halabi', 'N7Q31K8842', '1987-03-14', 'district court'])
        assert.ok(!rows[0]!.dump.includes(value), `${value} is not in the receipt`);
      const { rows: kept } = await t.database.db.query<{ reason: string; note: Buffer | null }>(
        'select reason, sealed_note as note from legal_hold where id = $1',
        [holdId],
      );
      assert.deepEqual(
        kept,
        [{ reason: 'litigation', note: null }],
        'the hold stays on record, its words go',
      );

      const events = await ledgerEvents(t, personId);
      const trail = events.map((e) => `${e.action}:${e.decision}:${e.reason}`);
      for (const step of [
        'legal-hold.place:allow:litigation',
        'legal-hold.approve:deny:own-proposal',
        'legal-hold.approve:allow:litigation',
        'person.erase:deny:legal-hold-active',
        'person.erasure-preview:allow:legal-hold-active',
        'legal-hold.release:allow:proceedings-ended',
        'person.erase:allow:erasure-request',
      ])
        assert.ok(trail.includes(step), `${step} in ${trail.join(' ')}`);
      assert.ok(
        events.filter((e) => e.action.startsWith('legal-hold.')).every((e) => e.purpose === 'legal-hold'),
      );
    });

    test('a hold past its until date no longer holds; a pending one lapses unless approved within 7 days', async () => {
      const personId = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const until = await place(a.supervisor, personId, { reason: 'court-order', until: today() });
      assert.equal(until.status, 201, until.text);
      assert.equal((await step(a.dpo, String(until.body.id), 'approve', {})).status, 200);
      const stale = await place(a.dpo, personId, { reason: 'investigation-by-oversight' });
      assert.equal(stale.status, 201, stale.text);
      assert.equal((await erase(personId)).body.code, 'legal-hold-active');
      // Time passes: the court order's day is over, and nobody approved the second hold within the week.
      const lastWeek = addToDay(today(), { days: -8 });
      await t.database.db.query('update legal_hold set placed_on = $2, until_on = $3 where id = $1', [
        until.body.id,
        lastWeek,
        addToDay(today(), { days: -1 }),
      ]);
      await t.database.db.query('update legal_hold set placed_on = $2 where id = $1', [
        stale.body.id,
        lastWeek,
      ]);
      const listed = await holds();
      const states = Object.fromEntries(listed.body.holds.map((h) => [h.id, h.state]));
      assert.equal(states[until.body.id], 'expired');
      assert.equal(states[stale.body.id], 'lapsed');
      assert.equal((await step(a.supervisor, String(stale.body.id), 'approve', {})).status, 409);
      const shown = await preview(personId);
      assert.equal(shown.body.canErase, true, shown.text);
      assert.equal((await erase(personId)).status, 200);
    });

    test('the preview says what goes and what stays, by group and category, and no value of the person', async () => {
      const personId = await register(a.clerk, { ...KNOWN_PEOPLE[2] });
      const taken = await a.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind: 'erasure',
        channel: 'in-person',
      });
      const requestId = String(taken.body.id);
      await a.supervisor.client.post(`/api/rights-requests/${requestId}/identity-check`, {
        check: 'document-seen',
      });
      const started = await a.dpo.client.post(`/api/rights-requests/${requestId}/start`, {});
      assert.equal(started.status, 200, started.text);
      // An erasure request is answered by the erasure, not by a bare "done".
      const early = await a.dpo.client.post(`/api/rights-requests/${requestId}/answer`, {});
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'erasure-not-done');

      assert.equal(
        (await preview(personId, a.clerk)).status,
        403,
        'the preview is for whoever may erase: the DPO',
      );
      const shown = await preview(personId);
      assert.equal(shown.status, 200, shown.text);
      assert.equal(shown.body.canErase, true);
      assert.equal(shown.body.erasureRequest?.id, requestId);
      const groups = shown.body.erased.find((e) => e.item === 'field-groups');
      const identity = groups?.groups?.find((g) => g.group === 'identity');
      assert.ok(identity?.categories.includes('name'), JSON.stringify(identity));
      const bases = shown.body.erased.find((e) => e.item === 'processing-bases');
      assert.deepEqual(bases?.purposes, ['registration']);
      const grounds: Record<string, string> = Object.fromEntries(
        shown.body.kept.map((k) => [k.item, k.ground]),
      );
      assert.equal(grounds['ledger-events'], 'gdpr-5-2-accountability');
      assert.equal(grounds['rights-requests'], 'gdpr-12-request-handled');
      assert.equal(grounds.tombstone, 'gdpr-5-2-accountability');
      const text = JSON.stringify(shown.body);
      for (const value of [KNOWN_PEOPLE[2]['given-name'], KNOWN_PEOPLE[2]['family-name']])
        assert.ok(!text.includes(String(value)), `${value} is not in the preview`);

      const done = await erase(personId);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.receipt.rightsRequestId, requestId);
      const { rows } = await t.database.db.query<{ state: string }>(
        'select state from rights_request where id = $1',
        [requestId],
      );
      assert.equal(rows[0]!.state, 'answered', 'the erasure answered the request');
    });

    test('bad input is refused with stable codes, and nothing is placed', async () => {
      const personId = await register(a.clerk, { ...KNOWN_PEOPLE[3] });
      for (const [body, status, code] of [
        [{ reason: 'because' }, 400, undefined],
        [{ reason: 'other' }, 422, 'legal-hold-note-required'],
        [{ reason: 'litigation', until: addToDay(today(), { days: -1 }) }, 422, 'legal-hold-until-invalid'],
        [{ reason: 'litigation', until: '2030-02-30' }, 422, 'legal-hold-until-invalid'],
      ] as const) {
        const reply = await place(a.dpo, personId, body);
        assert.equal(reply.status, status, `${JSON.stringify(body)}: ${reply.text}`);
        if (code) assert.equal(reply.body.code, code);
      }
      assert.equal((await place(a.dpo, randomUUID(), { reason: 'litigation' })).status, 404);
      assert.equal((await place(b.dpo, personId, { reason: 'litigation' })).status, 404);
      const missing = await a.dpo.client.post(`/api/legal-holds/${randomUUID()}/approve`, {});
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'legal-hold-not-found');
      const { rows } = await t.database.db.query<{ n: number }>(
        'select count(*)::int as n from legal_hold where person_id = $1',
        [personId],
      );
      assert.equal(rows[0]!.n, 0);
    });
  });
}
