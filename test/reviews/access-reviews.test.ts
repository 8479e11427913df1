import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { addToDay, dayOf } from '../../src/domain/calendar.ts';
import { type Haven, openHaven } from '../../src/haven.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { REVIEW_JOB } from '../../src/reviews/review-job.ts';
import { agreedPartner, askForRelease } from '../sharing/partner-support.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { actor, CONSENT, ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { sequenceEverything } from '../support/ledger.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

/**
 * Access recertification (ACC-7) over HTTP: grants lapse by the scheduled job when nobody re-approved them, and the
 * very next request is decided without them (the session cache included); dormant accounts are disabled and their
 * sessions end (ACC-4); reviewers never review themselves or other reviewers' staff; usage figures are the ledger's.
 */
const PROTECTION = 'protection-case-management';
const DAY = 86_400_000;

interface GrantView {
  id: string;
  kind: string;
  accountId: string | null;
  state: string;
  reviewDue: string;
}
interface Entry {
  grant: GrantView;
  usage: { lastUse: string | null; volume: number; people: number; since: string; until: string };
  campaign: { id: string; decision: string | null } | null;
}

async function grantsOf(t: TestHaven, accountId: string) {
  const { rows } = await t.haven.db.query<{ id: string; kind: string; state: string; review_due: string }>(
    `select id, kind, state, review_due::text as review_due from access_grant where account_id = $1 order by kind, granted_at`,
    [accountId],
  );
  return rows;
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`access reviews (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    // A second server on the same database that works jobs (the first only serves requests): the job runs there,
    // by its own clock, and the first server must still refuse at once.
    let worker: Haven;
    const realNow = () => new Date();
    before(async () => {
      // Sessions cached for 30 s: a lapse must still deny the very next request (ACC-4, ACC-7).
      t = await startTestHaven(kind, { HAVEN_SESSION_CACHE_SECONDS: '30' });
      worker = await openHaven(
        loadConfig({ HAVEN_DATA_DIR: t.dataDir, HAVEN_LOG_LEVEL: 'silent' }, tempDir()),
        {
          database: t.database.db,
          vaultDatabase: t.vaultDatabase.db,
          logger: createLogger('silent'),
          jobWorkers: true,
        },
      );
      a = await team(t, 'rev-a');
      b = await team(t, 'rev-b');
    });
    after(async () => {
      t.haven.clock.now = realNow;
      await worker.sessions.close();
      await worker.jobs.stop();
      await worker.policyImpacts.close();
      await worker.refusals.close();
      await t.close();
    });

    test('the access-review job is scheduled (HAVEN_REVIEW_SCHEDULE)', async () => {
      const { rows } = await t.database.db.query<{ name: string; cron: string }>(
        `select name, cron from pgboss.schedule where name = $1`,
        [REVIEW_JOB],
      );
      assert.deepEqual(rows, [{ name: REVIEW_JOB, cron: '23 1 * * *' }]);
    });

    test('grants unreviewed by their date lapse through the scheduled job; the very next request is refused', async () => {
      const personId = await register(a.caseworker);
      const consent = await a.caseworker
        .as(PROTECTION)
        .post(`/api/persons/${personId}/consents`, { purpose: PROTECTION, basis: CONSENT });
      assert.equal(consent.status, 201, consent.text);
      assert.equal((await a.caseworker.as(PROTECTION).get(`/api/persons/${personId}`)).status, 200);
      await t.haven.reviews.sync();
      const kinds = (await grantsOf(t, a.caseworker.staff.id)).map((g) => `${g.kind}:${g.state}`);
      assert.deepEqual(kinds, ['break-glass:active', 'caseload:active', 'role:active', 'tier:active']);
      // The DPO (the default reviewer) re-approves the role for 200 days: only the rest should lapse.
      const role = (await grantsOf(t, a.caseworker.staff.id)).find((g) => g.kind === 'role')!;
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const approved = await a.dpo.client.post(`/api/reviews/grants/${role.id}/approve`, {
        reviewDue: addToDay(dayOf(new Date()), { days: 200 }),
      });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.reviewDue, addToDay(dayOf(new Date()), { days: 200 }));

      // The caseworker's other grants were given 60 days ago (due in 30); everyone else's were reviewed lately.
      const soon = addToDay(dayOf(new Date()), { days: 30 });
      await t.haven.db.query(
        `update access_grant set review_due = case when account_id = $1 then $2::date else $3::date end
          where state = 'active' and kind <> 'role'`,
        [a.caseworker.staff.id, soon, addToDay(dayOf(new Date()), { days: 300 })],
      );
      await t.haven.db.query(
        `update access_grant set review_due = $1::date where state = 'active' and kind = 'role'`,
        [addToDay(dayOf(new Date()), { days: 300 })],
      );
      // 31 days later, by the job server's clock, the scheduled job runs (queued as the schedule queues it).
      worker.clock.now = () => new Date(Date.now() + 31 * DAY);
      try {
        await worker.jobs.enqueue(REVIEW_JOB, {});
        await until(
          async () =>
            (await grantsOf(t, a.caseworker.staff.id)).find((g) => g.kind === 'caseload')?.state === 'lapsed',
          'the caseload grant to lapse',
        );
        await until(
          async () =>
            (await grantsOf(t, a.caseworker.staff.id)).filter((g) => g.state === 'lapsed').length === 3,
          'tier and break-glass to lapse',
        );
      } finally {
        worker.clock.now = realNow;
      }
      const states = Object.fromEntries(
        (await grantsOf(t, a.caseworker.staff.id)).map((g) => [g.kind, g.state]),
      );
      assert.deepEqual(states, {
        'break-glass': 'lapsed',
        caseload: 'lapsed',
        role: 'active',
        tier: 'lapsed',
      });

      // The next request: the person is no longer in the caseload, and the cached session knows the new tier.
      const read = await a.caseworker.as(PROTECTION).get(`/api/persons/${personId}`);
      assert.equal(read.status, 403, read.text);
      assert.equal(read.body.reason, 'not-in-caseload');
      const session = await a.caseworker.client.get('/api/auth/session');
      assert.equal((session.body.account as { tier: number }).tier, 1);
      const glass = await a.caseworker.as(PROTECTION).post(`/api/persons/${personId}/break-glass`, {
        justification: 'Urgent medical evacuation needs the file.',
      });
      assert.equal(glass.status, 403, glass.text);
      assert.equal(glass.body.code, 'break-glass-not-eligible');

      await sequenceEverything(t.haven.db);
      const events = await ledgerEvents(t);
      const lapses = events.filter(
        (e) =>
          e.action === 'access-grant.lapse' && (e as { subject?: string }).subject === a.caseworker.staff.id,
      );
      assert.deepEqual(lapses.map((e) => e.reason).sort(), ['break-glass', 'caseload', 'tier']);
      assert.ok(
        (await ledgerEvents(t, personId)).some(
          (e) => e.action === 'caseload.remove' && e.reason === 'review-lapsed',
        ),
      );
    });

    test('a lapsed role disables the account at once; enabling it again needs a review first', async () => {
      const clerk = await createStaff(t, { role: 'clerk', org: 'rev-a' });
      const client = await signedIn(t, clerk);
      assert.equal((await client.get('/api/account/factors')).status, 200);
      await t.haven.reviews.sync();
      const role = (await grantsOf(t, clerk.id)).find((g) => g.kind === 'role')!;
      await t.haven.db.query(`update access_grant set review_due = current_date - 1 where id = $1`, [
        role.id,
      ]);
      assert.ok((await t.haven.reviews.lapseNow()) >= 1);
      // Disabling ended the session: the cookie opens nothing any more.
      const next = await client.get('/api/account/factors');
      assert.equal(next.status, 401, next.text);

      await reauthenticate(t, a.admin.client, a.admin.staff);
      const enable = await a.admin.client.patch(`/api/admin/accounts/${clerk.id}`, { status: 'active' });
      assert.equal(enable.status, 409, enable.text);
      assert.equal(enable.body.code, 'account-review-required');
      // The DPO reviews the lapsed role (approves it again); then the administrator may enable the account.
      const list = await a.dpo.client.get('/api/reviews/grants');
      const entry = (list.body.entries as Entry[]).find((e) => e.grant.id === role.id);
      assert.equal(entry?.grant.state, 'lapsed');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const approve = await a.dpo.client.post(`/api/reviews/grants/${role.id}/approve`, {
        reviewDue: addToDay(dayOf(new Date()), { days: 90 }),
      });
      assert.equal(approve.status, 200, approve.text);
      // The review list is read again (it records the grants it sees) before the administrator acts: the approved
      // role of the still-disabled account must stay approved, or the account could never be enabled again.
      const again = await a.dpo.client.get('/api/reviews/grants');
      const approved = (again.body.entries as Entry[]).find((e) => e.grant.id === role.id);
      assert.equal(approved?.grant.state, 'active');
      const enabled = await a.admin.client.patch(`/api/admin/accounts/${clerk.id}`, { status: 'active' });
      assert.equal(enabled.status, 200, enabled.text);
      assert.equal(enabled.body.disabledReason, null);
    });

    test('reviewers never decide their own grants, nor another reviewer’s staff, nor another organisation’s', async () => {
      const worker = await createStaff(t, { role: 'caseworker', org: 'rev-a' });
      const boss = await createStaff(t, { role: 'supervisor', org: 'rev-a' });
      const bossClient = actor(boss, await signedIn(t, boss));
      const setReviewer = await a.admin
        .as(undefined)
        .put(`/api/reviews/reviewers/${worker.id}`, { reviewerId: boss.id });
      assert.equal(setReviewer.status, 204, setReviewer.text);
      const selfReviewer = await a.admin
        .as(undefined)
        .put(`/api/reviews/reviewers/${boss.id}`, { reviewerId: boss.id });
      assert.equal(selfReviewer.body.code, 'review-own-grant');

      const list = await bossClient.client.get('/api/reviews/grants');
      assert.equal(list.status, 200, list.text);
      const entries = list.body.entries as Entry[];
      assert.ok(entries.length > 0);
      assert.ok(
        entries.every((e) => e.grant.accountId === worker.id),
        'only the staff they review',
      );
      // Their own grants go to the DPO.
      const dpoList = (await a.dpo.client.get('/api/reviews/grants')).body.entries as Entry[];
      assert.ok(dpoList.some((e) => e.grant.accountId === boss.id));
      assert.ok(!dpoList.some((e) => e.grant.accountId === a.dpo.staff.id), 'not the DPO’s own');
      assert.ok(!dpoList.some((e) => e.grant.accountId === worker.id), 'not another reviewer’s staff');

      await reauthenticate(t, bossClient.client, boss);
      const next = addToDay(dayOf(new Date()), { days: 60 });
      const own = (await grantsOf(t, boss.id)).find((g) => g.kind === 'role')!;
      const ownReply = await bossClient.client.post(`/api/reviews/grants/${own.id}/approve`, {
        reviewDue: next,
      });
      assert.equal(ownReply.status, 403);
      assert.equal(ownReply.body.code, 'review-own-grant');
      const ownRevoke = await bossClient.client.post(`/api/reviews/grants/${own.id}/revoke`);
      assert.equal(ownRevoke.body.code, 'review-own-grant');
      // Forced into the table, a self-review is refused by the database too.
      await assert.rejects(
        t.haven.db.query('update access_grant set reviewed_by = account_id where id = $1', [own.id]),
      );

      const others = (await grantsOf(t, a.otherCaseworker.staff.id)).find((g) => g.kind === 'role')!;
      const notMine = await bossClient.client.post(`/api/reviews/grants/${others.id}/approve`, {
        reviewDue: next,
      });
      assert.equal(notMine.body.code, 'not-reviewer');
      const clerkTry = await a.clerk.client.post(`/api/reviews/grants/${others.id}/approve`, {
        reviewDue: next,
      });
      assert.equal(clerkTry.status, 403);

      // Another organisation's DPO: as unknown as a missing grant.
      await reauthenticate(t, b.dpo.client, b.dpo.staff);
      const foreign = await b.dpo.client.post(`/api/reviews/grants/${others.id}/approve`, {
        reviewDue: next,
      });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.code, 'grant-not-found');
      const unknown = await b.dpo.client.post(`/api/reviews/grants/${crypto.randomUUID()}/revoke`);
      assert.equal(unknown.body.code, 'grant-not-found');

      const mine = (await grantsOf(t, worker.id)).find((g) => g.kind === 'role')!;
      const past = await bossClient.client.post(`/api/reviews/grants/${mine.id}/approve`, {
        reviewDue: addToDay(dayOf(new Date()), { days: -1 }),
      });
      assert.equal(past.status, 422);
      assert.equal(past.body.code, 'review-date-past');
      const ok = await bossClient.client.post(`/api/reviews/grants/${mine.id}/approve`, { reviewDue: next });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.reviewDue, next);
      // Nothing was written by the refusals: only the approved grant has a review.
      assert.equal((await grantsOf(t, boss.id)).find((g) => g.id === own.id)?.review_due, own.review_due);
    });

    test('revoking a caseload ends it before the next request', async () => {
      const worker = await createStaff(t, { role: 'caseworker', org: 'rev-a', tier: 2 });
      const client = actor(worker, await signedIn(t, worker));
      const personId = await register(client, { ...KNOWN_PEOPLE[1] });
      assert.equal((await client.as('registration').get(`/api/persons/${personId}`)).status, 200);
      await t.haven.reviews.sync();
      const caseload = (await grantsOf(t, worker.id)).find((g) => g.kind === 'caseload')!;
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const revoked = await a.dpo.client.post(`/api/reviews/grants/${caseload.id}/revoke`);
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.state, 'revoked');
      const read = await client.as('registration').get(`/api/persons/${personId}`);
      assert.equal(read.status, 403, read.text);
      const again = await a.dpo.client.post(`/api/reviews/grants/${caseload.id}/revoke`);
      assert.equal(again.body.code, 'grant-ended');
    });

    test('the usage figures are the ledger’s: last use, volume and people in the period', async () => {
      const worker = await createStaff(t, { role: 'caseworker', org: 'rev-a', tier: 2 });
      const client = actor(worker, await signedIn(t, worker));
      const first = await register(client, { ...KNOWN_PEOPLE[0] });
      const second = await register(client, { ...KNOWN_PEOPLE[2] });
      for (const id of [first, first, second]) await client.as('registration').get(`/api/persons/${id}`);
      await client.as('registration').get(`/api/persons/${crypto.randomUUID()}`);
      const list = (await a.dpo.client.get('/api/reviews/grants')).body.entries as Entry[];
      await sequenceEverything(t.haven.db);
      const { rows } = await t.haven.db.query<{ body: Buffer; recorded_at: Date; person_id: string | null }>(
        'select body, recorded_at, person_id from audit_event where actor_account = $1 order by seq',
        [worker.id],
      );
      for (const entry of list.filter((e) => e.grant.accountId === worker.id)) {
        const since = new Date(entry.usage.since).getTime();
        const until = new Date(entry.usage.until).getTime();
        const used = rows.filter((r) => {
          const at = r.recorded_at.getTime();
          if (at < since || at > until) return false;
          if (entry.grant.kind === 'role') return true;
          if (entry.grant.kind === 'break-glass')
            return JSON.parse(r.body.toString('utf8')).action === 'break-glass.start';
          return r.person_id !== null;
        });
        assert.equal(entry.usage.volume, used.length, `${entry.grant.kind} volume`);
        assert.equal(entry.usage.people, new Set(used.map((r) => r.person_id).filter(Boolean)).size);
        const last = used.at(-1)?.recorded_at.toISOString() ?? null;
        assert.equal(entry.usage.lastUse, last, `${entry.grant.kind} last use`);
      }
      const role = list.find((e) => e.grant.accountId === worker.id && e.grant.kind === 'role')!;
      assert.ok(
        role.usage.volume >= 6,
        `registrations, reads and the refused read: ${JSON.stringify(role.usage)}`,
      );
      // The two people read, and the unknown id asked for (refused, and counted: an attempt is use too).
      assert.equal(role.usage.people, 3);
    });

    test('training: bad dates refused; tier 3–4 and break-glass need it current; overdue staff are listed', async () => {
      const clerk = await createStaff(t, { role: 'caseworker', org: 'rev-a', tier: 2, breakGlass: false });
      const today = dayOf(new Date());
      const reversed = await a.dpo.client.post('/api/reviews/training', {
        accountId: clerk.id,
        course: 'Data protection in humanitarian work',
        completedOn: today,
        expiresOn: addToDay(today, { days: -10 }),
      });
      assert.equal(reversed.status, 422);
      assert.equal(reversed.body.code, 'training-expiry-before-completion');
      await reauthenticate(t, a.admin.client, a.admin.staff);
      const raise = await a.admin.client.patch(`/api/admin/accounts/${clerk.id}`, { tier: 3 });
      assert.equal(raise.status, 409);
      assert.equal(raise.body.code, 'training-required');
      const eligible = await a.admin.client.post('/api/reviews/break-glass-eligibility', {
        accountId: clerk.id,
      });
      assert.equal(eligible.body.code, 'training-required');
      const overdue = (await a.dpo.client.get('/api/reviews/training')).body.staff as {
        accountId: string;
        state: string;
      }[];
      assert.equal(overdue.find((s) => s.accountId === clerk.id)?.state, 'missing');

      const recorded = await a.dpo.client.post('/api/reviews/training', {
        accountId: clerk.id,
        course: 'Data protection in humanitarian work',
        completedOn: addToDay(today, { days: -3 }),
        expiresOn: addToDay(today, { days: 362 }),
      });
      assert.equal(recorded.status, 201, recorded.text);
      assert.equal((await a.admin.client.patch(`/api/admin/accounts/${clerk.id}`, { tier: 3 })).status, 200);
      const granted = await a.admin.client.post('/api/reviews/break-glass-eligibility', {
        accountId: clerk.id,
      });
      assert.equal(granted.status, 201, granted.text);
      assert.equal(granted.body.kind, 'break-glass');
      const twice = await a.admin.client.post('/api/reviews/break-glass-eligibility', {
        accountId: clerk.id,
      });
      assert.equal(twice.body.code, 'grant-exists');
      const foreign = await b.dpo.client.post('/api/reviews/training', {
        accountId: clerk.id,
        course: 'x',
        completedOn: today,
        expiresOn: addToDay(today, { days: 1 }),
      });
      assert.equal(foreign.status, 404);
      const listed = (await a.dpo.client.get('/api/reviews/training')).body.staff as {
        accountId: string;
        state: string;
      }[];
      assert.equal(listed.find((s) => s.accountId === clerk.id)?.state, 'current');
    });

    test('campaigns: started by the DPO or an administrator, one at a time; reviewers see their items', async () => {
      const refused = await a.supervisor.client.post('/api/reviews/campaigns', {});
      assert.equal(refused.status, 403);
      const past = await a.dpo.client.post('/api/reviews/campaigns', { dueBy: '2020-01-01' });
      assert.equal(past.body.code, 'review-date-past');
      const started = await a.dpo.client.post('/api/reviews/campaigns', {});
      assert.equal(started.status, 201, started.text);
      assert.ok((started.body.items as number) > 0);
      const second = await a.admin.client.post('/api/reviews/campaigns', {});
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'campaign-open');
      const entries = (await a.dpo.client.get('/api/reviews/grants')).body.entries as Entry[];
      assert.ok(entries.some((e) => e.campaign?.id === started.body.id && e.campaign?.decision === null));
      const campaigns = (await a.admin.client.get('/api/reviews/campaigns')).body.campaigns as {
        id: string;
      }[];
      assert.equal(campaigns[0]?.id, started.body.id);
      // Organisation B sees none of it.
      assert.deepEqual((await b.dpo.client.get('/api/reviews/campaigns')).body.campaigns, []);

      // The work list: the DPO has grants to decide in the campaign (due on its day) and staff whose tier 3–4
      // lacks training (the DPO's own tier 4, among others); a clerk and organisation B have neither.
      type Item = { kind: string; ref: string | null; due: string | null; details: string[] };
      const work = (await a.dpo.client.get('/api/worklist')).body.items as Item[];
      const toReview = work.find((i) => i.kind === 'grants-to-review');
      assert.equal(toReview?.ref, started.body.id);
      assert.equal(toReview?.due, started.body.dueBy);
      assert.match(toReview?.details[0] ?? '', /^count-[1-9]\d*$/);
      assert.match(work.find((i) => i.kind === 'training-overdue')?.details[0] ?? '', /^count-[1-9]\d*$/);
      const kinds = (items: Item[]) => items.map((i) => i.kind).filter((k) => /grants|training/.test(k));
      assert.deepEqual(kinds((await a.clerk.client.get('/api/worklist')).body.items as Item[]), []);
      assert.ok(
        !kinds((await b.dpo.client.get('/api/worklist')).body.items as Item[]).includes('grants-to-review'),
      );
    });

    test('a partner’s access under an agreement is reviewed by the DPO; lapsed, the agreement stops the next release', async () => {
      const ngo = await agreedPartner(t, a, { name: 'NGO under review' });
      await register(a.clerk, { ...KNOWN_PEOPLE[3] });
      const first = await askForRelease(t, ngo, { agreementId: ngo.agreement });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const entries = (await a.dpo.client.get('/api/reviews/grants')).body.entries as (Entry & {
        grant: { agreementId: string | null };
      })[];
      const entry = entries.find(
        (e) => e.grant.kind === 'agreement' && e.grant.agreementId === ngo.agreement,
      );
      assert.ok(entry, 'the DPO reviews agreement access');
      assert.equal(entry.grant.accountId, null);
      assert.ok(entry.usage.volume >= 1, 'the partner’s release is its use');
      // A supervisor does not review it.
      assert.ok(
        !((await a.supervisor.client.get('/api/reviews/grants')).body.entries as Entry[]).some(
          (e) => e.grant.id === entry.grant.id,
        ),
      );
      await t.haven.db.query(`update access_grant set review_due = current_date - 1 where id = $1`, [
        entry.grant.id,
      ]);
      assert.equal(await t.haven.reviews.lapseNow(), 1);
      const next = await askForRelease(t, ngo, { agreementId: ngo.agreement });
      assert.equal(next.status, 403, JSON.stringify(next.body));
      assert.equal(next.body.code, 'agreement-suspended');
      await sequenceEverything(t.haven.db);
      assert.ok(
        (await ledgerEvents(t)).some(
          (e) =>
            e.action === 'agreement.suspend' &&
            e.reason === 'review-lapsed' &&
            (e as { subject?: string }).subject === ngo.agreement,
        ),
      );
    });

    test('two servers lapsing at once end each grant once', async () => {
      const staff = [
        await createStaff(t, { role: 'caseworker', org: 'rev-race', tier: 2 }),
        await createStaff(t, { role: 'clerk', org: 'rev-race', tier: 2 }),
      ];
      await t.haven.reviews.sync();
      const ids = staff.map((s) => s.id);
      const { rowCount: due } = await t.haven.db.query(
        `update access_grant set review_due = current_date - 1 where account_id = any($1::uuid[]) and state = 'active'`,
        [ids],
      );
      assert.equal(due, 5, 'role, tier and break-glass of the caseworker; role and tier of the clerk');
      const [one, two] = await Promise.all([t.haven.reviews.lapseNow(), worker.reviews.lapseNow()]);
      assert.equal(one + two, due);
      await sequenceEverything(t.haven.db);
      const lapses = (await ledgerEvents(t)).filter(
        (e) => e.action === 'access-grant.lapse' && ids.includes((e as { subject?: string }).subject ?? ''),
      );
      assert.equal(lapses.length, due, 'one ledger event per grant');
      const disables = (await ledgerEvents(t)).filter(
        (e) => e.action === 'account.disable' && ids.includes((e as { subject?: string }).subject ?? ''),
      );
      assert.equal(disables.length, 2, 'each account disabled once');
    });

    // Last: 46 days on, every account of this database is dormant.
    test('dormant accounts are disabled by the job’s rule and their sessions end; enabling needs a review', async () => {
      const clerk = await createStaff(t, { role: 'clerk', org: 'rev-dormant' });
      const client = await signedIn(t, clerk);
      assert.equal((await client.get('/api/account/factors')).status, 200);
      const sessions = async () =>
        (await t.haven.db.query('select 1 from staff_session where account_id = $1', [clerk.id])).rowCount;
      assert.equal(await sessions(), 1);
      // 44 days on, nothing happens; 46 days on (HAVEN_DORMANT_DAYS 45), the account is disabled.
      t.haven.clock.now = () => new Date(Date.now() + 44 * DAY);
      try {
        await t.haven.reviews.dormantNow();
        assert.equal((await client.get('/api/account/factors')).status, 200);
        t.haven.clock.now = () => new Date(Date.now() + 46 * DAY);
        assert.ok((await t.haven.reviews.dormantNow()) >= 1);
      } finally {
        t.haven.clock.now = realNow;
      }
      assert.equal(await sessions(), 0, 'disabling ended its sessions (ACC-4)');
      const next = await client.get('/api/account/factors');
      assert.equal(next.status, 401, next.text);
      const { rows } = await t.haven.db.query<{ status: string; disabled_reason: string }>(
        'select status, disabled_reason from staff_account where id = $1',
        [clerk.id],
      );
      assert.deepEqual(rows[0], { status: 'disabled', disabled_reason: 'dormant' });
      await sequenceEverything(t.haven.db);
      assert.ok(
        (await ledgerEvents(t)).some(
          (e) =>
            e.action === 'account.disable' &&
            e.reason === 'dormant' &&
            (e as { subject?: string }).subject === clerk.id,
        ),
      );
      // The organisation's administrator cannot simply switch it back on.
      const admin = await createStaff(t, { role: 'admin', org: 'rev-dormant' });
      const adminClient = await signedIn(t, admin);
      await reauthenticate(t, adminClient, admin);
      const enable = await adminClient.patch(`/api/admin/accounts/${clerk.id}`, { status: 'active' });
      assert.equal(enable.status, 409);
      assert.equal(enable.body.code, 'account-review-required');
      // Its DPO reviews the role; enabled again, it starts a fresh dormancy period (the next run leaves it).
      const dpo = await createStaff(t, { role: 'dpo', org: 'rev-dormant' });
      const dpoClient = await signedIn(t, dpo);
      await reauthenticate(t, dpoClient, dpo);
      const role = (await grantsOf(t, clerk.id)).find((g) => g.kind === 'role')!;
      const approved = await dpoClient.post(`/api/reviews/grants/${role.id}/approve`, {
        reviewDue: addToDay(dayOf(new Date()), { days: 30 }),
      });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(
        (await adminClient.patch(`/api/admin/accounts/${clerk.id}`, { status: 'active' })).status,
        200,
      );
      t.haven.clock.now = () => new Date(Date.now() + DAY);
      try {
        await t.haven.reviews.dormantNow();
      } finally {
        t.haven.clock.now = realNow;
      }
      const after = await t.haven.db.query<{ status: string }>(
        'select status from staff_account where id = $1',
        [clerk.id],
      );
      assert.equal(after.rows[0]?.status, 'active');
    });
  });
}
