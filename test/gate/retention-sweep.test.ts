import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { addToDay } from '../../src/domain/calendar.ts';
import { parseDictionary } from '../../src/domain/dictionary/index.ts';
import type { GateContext, GateRequest } from '../../src/gate/context.ts';
import { retentionPreview } from '../../src/gate/retention-preview.ts';
import { runRetentionSweep } from '../../src/gate/retention-sweep.ts';
import { shippedText } from '../domain/dictionary-fixtures.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';

const WORK = 'protection-case-management';
const today = () => new Date().toISOString().slice(0, 10);
const at = (day: string) => new Date(`${day}T12:00:00Z`);

/**
 * The retention sweep (RET-2) on a generated registry: after each sweep, exactly what the preview (the same due
 * dates) called due and unheld is gone — no more, no less — whole persons past the person-wide rule, single field
 * groups past their own; a sweep killed half-way is finished by the next one; and a group erased by the sweep has
 * no key left anywhere, while the person's other groups still decrypt.
 */
for (const kind of testDatabaseKinds()) {
  describe(`the retention sweep (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    // Contact kept 30 days after closure, so a sweep a month ahead has single groups to take.
    const dictionary = parseDictionary(
      shippedText.replace('retention: last-contact + 2 years', 'retention: case-closed + 30 days'),
      'sweep-test.yaml',
    );

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
    });
    after(() => t.close());

    const dpo = (): GateRequest => ({
      actor: {
        kind: 'staff',
        accountId: a.dpo.staff.id,
        organisationId: a.dpo.staff.organisationId,
        role: 'dpo',
        tier: 4,
        assurance: 2,
      },
      purpose: undefined,
      requestId: 'test-retention-sweep',
    });
    const on = (day: string): GateContext => ({ ...t.internals.gateContext, dictionary, now: () => at(day) });

    async function stored(ids: readonly string[]) {
      const { rows } = await t.internals.gateContext.db.query<{
        id: string;
        status: string;
        groups: string[];
      }>(
        `select p.id, p.status, array(select g.field_group from person_group g where g.person_id = p.id order by 1) as groups
           from person p where p.id = any($1::uuid[])`,
        [ids],
      );
      return new Map(rows.map((r) => [r.id, { status: r.status, groups: r.groups }]));
    }

    /** What the preview calls due and unheld on `day`: whole persons (the person rule) and single groups. */
    async function expected(day: string, ids: readonly string[]) {
      const preview = await retentionPreview(on(day), dpo(), { days: 0 });
      const mine = preview.items.filter((i) => ids.includes(i.personId) && i.heldBy.length === 0);
      const whole = new Set(mine.filter((i) => i.by === 'person').map((i) => i.personId));
      const groups = mine
        .filter((i) => i.by === 'class' && !whole.has(i.personId))
        .map((i) => `${i.personId} ${i.group}`);
      return {
        whole,
        groups: new Set(groups),
        held: preview.items.filter((i) => i.heldBy.length > 0).length,
      };
    }

    test('on a generated registry, each sweep erases exactly what is due and unheld; holds win; the disposal is recorded', async () => {
      const plan = fc.sample(
        fc.record({ closed: fc.boolean(), held: fc.boolean(), person: fc.nat(KNOWN_PEOPLE.length - 1) }),
        { numRuns: 16, seed: 1807 },
      );
      // Both kinds of case, held and not, whatever the sample drew.
      plan.push(
        { closed: true, held: false, person: 0 },
        { closed: true, held: true, person: 1 },
        { closed: false, held: false, person: 2 },
      );
      const ids: string[] = [];
      for (const p of plan) {
        const id = await register(a.clerk, { ...KNOWN_PEOPLE[p.person] });
        ids.push(id);
        if (p.closed) {
          const r = await a.supervisor
            .as(WORK)
            .post(`/api/persons/${id}/case-state`, { state: 'closed', reason: 'person-left' });
          assert.equal(r.status, 200, r.text);
        }
        if (p.held) {
          const hold = await a.supervisor.client.post<{ id: string }>(`/api/persons/${id}/legal-holds`, {
            reason: 'litigation',
          });
          assert.equal(hold.status, 201, hold.text);
          const ok = await a.dpo.client.post(`/api/legal-holds/${hold.body.id}/approve`, {});
          assert.equal(ok.status, 200, ok.text);
        }
      }
      let before = await stored(ids);
      const steps = [
        addToDay(today(), { days: 31 }),
        addToDay(today(), { months: 61 }),
        addToDay(today(), { months: 121 }),
      ];
      let wholeSoFar = 0;
      for (const day of steps) {
        const want = await expected(day, ids);
        const outcome = await runRetentionSweep(on(day), { trigger: 'command', batchSize: 4 });
        const now = await stored(ids);
        for (const id of ids) {
          const was = before.get(id)!;
          const is = now.get(id)!;
          if (want.whole.has(id)) {
            assert.deepEqual([is.status, is.groups], ['erased', []], `${day}: ${id} goes whole`);
            continue;
          }
          const gone = was.groups.filter((g) => want.groups.has(`${id} ${g}`));
          assert.equal(is.status, was.status, `${day}: ${id} keeps its status`);
          assert.deepEqual(
            is.groups,
            was.groups.filter((g) => !gone.includes(g)),
            `${day}: ${id} loses exactly ${gone}`,
          );
        }
        // Within this registry; other tests' persons may be due too.
        assert.ok(outcome.personsErased >= want.whole.size);
        assert.ok(outcome.groupsErased >= want.groups.size);
        wholeSoFar += want.whole.size;
        // Nothing due and unheld is left for the next sweep on the same day.
        const again = await expected(day, ids);
        assert.deepEqual([again.whole.size, again.groups.size], [0, 0], `${day}: nothing left`);
        before = now;
      }
      // Every step erased something, and the held persons are all still there, whole.
      assert.ok(wholeSoFar > 0);
      const last = await stored(ids);
      plan.forEach((p, i) => {
        if (p.held) assert.equal(last.get(ids[i]!)!.status, 'active', 'the hold wins');
        else assert.equal(last.get(ids[i]!)!.status, 'erased');
      });

      // The disposal record: an event per person with ids and groups only, the figures, and the sweep's digest.
      // The closed, unheld person with documents pushed above.
      const first = ids[plan.length - 3]!;
      const erasedGroups = (await ledgerEvents(t, first)).filter((e) =>
        e.action.startsWith('retention.erase'),
      );
      assert.deepEqual(
        erasedGroups.map((e) => [e.action, e.fieldGroups ?? null, e.reason, e.purpose]),
        [
          ['retention.erase-groups', ['contact'], 'retention-due', 'retention'],
          ['retention.erase-groups', ['documents'], 'retention-due', 'retention'],
          ['retention.erase-groups', ['identity'], 'retention-due', 'retention'],
          ['retention.erase-person', null, 'retention-due', 'retention'],
        ],
      );
      const { rows: figures } = await t.haven.db.query<{ field_group: string; rule: string; items: number }>(
        `select d.field_group, d.rule, sum(d.items)::int as items from retention_disposal d
           join retention_sweep s on s.id = d.sweep_id where d.organisation_id = $1 group by 1, 2 order by 1, 2`,
        [a.dpo.staff.organisationId],
      );
      assert.ok(
        figures.some((f) => f.field_group === 'contact' && f.rule === 'case-closed + 30 days' && f.items > 0),
      );
      assert.ok(
        figures.some((f) => f.field_group === '*' && f.rule === 'last-contact + 10 years' && f.items > 0),
      );
      const sweeps = (await ledgerEvents(t)).filter((e) => e.action === 'retention.sweep');
      assert.ok(sweeps.length >= 3 && sweeps.every((e) => e.reason === 'done'));
      // Nothing the sweep wrote names a value.
      const { rows: dump } = await t.haven.db.query<{ body: Buffer }>(
        `select body from audit_event where convert_from(body, 'UTF8') like '%retention.%'`,
      );
      for (const name of ['Mohammed', 'Oleksandra', 'José'])
        assert.ok(!dump.some((r) => r.body.toString('utf8').includes(name)));
    });

    test('a sweep killed half-way is finished by the next one: nothing due left, nothing erased twice', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = await register(a.clerk, { ...KNOWN_PEOPLE[i % KNOWN_PEOPLE.length] });
        await a.supervisor
          .as(WORK)
          .post(`/api/persons/${id}/case-state`, { state: 'closed', reason: 'person-left' });
        ids.push(id);
      }
      const day = addToDay(today(), { days: 31 });
      const want = await expected(day, ids);
      assert.equal(want.groups.size, ids.length, 'each one’s contact is due');
      await assert.rejects(
        runRetentionSweep(on(day), { trigger: 'command', batchSize: 3, crashAfterBatches: 1 }),
        /crash/,
      );
      const half = await stored(ids);
      const pending = await t.internals.gateContext.db.query<{ n: number }>(
        `select count(*)::int as n from group_erasure where person_id = any($1::uuid[]) and done_at is null`,
        [ids],
      );
      assert.ok(pending.rows[0]!.n > 0, 'the kill left claimed erasures pending');
      assert.ok([...half.values()].some((p) => p.groups.includes('contact')));

      const next = await runRetentionSweep(on(day), { trigger: 'command', batchSize: 3 });
      assert.ok(next.finished > 0, 'the next sweep finished the pending ones first');
      const done = await stored(ids);
      for (const id of ids) assert.ok(!done.get(id)!.groups.includes('contact'), 'nothing due left');
      const events = (await ledgerEvents(t)).filter((e) => e.action === 'retention.erase-groups');
      const { rows } = await t.haven.db.query<{ n: number }>(
        `select count(*)::int as n from audit_event where person_id = any($1::uuid[])
            and convert_from(body, 'UTF8') like '%"action":"retention.erase-groups"%'`,
        [ids],
      );
      assert.equal(rows[0]!.n, ids.length, 'one disposal event per erasure, none twice');
      assert.ok(events.length >= ids.length);
      const erasures = await t.internals.gateContext.db.query<{ n: number }>(
        `select count(*)::int as n from group_erasure where person_id = any($1::uuid[])`,
        [ids],
      );
      assert.equal(erasures.rows[0]!.n, ids.length);
    });

    test('a hold on some categories keeps those and lets the sweep take the rest; any hold keeps the person', async () => {
      const [kept, other] = [
        await register(a.clerk, { ...KNOWN_PEOPLE[0] }),
        await register(a.clerk, { ...KNOWN_PEOPLE[1] }),
      ];
      for (const [id, categories] of [
        [kept, ['contact']],
        [other, ['biometric']],
      ] as const) {
        await a.supervisor
          .as(WORK)
          .post(`/api/persons/${id}/case-state`, { state: 'closed', reason: 'person-left' });
        const hold = await a.supervisor.client.post<{ id: string; categories: string[] }>(
          `/api/persons/${id}/legal-holds`,
          { reason: 'court-order', categories },
        );
        assert.equal(hold.status, 201, hold.text);
        assert.deepEqual(hold.body.categories, categories);
        assert.equal((await a.dpo.client.post(`/api/legal-holds/${hold.body.id}/approve`, {})).status, 200);
      }
      const month = addToDay(today(), { days: 31 });
      const preview = await retentionPreview(on(month), dpo(), { days: 0 });
      const contact = (id: string) => preview.items.find((i) => i.personId === id && i.group === 'contact');
      assert.equal(contact(kept)?.heldBy.length, 1, 'the contact hold keeps the contact group');
      assert.equal(contact(other)?.heldBy.length, 0, 'a biometrics hold does not');
      await runRetentionSweep(on(month), { trigger: 'command' });
      const after = await stored([kept, other]);
      assert.ok(after.get(kept)!.groups.includes('contact'));
      assert.ok(!after.get(other)!.groups.includes('contact'));
      // Past the person-wide rule: neither goes whole, each keeps what its hold covers, the rest goes by class.
      await runRetentionSweep(on(addToDay(today(), { months: 121 })), { trigger: 'command' });
      const late = await stored([kept, other]);
      assert.deepEqual(
        [late.get(kept), late.get(other)],
        [
          { status: 'active', groups: ['contact'] },
          { status: 'active', groups: [] },
        ],
      );
      // Bad scope: refused with a stable code, nothing placed.
      const bad = await a.supervisor.client.post<{ code: string }>(`/api/persons/${kept}/legal-holds`, {
        reason: 'court-order',
        categories: ['fingerprints'],
      });
      assert.equal(bad.status, 400, bad.text);
    });

    test('the sweeps and the last drill are shown to the DPO and supervisors, with their own figures; only the DPO starts one', async () => {
      const listed = await a.dpo.client.get<{
        sweeps: {
          id: string;
          state: string;
          personsErased: number;
          disposals: { group: string; items: number }[];
        }[];
        lastDrill: unknown;
      }>('/api/retention/sweeps');
      assert.equal(listed.status, 200, listed.text);
      assert.ok(listed.body.sweeps.length >= 3);
      // All done but the one killed above: it shows as running until it is six hours old, then as failed.
      assert.deepEqual(
        listed.body.sweeps.filter((s) => s.state !== 'done').map((s) => s.state),
        ['running'],
      );
      const wholes = listed.body.sweeps.flatMap((s) => s.disposals).filter((d) => d.group === '*');
      assert.ok(wholes.length > 0 && wholes.every((d) => d.items > 0));
      assert.equal((await a.supervisor.client.get('/api/retention/sweeps')).status, 200);
      assert.equal((await a.clerk.client.get('/api/retention/sweeps')).status, 403);
      // Another organisation sees the sweeps, but none of these figures.
      const b = await team(t, 'org-b-sweeps');
      const theirs = await b.dpo.client.get<{ sweeps: { personsErased: number; disposals: unknown[] }[] }>(
        '/api/retention/sweeps',
      );
      assert.ok(theirs.body.sweeps.every((s) => s.personsErased === 0 && s.disposals.length === 0));

      // No restore drill yet: the DPO's work list says so, overdue, and leads to the Retention page.
      const work = await a.dpo.client.get<{ items: { kind: string; overdue: boolean; details: string[] }[] }>(
        '/api/worklist',
      );
      assert.deepEqual(
        work.body.items.filter((i) => i.kind === 'restore-drill-due').map((i) => [i.overdue, i.details]),
        [[true, ['never-run']]],
      );
      const refused = await a.supervisor.client.post<{ code: string }>('/api/retention/sweeps', {});
      assert.equal(refused.status, 403, refused.text);
      const started = await a.dpo.client.post<{ sweepId: string }>('/api/retention/sweeps', {});
      assert.equal(started.status, 202, started.text);
      assert.match(started.body.sweepId, /^[0-9a-f-]{36}$/);
      const events = (await ledgerEvents(t)).filter((e) => e.action === 'retention.sweep-request');
      assert.deepEqual(
        events.map((e) => e.decision),
        ['deny', 'allow'],
      );
    });

    test('a group erased by the sweep has no key left; the person’s other groups still read', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      await a.supervisor
        .as(WORK)
        .post(`/api/persons/${id}/case-state`, { state: 'closed', reason: 'person-left' });
      const { rows: sealed } = await t.internals.gateContext.db.query<{
        version: number;
        ciphertext: Buffer;
      }>(`select version, ciphertext from person_group where person_id = $1 and field_group = 'contact'`, [
        id,
      ]);
      assert.equal(sealed.length, 1);
      // A proposed correction copies values out of their groups: sealed under the copies' key, it goes too.
      const proposed = await a.clerk.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      assert.equal(proposed.status, 201, proposed.text);
      const { rows: copy } = await t.internals.gateContext.db.query<{ proposal: Buffer }>(
        'select proposal from correction where person_id = $1',
        [id],
      );
      assert.equal(copy.length, 1);
      await runRetentionSweep(on(addToDay(today(), { days: 31 })), { trigger: 'command' });
      const { rows: corrections } = await t.internals.gateContext.db.query(
        'select 1 from correction where person_id = $1',
        [id],
      );
      assert.equal(corrections.length, 0, 'the correction went with the copies’ key');
      const keys = (await t.internals.vault.personKey(id))!;
      assert.equal(keys.group('contact'), null, 'the contact key is destroyed');
      assert.ok(keys.group('identity'));
      // A stolen copy of the old ciphertext (a backup) opens with no key the vault still has.
      const { openGroup } = await import('../../src/crypto/envelope.ts');
      for (const g of ['identity', 'documents', 'contact']) {
        const key = keys.group(g);
        if (key)
          assert.throws(() => openGroup(key, id, 'contact', sealed[0]!.version, sealed[0]!.ciphertext));
      }
      assert.throws(() => openGroup(keys.person, id, 'contact', sealed[0]!.version, sealed[0]!.ciphertext));
      assert.equal(keys.copies, null, 'the copies’ key is destroyed: a backup’s correction stays unreadable');
      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(read.status, 200, read.text);
      const data = (read.body as { data: Record<string, Record<string, unknown>> }).data;
      assert.equal(data.identity?.['given-name'], 'محمد', 'identity still reads');
      assert.equal(data.contact, undefined);
    });
  });
}
