import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openIncident } from '../../src/incidents/changes.ts';
import {
  incidentKeys,
  openIncidentText,
  readIncident,
  sealIncidentText,
} from '../../src/incidents/register.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff } from '../support/staff.ts';

/**
 * BRE-1, BRE-2 below the code: the database keeps the register's rules itself (a write that skips the checks is
 * still refused), and a sealed text opens only for its own incident and field (decision 0016).
 */
for (const kind of testDatabaseKinds()) {
  describe(`the incident table's own rules (${kind})`, () => {
    let t: TestHaven;
    let id = '';
    let version = 0;

    before(async () => {
      t = await startTestHaven(kind);
      const dpo = await createStaff(t, { role: 'dpo', org: 'org-db' });
      const opened = await openIncident(
        t.haven.db,
        t.haven.incidents.keys,
        {
          account: dpo.id,
          organisation: dpo.organisationId,
          audit: { kind: 'staff', account: dpo.id, organisation: dpo.organisationId, role: 'dpo' },
        },
        { awareAt: '2026-12-01T00:00:00Z', nature: ['integrity'], texts: { description: 'Words.' } },
        new Date('2026-12-01T02:00:00Z'),
      );
      id = opened.id;
      version = opened.version;
    });
    after(() => t.close());

    const refused = async (sql: string, params: unknown[]) => {
      await assert.rejects(t.database.db.query(sql, params as never), /check constraint|violates/);
    };

    test('no notification before awareness, none late without a reason, none half-recorded; no closing without measures', async () => {
      const dpo = (
        await t.database.db.query<{ recorded_by: string }>('select recorded_by from incident where id = $1', [
          id,
        ])
      ).rows[0]!.recorded_by;
      const notify = `update incident set notified_at = $2::timestamptz, notified_to = 'DPA', notification_sealed = '\\x00'::bytea,
        notified_by = $3::uuid where id = $1::uuid`;
      await refused(notify, [id, '2026-11-30T00:00:00Z', dpo]);
      await refused(notify, [id, '2026-12-04T00:00:01Z', dpo]);
      await refused(`update incident set notified_at = now() where id = $1::uuid`, [id]);
      await refused(`update incident set state = 'closed', closed_at = now() where id = $1::uuid`, [id]);
      await refused(`update incident set reference = 'DRILL-2026-999' where id = $1::uuid`, [id]);
      await refused(`update incident set data_categories = array['shoe-size'] where id = $1::uuid`, [id]);
      await refused(`update incident set source_kind = 'account' where id = $1::uuid`, [id]);
      // In time, with everything: accepted.
      await t.database.db.query(notify, [id, '2026-12-04T00:00:00Z', dpo]);
      const row = await readIncident(
        t.haven.db,
        t.haven.incidents.keys,
        (
          await t.database.db.query<{ o: string }>(
            'select organisation_id as o from incident where id = $1',
            [id],
          )
        ).rows[0]!.o,
        id,
        { withTexts: false },
      );
      assert.equal(row.version, version);
      assert.equal(row.notification?.at.toISOString(), '2026-12-04T00:00:00.000Z');
    });

    test('the table counts 72 elapsed hours whatever the session’s time zone: across the spring change too', async () => {
      const dpo = await createStaff(t, { role: 'dpo', org: 'org-dst' });
      const spring = await openIncident(
        t.haven.db,
        t.haven.incidents.keys,
        {
          account: dpo.id,
          organisation: dpo.organisationId,
          audit: { kind: 'staff', account: dpo.id, organisation: dpo.organisationId, role: 'dpo' },
        },
        { awareAt: '2026-03-28T10:00:00Z', nature: ['integrity'] },
        new Date('2026-03-28T12:00:00Z'),
      );
      // In Berlin '3 days' after would be 09:00Z (a wall-clock day is 23 hours that weekend); 72 hours is 10:00Z.
      const notifyIn = (at: string) =>
        t.database.db.transaction(async (tx) => {
          await tx.query("set local timezone = 'Europe/Berlin'");
          await tx.query(
            `update incident set notified_at = $2::timestamptz, notified_to = 'DPA', notification_sealed = '\\x00'::bytea,
               notified_by = $3::uuid where id = $1::uuid`,
            [spring.id, at, dpo.id],
          );
        });
      await assert.rejects(notifyIn('2026-03-31T12:00:00.001+02:00'), /check constraint|violates/);
      await notifyIn('2026-03-31T12:00:00+02:00');
      const told = await readIncident(t.haven.db, t.haven.incidents.keys, dpo.organisationId, spring.id, {
        withTexts: false,
      });
      assert.equal(told.notification?.at.toISOString(), '2026-03-31T10:00:00.000Z');
    });

    test('a sealed text opens only for its incident and field, and only with the key', () => {
      const keys = t.haven.incidents.keys;
      const sealed = sealIncidentText(keys, id, 'description', 'Words.');
      assert.equal(openIncidentText(keys, id, 'description', sealed), 'Words.');
      assert.throws(() => openIncidentText(keys, randomUUID(), 'description', sealed));
      assert.throws(() => openIncidentText(keys, id, 'consequences', sealed));
      assert.throws(() => openIncidentText(incidentKeys(randomBytes(32)), id, 'description', sealed));
      assert.ok(!sealed.includes(Buffer.from('Words.')));
    });
  });
}
