import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert, EvidenceEntry } from '../../src/governance/alerts.ts';
import type { WorkItem } from '../../src/governance/worklist.ts';
import { leavesInRange, treeHead } from '../../src/ledger/tree-store.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { sequenceEverything } from '../support/ledger.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, signedIn } from '../support/staff.ts';

/**
 * The monitor's first start (AUD-6): it begins at the head of the sequenced ledger, so an installation upgraded
 * with old work behind it does not flood its DPO with alerts on history, while what happens after is judged.
 */
for (const kind of testDatabaseKinds()) {
  describe(`the anomaly monitor's first start (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let people: string[];
    let browsingClerk: Actor;

    const cursor = async () =>
      (await t.haven.db.query<{ next_leaf: string }>('select next_leaf from monitoring_cursor')).rows.map(
        (r) => Number(r.next_leaf),
      );
    const browse = async () => {
      // Default threshold: 3 reads outside the clerk's work in 24 hours.
      for (const person of people)
        assert.equal((await browsingClerk.as('registration').get(`/api/persons/${person}`)).status, 200);
    };
    const alerts = async () =>
      (await a.dpo.client.get<{ items: WorkItem[] }>('/api/worklist')).body.items.filter(
        (i) => i.kind === 'alert',
      );
    const starts = async () =>
      (
        await t.haven.db.query<{ body: Buffer }>(
          'select body from audit_event where actor_account is null and body::text is not null order by seq',
        )
      ).rows
        .map((r) => JSON.parse(r.body.toString('utf8')) as { action: string; reason: string })
        .filter((e) => e.action === 'monitoring.start');

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      people = [];
      for (const p of KNOWN_PEOPLE.slice(0, 3)) people.push(await register(a.clerk, { ...p }));
      const staff = await createStaff(t, { role: 'clerk', tier: 2, org: 'org-a' });
      browsingClerk = actor(staff, await signedIn(t, staff));
    });
    after(() => t.close());

    test('a fresh installation: opening Haven set the cursor and ledgered where the monitor began', async () => {
      assert.equal((await cursor()).length, 1);
      assert.equal((await starts()).length, 1);
      assert.match((await starts())[0]!.reason, /^from-leaf:\d+$/);
    });

    test('an upgraded installation: old reads outside the clerk’s work raise nothing, the same reads after the start do', async () => {
      await browse();
      await sequenceEverything(t.haven.db);
      // The state of an installation from before the monitor existed: its ledger, no cursor.
      await t.haven.db.query('delete from monitoring_cursor');
      const head = Number((await treeHead(t.haven.db)).size);

      assert.equal(await t.haven.monitor.begin(), head);
      assert.deepEqual(await cursor(), [head]);
      assert.equal((await starts()).at(-1)!.reason, `from-leaf:${head}`);
      await sequenceEverything(t.haven.db);
      const first = await t.haven.monitor.catchUp();
      assert.equal(first.alerts, 0, 'history before the first start is not judged');
      assert.deepEqual(await alerts(), []);

      // A second start (a restart, another server) goes on from the cursor: nothing moves, nothing is ledgered.
      const started = (await starts()).length;
      assert.equal(await t.haven.monitor.begin(), undefined);
      assert.equal((await starts()).length, started);

      await browse();
      await sequenceEverything(t.haven.db);
      const round = await t.haven.monitor.catchUp();
      assert.equal(round.alerts, 1, 'the same reads after the start raise the alert');
      const items = await alerts();
      assert.equal(items.length, 1);
      assert.equal(items[0]!.subject, 'anomaly.outside-caseload');
      const detail = await a.dpo.client.get<{ alert: Alert; evidence: EvidenceEntry[] }>(
        `/api/monitoring/alerts/${items[0]!.ref}`,
      );
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.body.alert.subject, browsingClerk.staff.id);
      // Its evidence is the new reads only: every entry lies after the leaf the monitor began at.
      assert.equal(detail.body.evidence.length, 3);
      const now = Number((await treeHead(t.haven.db)).size);
      const after = new Set((await leavesInRange(t.haven.db, head, now)).map((l) => l.seq));
      for (const e of detail.body.evidence)
        assert.ok(after.has(e.entry), `entry ${e.entry} after leaf ${head}`);
    });
  });
}
