import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AuditEvent } from '../../src/ledger/events.ts';
import { type Refusal, RefusalLedger } from '../../src/ledger/refusals.ts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '../support/database.ts';

/** AUD-1 without a flood in the ledger: the first refusal of a kind at once, its repeats as one counted event. */

const WINDOW_SECONDS = 60;

function refusal(account: string, reason = 'wrong-password', requestId?: string): Refusal {
  return {
    actor: { kind: 'staff', account },
    action: 'auth.sign-in',
    subject: account,
    subjectType: 'account',
    decision: 'deny',
    reason,
    ...(requestId ? { requestId } : {}),
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`the refusal ledger (${kind})`, () => {
    let database: TestDatabase;
    let clock: number;
    let refusals: RefusalLedger;
    const events = async (): Promise<AuditEvent[]> => {
      const { rows } = await database.db.query<{ body: Buffer }>('select body from audit_event order by seq');
      return rows.map((r) => JSON.parse(r.body.toString('utf8')) as AuditEvent);
    };
    const total = (list: AuditEvent[]) => list.reduce((n, e) => n + (e.count ?? 1), 0);

    before(async () => {
      database = await openTestDatabase(kind);
    });
    after(() => database.drop());
    beforeEach(async () => {
      await database.db.query('delete from audit_event');
      clock = Date.parse('2025-03-01T10:00:00Z');
      refusals = new RefusalLedger(database.db, { windowSeconds: WINDOW_SECONDS, now: () => clock });
    });

    test('the first refusal of a kind is written at once, with its request id', async () => {
      const account = randomUUID();
      assert.equal(
        await refusals.record(database.db, refusal(account, 'wrong-password', 'req-1'), account),
        true,
      );
      const written = await events();
      assert.equal(written.length, 1);
      assert.equal(written[0]!.requestId, 'req-1');
      assert.equal(written[0]!.count, undefined);
      await refusals.close();
    });

    test('repeats in the window are one event with their count when the window ends', async () => {
      const account = randomUUID();
      for (let i = 0; i < 50; i++) {
        await refusals.record(database.db, refusal(account, 'wrong-password', `req-${i}`), account);
        clock += 100;
      }
      assert.equal((await events()).length, 1, 'repeats wait for the end of the window');
      assert.equal(await refusals.flushEnded(), 0, 'the window has not ended yet');
      clock += WINDOW_SECONDS * 1000;
      assert.equal(await refusals.flushEnded(), 1);
      const written = await events();
      assert.equal(written.length, 2);
      assert.equal(written[1]!.count, 49);
      assert.equal(written[1]!.requestId, 'req-49', 'the summary names the last request it counts');
      assert.equal(written[1]!.reason, 'wrong-password');
      assert.equal(written[1]!.actor.account, account);
      assert.equal(total(written), 50);
      await refusals.close();
    });

    test('a refusal after the window opens a new one and writes the count of the old', async () => {
      const account = randomUUID();
      await refusals.record(database.db, refusal(account), account);
      await refusals.record(database.db, refusal(account), account);
      await refusals.record(database.db, refusal(account), account);
      clock += WINDOW_SECONDS * 1000 + 1;
      assert.equal(
        await refusals.record(database.db, refusal(account, 'wrong-password', 'late'), account),
        true,
      );
      const written = await events();
      assert.deepEqual(
        written.map((e) => [e.count ?? 1, e.requestId ?? null]),
        [
          [1, null],
          [2, null],
          [1, 'late'],
        ],
      );
      await refusals.close();
    });

    test('different reasons and different keys are counted apart', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      for (let i = 0; i < 3; i++) {
        await refusals.record(database.db, refusal(a), a);
        await refusals.record(database.db, refusal(a, 'account-throttled'), a);
        await refusals.record(database.db, refusal(b), b);
      }
      assert.equal((await events()).length, 3);
      await refusals.flush();
      const written = await events();
      assert.equal(written.length, 6);
      for (const [account, reason] of [
        [a, 'wrong-password'],
        [a, 'account-throttled'],
        [b, 'wrong-password'],
      ] as const) {
        const mine = written.filter((e) => e.actor.account === account && e.reason === reason);
        assert.equal(total(mine), 3, `${reason} for one account`);
      }
      await refusals.close();
    });

    test('closing writes the open counts, so a flood is never lost at shutdown', async () => {
      const account = randomUUID();
      for (let i = 0; i < 1000; i++) await refusals.record(database.db, refusal(account), account);
      await refusals.close();
      const written = await events();
      assert.equal(written.length, 2);
      assert.equal(total(written), 1000);
    });

    test('past the open-window limit, new keys share one anonymous window per reason', async () => {
      const small = new RefusalLedger(database.db, { windowSeconds: 60, now: () => clock, maxWindows: 3 });
      const accounts = Array.from({ length: 40 }, () => randomUUID());
      for (const account of accounts) await small.record(database.db, refusal(account), account);
      await small.close();
      const written = await events();
      assert.equal(written.length, 3 + 2, 'three keyed windows and one shared: first and count');
      assert.equal(total(written), 40);
      const shared = written.slice(3);
      for (const e of shared) {
        assert.deepEqual(e.actor, { kind: 'anonymous' });
        assert.equal(e.subject, undefined);
      }
    });

    test('a count that cannot be written is kept and written by the next flush', async () => {
      const account = randomUUID();
      await refusals.record(database.db, refusal(account), account);
      await refusals.record(database.db, refusal(account), account);
      await database.db.query('alter table audit_event rename to audit_event_away');
      await assert.rejects(refusals.flush());
      await database.db.query('alter table audit_event_away rename to audit_event');
      assert.equal(await refusals.flush(), 1);
      assert.equal(total(await events()), 2);
      await refusals.close();
    });
  });
}
