import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import { parseDictionary } from '../../src/domain/dictionary/index.ts';
import type { CaseStateView } from '../../src/gate/case-states.ts';
import type { GateRequest } from '../../src/gate/context.ts';
import { type RetentionPreview, retentionPreview } from '../../src/gate/retention-preview.ts';
import { shippedText } from '../domain/dictionary-fixtures.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';

const today = () => new Date().toISOString().slice(0, 10);
const WORK = 'protection-case-management';

/**
 * Case states (RET-1): changed by those who work the case, each change a ledger event, refused to clerks and
 * other organisations; the retention preview shows what the rules make due, what a legal hold keeps, and a
 * shorter rule before it takes effect.
 */
for (const kind of testDatabaseKinds()) {
  describe(`case states and the retention preview (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
    });
    after(() => t.close());

    type Refusal = { code: string; reason?: string };
    const change = (who: Team['supervisor'], personId: string, body: object, purpose = WORK) =>
      who.as(purpose).post(`/api/persons/${personId}/case-state`, body) as unknown as Promise<{
        status: number;
        text: string;
        body: CaseStateView & Refusal;
      }>;
    const history = (who: Team['supervisor'], personId: string) =>
      who.as(WORK).get(`/api/persons/${personId}/case-state`) as unknown as Promise<{
        status: number;
        text: string;
        body: CaseStateView & Refusal;
      }>;
    const preview = (who: Team['dpo'], days = 30) =>
      who.client.get<RetentionPreview & Refusal>(`/api/retention/preview?days=${days}`);

    test('a supervisor closes and reopens a case: dated, in the history and the ledger; clerks, caseworkers outside their caseload and other organisations are refused', async () => {
      const personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const open = await history(a.supervisor, personId);
      assert.equal(open.status, 200, open.text);
      assert.deepEqual([open.body.state, open.body.sinceOn, open.body.transitions], ['open', today(), []]);

      const closed = await change(a.supervisor, personId, { state: 'closed', reason: 'person-left' });
      assert.equal(closed.status, 200, closed.text);
      assert.deepEqual(
        [closed.body.state, closed.body.sinceOn, closed.body.caseClosedOn],
        ['closed', today(), today()],
      );
      const resettled = await change(a.supervisor, personId, { state: 'resettled' });
      assert.equal(resettled.body.caseClosedOn, today(), 'closure day kept between closed states');
      const reopened = await change(a.supervisor, personId, { state: 'open', reason: 'reopened' });
      assert.equal(reopened.body.caseClosedOn, null);

      const shown = await history(a.supervisor, personId);
      assert.deepEqual(
        shown.body.transitions?.map((x) => [x.from, x.to, x.by]),
        [
          ['resettled', 'open', a.supervisor.staff.id],
          ['closed', 'resettled', a.supervisor.staff.id],
          ['open', 'closed', a.supervisor.staff.id],
        ],
      );
      const events = (await ledgerEvents(t, personId)).filter((e) => e.action === 'case-state.change');
      assert.deepEqual(
        events.map((e) => [e.decision, e.reason, e.purpose]),
        [
          ['allow', 'closed', WORK],
          ['allow', 'resettled', WORK],
          ['allow', 'open', WORK],
        ],
      );

      const clerk = await change(a.clerk, personId, { state: 'closed' });
      assert.equal(clerk.status, 403, clerk.text);
      const outside = await change(a.caseworker, personId, { state: 'closed' });
      assert.equal(outside.status, 403, outside.text);
      assert.equal(outside.body.reason, 'not-in-caseload');
      const other = await change(b.supervisor, personId, { state: 'closed' });
      assert.ok([403, 404].includes(other.status), other.text);
      const denied = (await ledgerEvents(t, personId)).filter(
        (e) => e.action === 'case-state.change' && e.decision === 'deny',
      );
      assert.ok(denied.length >= 3, 'each refusal is in the ledger');

      // Bad input: an unknown state, the same state, a day ahead.
      assert.equal(
        (await change(a.supervisor, personId, { state: 'archived' })).body.code,
        'case-state-invalid',
      );
      assert.equal(
        (await change(a.supervisor, personId, { state: 'open' })).body.code,
        'case-state-unchanged',
      );
      const ahead = await change(a.supervisor, personId, {
        state: 'closed',
        on: addToDay(today(), { days: 1 }),
      });
      assert.equal(ahead.body.code, 'case-state-day-invalid');
      // Nothing half-written: still open, three changes.
      assert.equal((await history(a.supervisor, personId)).body.transitions?.length, 3);
    });

    test('the preview lists what falls due and what a legal hold keeps, to the DPO and supervisors only', async () => {
      const kept = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const going = await register(a.clerk, { ...KNOWN_PEOPLE[2] });
      for (const id of [kept, going])
        assert.equal((await change(a.supervisor, id, { state: 'claim-rejected' })).status, 200);
      const hold = await a.supervisor.client.post<{ id: string }>(`/api/persons/${kept}/legal-holds`, {
        reason: 'litigation',
      });
      assert.equal(hold.status, 201, hold.text);

      // Under the shipped rules nothing these two have falls due within 30 days (biometrics: none recorded).
      const shipped = await preview(a.dpo);
      assert.equal(shipped.status, 200, shipped.text);
      assert.deepEqual(
        shipped.body.items.filter((i) => [kept, going].includes(i.personId)),
        [],
      );
      assert.equal((await preview(a.clerk as Team['dpo'])).status, 403);
      assert.equal((await preview(a.caseworker as Team['dpo'])).status, 403);

      // A rule change shortening retention shows here first: identity kept 5 days after closure (while the
      // hold, pending, still holds: unapproved, it lapses after 7 days).
      const shorter = parseDictionary(
        shippedText.replaceAll('retention: case-closed + 5 years', 'retention: case-closed + 5 days'),
        'shorter.yaml',
      );
      const ctx = { ...t.internals.gateContext, dictionary: shorter };
      const request: GateRequest = {
        actor: {
          kind: 'staff',
          accountId: a.dpo.staff.id,
          organisationId: a.dpo.staff.organisationId,
          role: 'dpo',
          tier: 4,
          assurance: 2,
        },
        purpose: undefined,
        requestId: 'test-retention-preview',
      };
      const soon = await retentionPreview(ctx, request, { days: 30 });
      const identity = (id: string) => soon.items.find((i) => i.personId === id && i.group === 'identity');
      assert.deepEqual(
        [identity(going)?.dueOn, identity(going)?.rule, identity(going)?.heldBy],
        [addToDay(today(), { days: 5 }), 'case-closed + 5 days', []],
      );
      assert.deepEqual(identity(kept)?.heldBy, [hold.body.id], 'the hold keeps it');
      assert.ok(soon.totals.held >= 1 && soon.totals.items > soon.totals.held);
      const day = soon.counts.find(
        (c) => c.goesOn === addToDay(today(), { days: 5 }) && c.category === 'name',
      );
      assert.ok(day && day.items >= 2 && day.held >= 1, JSON.stringify(soon.counts));
      // Not within 3 days; the preview names no value.
      assert.equal(
        (await retentionPreview(ctx, request, { days: 3 })).items.filter((i) => i.personId === going).length,
        0,
      );
      assert.doesNotMatch(JSON.stringify(soon), new RegExp(String(KNOWN_PEOPLE[2]!['family-name'] ?? 'x^')));
      const bad = await preview(a.dpo, 99999);
      assert.equal(bad.status, 400);
      await assert.rejects(retentionPreview(ctx, request, { days: -1 }), {
        code: 'retention-preview-days-invalid',
      });

      const previews = (await ledgerEvents(t)).filter((e) => e.action === 'retention.preview');
      assert.ok(previews.some((e) => e.decision === 'allow' && e.purpose === 'retention'));
      assert.ok(previews.some((e) => e.decision === 'deny'));
    });
  });
}
