import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AuditEvent } from '../../src/ledger/events.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, signedIn } from '../support/staff.ts';

/**
 * AUD-1 with ACC-5: a flood of refusals is on record without flooding the ledger. Repeats of one refusal (same
 * reason, same account or address) in a window are one event with a count; the counts add up to the attempts.
 */

const WINDOW_MS = 60_000;

for (const kind of testDatabaseKinds()) {
  describe(`a flood of refusals in the ledger (${kind})`, () => {
    let t: TestHaven;
    let clock: number;

    const denials = async (match: (e: AuditEvent) => boolean): Promise<AuditEvent[]> => {
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event order by seq');
      return rows
        .map((r) => JSON.parse(r.body.toString('utf8')) as AuditEvent)
        .filter((e) => e.decision === 'deny' && match(e));
    };
    const total = (events: AuditEvent[]) => events.reduce((n, e) => n + (e.count ?? 1), 0);

    before(async () => {
      t = await startTestHaven(kind, { HAVEN_ADDRESS_FAILURE_LIMIT: '20' });
    });
    after(() => t.close());
    beforeEach(async () => {
      await t.haven.refusals.flush();
      // The refusal ledger's own clock stands still unless a test moves it: no window ends by itself.
      clock = Date.now();
      t.haven.refusals.now = () => clock;
    });

    test('200 failed sign-ins for one account are a handful of events whose counts add up to 200', async () => {
      const staff = await createStaff(t, { org: 'flood' });
      const statuses = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const reply = await new Client(t.app).post('/api/auth/sign-in', {
          email: staff.email,
          password: `wrong guess ${i}`,
        });
        statuses.add(reply.status);
      }
      assert.ok(!statuses.has(200));
      const mine = (e: AuditEvent) => e.action === 'auth.sign-in' && e.subject === staff.id;
      const beforeFlush = await denials(mine);
      // Only the first of each reason is written at once (wrong-password, then account-throttled).
      assert.ok(beforeFlush.length <= 3, `${beforeFlush.length} events before the window ends`);
      await t.haven.refusals.flush();
      const events = await denials(mine);
      assert.ok(events.length <= 6, `${events.length} events for 200 attempts`);
      assert.equal(total(events), 200);
      assert.ok(
        events.some((e) => (e.count ?? 1) > 100),
        'one event stands for most of the flood',
      );
    });

    test('150 sign-ins with unknown e-mails from one address: bounded, anonymous, no e-mail, no address', async () => {
      for (let i = 0; i < 150; i++) {
        await new Client(t.app).post('/api/auth/sign-in', {
          email: `guess-${i}@flood.example`,
          password: 'guessing password',
        });
      }
      await t.haven.refusals.flush();
      const events = await denials(
        (e) => e.action === 'auth.sign-in' && ['unknown-account', 'address-throttled'].includes(e.reason),
      );
      assert.ok(events.length <= 4, `${events.length} events for 150 attempts`);
      assert.equal(total(events), 150);
      for (const e of events) assert.deepEqual(e.actor, { kind: 'anonymous' });
      const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event');
      const raw = rows.map((r) => r.body.toString('utf8')).join('\n');
      assert.ok(!raw.includes('flood.example'), 'no e-mail typed');
      assert.ok(!raw.includes('127.0.0.1'), 'no address');
      await t.haven.db.query('delete from sign_in_throttle');
    });

    test('a flood of CSRF refusals on one session is counted as well', async () => {
      const staff = await createStaff(t, { org: 'flood' });
      const client = await signedIn(t, staff);
      for (let i = 0; i < 200; i++) {
        const reply = await client.post('/api/account/recovery-codes', {}, { csrf: false });
        assert.equal(reply.body.code, 'csrf-token-missing');
      }
      await t.haven.refusals.flush();
      const events = await denials((e) => e.reason === 'csrf-token-missing' && e.actor.account === staff.id);
      assert.equal(events.length, 2);
      assert.equal(total(events), 200);
    });

    test('a flood that lasts several windows is about two events per window, and none is lost', async () => {
      const staff = await createStaff(t, { org: 'flood' });
      const client = await signedIn(t, staff);
      for (let window = 0; window < 3; window++) {
        for (let i = 0; i < 30; i++) {
          await client.post(
            '/api/account/recovery-codes',
            {},
            { csrf: false, headers: { 'x-csrf-token': 'x' } },
          );
          clock += 1000;
        }
        clock += WINDOW_MS;
        // The background timer would write the ended window within a second; call it instead of waiting.
        await t.haven.refusals.flushEnded();
      }
      const events = await denials((e) => e.reason === 'csrf-token-invalid' && e.actor.account === staff.id);
      assert.deepEqual(
        events.map((e) => e.count ?? 1),
        [1, 29, 1, 29, 1, 29],
      );
    });
  });
}
