import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert, EvidenceEntry } from '../../src/governance/alerts.ts';
import type { WorkItem } from '../../src/governance/worklist.ts';
import { computeBaseline, updateBaselines } from '../../src/monitoring/baseline.ts';
import { Monitor } from '../../src/monitoring/monitor.ts';
import type { Thresholds } from '../../src/monitoring/thresholds.ts';

import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { sequenceEverything } from '../support/ledger.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

const WORK = 'protection-case-management';

/**
 * Anomaly detection through real gate operations (AUD-6): staff read through the gate, the monitor follows the
 * ledger, and what the data explains (caseload, own registration) raises nothing while a clerk browsing a record
 * outside their work lands on the DPO's work list — not on another organisation's — and can suspend the account.
 */
for (const kind of testDatabaseKinds()) {
  describe(`anomaly detection over the ledger (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let person: string;
    let browsingClerk: Actor;

    const newClerk = async () => {
      const staff = await createStaff(t, { role: 'clerk', tier: 2, org: 'org-a' });
      return actor(staff, await signedIn(t, staff));
    };
    const read = (who: Actor, purpose: string) => who.as(purpose).get(`/api/persons/${person}`);
    const judge = async () => {
      await sequenceEverything(t.haven.db);
      return t.haven.monitor.catchUp();
    };
    const work = async (who: Actor) =>
      (await who.client.get<{ items: WorkItem[] }>('/api/worklist')).body.items.filter(
        (i) => i.kind === 'alert',
      );

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      person = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const assigned = await a.supervisor
        .as(WORK)
        .put(`/api/persons/${person}/caseload/${a.caseworker.staff.id}`);
      assert.equal(assigned.status, 200, assigned.text);
      browsingClerk = await newClerk();
    });
    after(() => t.close());

    test('thresholds: only the DPO sets them, after re-authentication; a bad one is refused whole with a stable code', async () => {
      const put = (who: Actor, body: object) => who.as(undefined).put('/api/monitoring/thresholds', body);
      assert.equal((await put(a.supervisor, { outsideCaseloadPerDay: 2 })).body.code, 'forbidden');
      // A sign-in counts as a re-authentication for a few minutes: age it.
      await t.haven.db.query(
        "update staff_session set reauthenticated_at = now() - interval '1 hour' where account_id = $1",
        [a.dpo.staff.id],
      );
      t.haven.sessions.forgetAccount(a.dpo.staff.id);
      assert.equal((await put(a.dpo, { outsideCaseloadPerDay: 2 })).body.code, 'reauthentication-required');

      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const bad = await put(a.dpo, { outsideCaseloadPerDay: 2, denialsPerHour: 0, fishingPerDay: 4 });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'alert-threshold-invalid');
      assert.deepEqual((bad.body.fields as { path: string }[]).map((f) => f.path).sort(), [
        'denialsPerHour',
        'fishingPerDay',
      ]);
      // An emptied field (null, or empty text) is missing — not coerced to 0, which offHoursShare would accept.
      for (const empty of [null, '']) {
        const missing = await put(a.dpo, { offHoursShare: empty, outsideCaseloadPerDay: 2 });
        assert.equal(missing.status, 422, missing.text);
        assert.equal(missing.body.code, 'alert-threshold-invalid');
        assert.deepEqual(
          (missing.body.fields as { path: string; code: string }[]).map((f) => [f.path, f.code]),
          [['offHoursShare', 'missing']],
        );
        assert.match(String(missing.body.message), /without a value: offHoursShare/);
      }
      // Nothing half-written: the defaults are still in force.
      const current = await a.dpo.client.get<{ thresholds: Thresholds }>('/api/monitoring/thresholds');
      assert.equal(current.body.thresholds.outsideCaseloadPerDay, 3);
      const good = await put(a.dpo, { outsideCaseloadPerDay: 2 });
      assert.equal(good.status, 200, good.text);
      assert.equal(
        (await a.dpo.client.get<{ thresholds: Thresholds }>('/api/monitoring/thresholds')).body.thresholds
          .outsideCaseloadPerDay,
        2,
      );
      // The other organisation keeps its own.
      assert.equal(
        (await b.dpo.client.get<{ thresholds: Thresholds }>('/api/monitoring/thresholds')).body.thresholds
          .outsideCaseloadPerDay,
        3,
      );
    });

    test('reads the data explains raise nothing; a clerk browsing outside their work raises an alert for this DPO only', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await read(a.caseworker, 'registration')).status, 200);
      for (let i = 0; i < 3; i++) assert.equal((await read(a.clerk, 'registration')).status, 200);
      await judge();
      assert.deepEqual(await work(a.dpo), [], 'caseload and own registration explain these reads');

      for (let i = 0; i < 2; i++) assert.equal((await read(browsingClerk, 'registration')).status, 200);
      const round = await judge();
      assert.equal(round.alerts, 1);

      const items = await work(a.dpo);
      assert.equal(items.length, 1);
      assert.equal(items[0]!.subject, 'anomaly.outside-caseload');
      assert.deepEqual(await work(b.dpo), [], 'another organisation’s DPO does not see it');

      const detail = await a.dpo.client.get<{ alert: Alert; evidence: EvidenceEntry[] }>(
        `/api/monitoring/alerts/${items[0]!.ref}`,
      );
      assert.equal(detail.status, 200, detail.text);
      const { alert, evidence } = detail.body;
      assert.equal(alert.subject, browsingClerk.staff.id);
      assert.deepEqual(alert.explanation, {
        code: 'anomaly.outside-caseload',
        params: { count: 2, threshold: 2, hours: 24 },
      });
      assert.equal(alert.suspended, false);
      assert.equal(evidence.length, 2);
      for (const e of evidence) {
        assert.equal(e.action, 'person.read');
        assert.equal(e.decision, 'allow');
        assert.equal(e.purpose, 'registration');
      }
      // The evidence names ledger entries, never the person.
      assert.ok(!detail.text.includes(person));

      assert.equal(
        (await b.dpo.client.get(`/api/monitoring/alerts/${alert.id}`)).body.code,
        'alert-not-found',
      );
      assert.equal((await a.supervisor.client.get('/api/monitoring/alerts')).body.code, 'forbidden');
    });

    test('the share of accesses explained counts each read once, by reason', async () => {
      const share = await a.dpo.client.get('/api/monitoring/explained');
      assert.equal(share.status, 200, share.text);
      assert.equal(share.body.accesses, 8);
      assert.equal(share.body.explained, 6);
      assert.deepEqual(share.body.byReason, { caseload: 3, registration: 3 });
      assert.equal(share.body.share, 0.75);
      const other = await b.dpo.client.get('/api/monitoring/explained');
      assert.equal(other.body.accesses, 0);
      assert.equal(other.body.share, null);
      const backwards = await a.dpo.client.get('/api/monitoring/explained?from=2026-05-02&to=2026-05-01');
      assert.equal(backwards.body.code, 'period-invalid');
    });

    test('the DPO acknowledges with an outcome, once; another organisation cannot', async () => {
      const [item] = await work(a.dpo);
      const ack = (who: Actor, outcome: string) =>
        who.client.post(`/api/monitoring/alerts/${item!.ref}/acknowledge`, { outcome });
      assert.equal((await ack(b.dpo, 'misuse')).body.code, 'alert-not-found');
      assert.equal((await ack(a.dpo, 'whatever')).body.code, 'alert-outcome-invalid');
      const done = await ack(a.dpo, 'misuse');
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.outcome, 'misuse');
      assert.equal((await ack(a.dpo, 'justified')).body.code, 'alert-already-acknowledged');
      assert.deepEqual(await work(a.dpo), []);
      const past = await a.dpo.client.get<{ alerts: Alert[] }>('/api/monitoring/alerts?state=acknowledged');
      assert.equal(past.body.alerts[0]?.outcome, 'misuse');
    });

    test('automatic suspension where configured: the alert disables the account and its next request is refused', async () => {
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const set = await a.dpo.as(undefined).put('/api/monitoring/thresholds', {
        outsideCaseloadPerDay: 2,
        suspendOn: ['outside-caseload'],
      });
      assert.equal(set.status, 200, set.text);
      const clerk = await newClerk();
      for (let i = 0; i < 2; i++) assert.equal((await read(clerk, 'registration')).status, 200);
      const round = await judge();
      assert.equal(round.suspended, 1);
      const refused = await read(clerk, 'registration');
      assert.equal(refused.status, 401, refused.text);
      const { rows } = await t.haven.db.query<{ status: string; disabled_reason: string }>(
        'select status, disabled_reason from staff_account where id = $1',
        [clerk.staff.id],
      );
      assert.deepEqual(rows[0], { status: 'disabled', disabled_reason: 'suspended' });
      const open = await a.dpo.client.get<{ alerts: Alert[] }>('/api/monitoring/alerts');
      assert.equal(open.body.alerts.find((x) => x.subject === clerk.staff.id)?.suspended, true);
      const items = await work(a.dpo);
      assert.deepEqual(
        items.map((i) => i.details),
        [['suspended']],
      );
      const ledger = await t.haven.db.query<{ body: Buffer }>(
        'select body from audit_event where actor_account is null and body::text is not null order by seq',
      );
      const actions = ledger.rows.map(
        (r) => JSON.parse(r.body.toString('utf8')) as { action: string; reason: string; subject?: string },
      );
      assert.ok(
        actions.some(
          (e) =>
            e.action === 'monitoring.suspend' &&
            e.subject === clerk.staff.id &&
            e.reason === 'outside-caseload',
        ),
      );
      assert.ok(
        actions.some(
          (e) => e.action === 'account.disable' && e.subject === clerk.staff.id && e.reason === 'suspended',
        ),
      );
    });

    test('two monitors (two servers) judge each ledger entry once', async () => {
      const before = await a.dpo.client.get<{ accesses: number }>('/api/monitoring/explained');
      const clerk = await newClerk();
      for (let i = 0; i < 2; i++) assert.equal((await read(clerk, 'registration')).status, 200);
      await sequenceEverything(t.haven.db);
      const other = new Monitor({
        db: t.haven.db,
        explain: t.haven.gate.explainAccesses,
        logger: t.haven.logger,
      });
      const [one, two] = await Promise.all([t.haven.monitor.catchUp(), other.catchUp()]);
      assert.equal(one.alerts + two.alerts, 1, 'one alert, not one per monitor');
      const after = await a.dpo.client.get<{ accesses: number }>('/api/monitoring/explained');
      assert.equal(after.body.accesses - before.body.accesses, 2, 'each read counted once');
      const alerts = await t.haven.db.query('select 1 from alert where subject = $1', [clerk.staff.id]);
      assert.equal(alerts.rowCount, 1);
    });

    test('the daily baseline is the exact sum of the hourly counts the monitor kept', async () => {
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const baselines = await updateBaselines(t.haven.db, tomorrow);
      const mine = baselines.find((x) => x.actor === a.caseworker.staff.id);
      const { rows } = await t.haven.db.query<{ hour: Date; accesses: number }>(
        'select hour, accesses from monitoring_hourly where actor = $1',
        [a.caseworker.staff.id],
      );
      assert.equal(mine?.accesses, 3);
      assert.deepEqual(
        { ...mine, actor: undefined, organisationId: undefined, computedOn: undefined },
        { ...computeBaseline(rows), actor: undefined, organisationId: undefined, computedOn: undefined },
      );
      const stored = await t.haven.db.query<{ accesses: number; hour_counts: number[] }>(
        'select accesses, hour_counts from monitoring_baseline where actor = $1',
        [a.caseworker.staff.id],
      );
      assert.equal(stored.rows[0]?.accesses, 3);
      assert.equal(
        stored.rows[0]?.hour_counts.reduce((s, n) => s + Number(n), 0),
        3,
      );
    });
  });
}
