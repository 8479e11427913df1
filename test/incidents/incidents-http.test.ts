import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IncidentView } from '../../src/incidents/view.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

const HOUR = 3_600_000;

/** The ledger events about one incident. */
async function incidentEvents(t: TestHaven, id: string) {
  const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event order by seq');
  return rows.map((r) => JSON.parse(r.body.toString('utf8')) as LedgerEvent).filter((e) => e.subject === id);
}
interface LedgerEvent {
  action: string;
  reason: string;
  decision: 'allow' | 'deny';
  subject?: string;
  subjectType?: string;
  requestId?: string;
  actor: { account?: string };
}
/** Every ledger event, in order. */
async function allEvents(t: TestHaven): Promise<LedgerEvent[]> {
  const { rows } = await t.haven.db.query<{ body: Buffer }>('select body from audit_event order by seq');
  return rows.map((r) => JSON.parse(r.body.toString('utf8')) as LedgerEvent);
}
/** The register's refusal codes, read from its sources: a new code without a case below fails the last test. */
function registerRefusalCodes(): string[] {
  const root = new URL('../../', import.meta.url).pathname;
  const files = ['src/domain/incidents/input.ts', 'src/incidents/changes.ts'];
  const codes = new Set<string>();
  for (const file of files)
    for (const m of readFileSync(`${root}${file}`, 'utf8').matchAll(/'(incident-[a-z-]+)'/g))
      codes.add(m[1]!);
  return [...codes].sort();
}

/** Codes no HTTP request can meet: the route's schema refuses first (invalid-request, ledgered as such). */
const BEHIND_THE_SCHEMA: Record<string, string> = {
  'incident-drill-invalid': 'drill is a boolean in the schema',
  'incident-high-risk-invalid': 'highRisk is a boolean in the schema',
  'incident-state-invalid': 'to is one of the states in the schema',
  'incident-version-required': 'version is a required integer in the schema',
  'incident-late-reason-invalid': 'lateReason is one of the reasons in the schema',
  'incident-no-notification-reason-invalid': 'reason is one of the reasons in the schema',
  'incident-text-invalid': 'texts is an object of known strings in the schema',
  'incident-category-unknown': 'data categories are the dictionary’s in the schema',
  'incident-people-category-unknown': 'people categories are listed in the schema',
  'incident-number-invalid': 'the approximate numbers are bounded integers in the schema',
  'incident-time-invalid': 'times are date-time in the schema',
  'incident-text-too-long':
    'the schema bounds the length before trimming (the CLI’s --description can meet it)',
};

const SECRET_WORDS = 'Laptop of caseworker Amina Farouk stolen from the car';

/** The whole database as stored: PGlite's data directory, or pg_dump of the server's. */
async function databaseBytes(database: TestHaven['database']): Promise<Buffer> {
  if (database.kind === 'pglite') {
    const blob = await (
      database.db as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
    ).pglite.dumpDataDir('none');
    return Buffer.from(await blob.arrayBuffer());
  }
  const file = path.join(tempDir(), 'dump.sql');
  execFileSync('pg_dump', ['--no-owner', '--file', file, database.url!]);
  return readFileSync(file);
}

/**
 * BRE-1, BRE-2 over HTTP: the DPO keeps the register and records the authority's notification; oversight reads
 * it; the auditor reads codes and times without the words; everyone else is refused, and another organisation
 * never sees it. The clock is Haven's injectable clock, moved by the test.
 */
for (const kind of testDatabaseKinds()) {
  describe(`the incident register over HTTP (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let oversight: Actor;
    let otherDpo: Actor;
    let now = new Date('2026-12-07T10:00:00Z');
    const awareAt = '2026-12-07T08:00:00Z';

    before(async () => {
      t = await startTestHaven(kind);
      t.haven.clock.now = () => now;
      a = await team(t, 'org-a');
      const o = await createStaff(t, { role: 'oversight', tier: 4, org: 'org-a' });
      oversight = actor(o, await signedIn(t, o));
      const b = await createStaff(t, { role: 'dpo', tier: 4, org: 'org-b' });
      otherDpo = actor(b, await signedIn(t, b));
    });
    after(() => t.close());

    const open = async (body: Record<string, unknown> = {}) => {
      const reply = await a.dpo.client.post<IncidentView>('/api/incidents', {
        awareAt,
        nature: ['confidentiality'],
        dataCategories: ['name', 'health'],
        peopleCategories: ['registered-people'],
        texts: { description: SECRET_WORDS },
        source: { kind: 'account', accountId: a.caseworker.staff.id },
        window: { from: '2026-12-06T20:00:00Z', to: '2026-12-07T07:00:00Z' },
        ...body,
      });
      assert.equal(reply.status, 201, reply.text);
      return reply.body;
    };

    test('the DPO opens an incident: suspected, numbered, clock running; ledgered with ids and codes; words sealed', async () => {
      const incident = await open();
      assert.match(incident.reference, /^INC-2026-\d{3}$/);
      assert.equal(incident.state, 'suspected');
      assert.equal(incident.drill, false);
      assert.equal(incident.texts?.description, SECRET_WORDS);
      assert.deepEqual(incident.source, { kind: 'account', accountId: a.caseworker.staff.id });
      assert.deepEqual(incident.clock, {
        state: 'running',
        dueAt: '2026-12-10T08:00:00.000Z',
        leftMs: 70 * HOUR,
        lateMs: 0,
      });

      // A new awareness time moves the clock, and the ledger says so apart from other edits.
      const moved = await a.dpo.client.patch<IncidentView>(`/api/incidents/${incident.id}`, {
        version: 1,
        awareAt: '2026-12-07T06:00:00Z',
      });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.clock.dueAt, '2026-12-10T06:00:00.000Z');
      const events = await incidentEvents(t, incident.id);
      assert.deepEqual(
        events.map((e) => [e.action, e.reason]),
        [
          ['incident.open', 'ok'],
          ['incident.update', 'aware-at-changed'],
        ],
      );
      // The words are in neither the ledger nor the table in clear.
      const { rows } = await t.database.db.query<{ body: Buffer }>('select body from audit_event');
      assert.ok(!rows.some((r) => r.body.toString('utf8').includes('Amina')));
      const raw = await t.database.db.query<{ d: Uint8Array }>(
        'select description_sealed as d from incident where id = $1',
        [incident.id],
      );
      assert.ok(!Buffer.from(raw.rows[0]!.d).toString('utf8').includes('Amina'));
    });

    test('oversight reads it whole; the auditor without the words; others are refused; another organisation finds nothing', async () => {
      const incident = await open();
      const seen = await oversight.client.get<IncidentView>(`/api/incidents/${incident.id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.body.texts?.description, SECRET_WORDS);

      const audited = await a.auditor.client.get<IncidentView>(`/api/incidents/${incident.id}`);
      assert.equal(audited.status, 200, audited.text);
      assert.equal(audited.body.texts, null);
      assert.equal(audited.body.reference, incident.reference);
      const auditorList = await a.auditor.client.get<{ incidents: IncidentView[] }>('/api/incidents');
      assert.ok(auditorList.body.incidents.every((i) => i.texts === null));

      for (const who of [a.clerk, a.caseworker, a.supervisor, a.admin]) {
        for (const reply of [
          await who.client.get('/api/incidents'),
          await who.client.get(`/api/incidents/${incident.id}`),
          await who.client.post('/api/incidents', { awareAt, nature: ['integrity'] }),
        ]) {
          assert.equal(reply.status, 403, `${who.staff.role}: ${reply.text}`);
          assert.equal((reply.body as { code: string }).code, 'forbidden');
        }
      }
      // The refusal is in the ledger under the account refused (AUD-1; repeats within a window are counted).
      const { rows } = await t.haven.db.query<{ body: Buffer }>(
        'select body from audit_event where actor_account = $1::uuid order by seq',
        [a.clerk.staff.id],
      );
      const refusals = rows
        .map(
          (r) => JSON.parse(r.body.toString('utf8')) as { action: string; decision: string; reason: string },
        )
        .filter((e) => e.decision === 'deny');
      assert.ok(
        refusals.some((e) => e.action === 'auth.request' && e.reason === 'forbidden'),
        JSON.stringify(refusals),
      );
      // Readers cannot change it.
      for (const who of [a.auditor, oversight]) {
        const reply = await who.client.patch(`/api/incidents/${incident.id}`, { version: 1, highRisk: true });
        assert.equal(reply.status, 403, reply.text);
      }
      // Another organisation: not found, and not in its list or on its clock.
      const other = await otherDpo.client.get(`/api/incidents/${incident.id}`);
      assert.equal(other.status, 404, other.text);
      const otherPatch = await otherDpo.client.patch(`/api/incidents/${incident.id}`, {
        version: 1,
        highRisk: true,
      });
      assert.equal(otherPatch.status, 404, otherPatch.text);
      assert.deepEqual(
        (await otherDpo.client.get<{ incidents: unknown[] }>('/api/incidents')).body.incidents,
        [],
      );
      assert.deepEqual(
        (await otherDpo.client.get<{ open: unknown[] }>('/api/incidents/clock')).body.open,
        [],
      );
      const unchanged = await a.dpo.client.get<IncidentView>(`/api/incidents/${incident.id}`);
      assert.equal(unchanged.body.version, 1);
      // Both refusals of the other organisation's DPO are in the ledger, under that DPO, about the incident (AUD-1).
      const probes = (await incidentEvents(t, incident.id)).filter(
        (e) => e.actor.account === otherDpo.staff.id,
      );
      assert.deepEqual(
        probes.map((e) => [e.decision, e.action, e.reason, e.requestId]),
        [
          ['deny', 'incident.read', 'not-found', (other.body as { requestId: string }).requestId],
          ['deny', 'incident.update', 'not-found', (otherPatch.body as { requestId: string }).requestId],
        ],
      );
    });

    test('bad input is refused with a stable code and writes nothing', async () => {
      const count = async () =>
        (await t.database.db.query<{ n: number }>('select count(*)::int as n from incident')).rows[0]!.n;
      const before = await count();
      const refused = async (body: Record<string, unknown>, status: number, code: string) => {
        const reply = await a.dpo.client.post('/api/incidents', {
          awareAt,
          nature: ['availability'],
          ...body,
        });
        assert.equal(reply.status, status, reply.text);
        assert.equal((reply.body as { code: string }).code, code);
      };
      await refused({ awareAt: '2026-12-07T11:00:00Z' }, 422, 'incident-awareness-in-future');
      await refused({ dataCategories: ['shoe-size'] }, 400, 'invalid-request');
      await refused(
        { source: { kind: 'account', accountId: otherDpo.staff.id } },
        422,
        'incident-source-unknown',
      );
      await refused(
        { window: { from: '2026-12-07T07:00:00Z', to: '2026-12-07T06:00:00Z' } },
        422,
        'incident-window-invalid',
      );
      await refused({ texts: { description: 'bad \u0007 bell' } }, 400, 'text-invalid');
      assert.equal(await count(), before);
      // Each refusal is a deny event about the organisation (there is no incident yet), with its code (AUD-1).
      const denied = (await allEvents(t)).filter(
        (e) => e.actor.account === a.dpo.staff.id && e.decision === 'deny' && e.action === 'incident.open',
      );
      assert.deepEqual(
        denied.map((e) => [e.subjectType, e.subject, e.reason]),
        [
          'incident-awareness-in-future',
          'invalid-request',
          'incident-source-unknown',
          'incident-window-invalid',
          'text-invalid',
        ].map((code) => ['organisation', a.dpo.staff.organisationId, code]),
      );
    });

    test('from the attacker’s side: a refused change leaves one deny event with its code and nothing else (AUD-1)', async () => {
      const incident = await open();
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const row = async () =>
        (await t.database.db.query('select * from incident where id = $1', [incident.id])).rows[0];
      const attempts: [string, () => ReturnType<typeof a.dpo.client.post>, string][] = [
        [
          'incident.update',
          () =>
            a.dpo.client.patch(`/api/incidents/${incident.id}`, {
              version: 7,
              texts: { description: 'Overwritten with a stale version' },
            }),
          'incident-version-stale',
        ],
        [
          'incident.update',
          () =>
            a.dpo.client.patch(`/api/incidents/${incident.id}`, {
              version: 1,
              awareAt: '2999-01-01T00:00:00Z',
            }),
          'incident-awareness-in-future',
        ],
        [
          'incident.update',
          () => a.dpo.client.patch(`/api/incidents/${incident.id}`, { version: 1, nature: ['gossip'] }),
          'invalid-request',
        ],
        [
          'incident.state',
          () => a.dpo.client.post(`/api/incidents/${incident.id}/state`, { to: 'contained', version: 1 }),
          'incident-transition-invalid',
        ],
        [
          'incident.notify',
          () =>
            a.dpo.client.post(`/api/incidents/${incident.id}/notification`, {
              version: 1,
              at: '2026-12-07T09:00:00Z',
              to: 'National Data Protection Authority',
              text: 'Told.',
              lateReason: 'other',
            }),
          'incident-not-late',
        ],
        [
          'incident.no-notification',
          () =>
            a.dpo.client.post(`/api/incidents/${incident.id}/no-notification`, {
              version: 1,
              reason: 'because',
            }),
          'invalid-request',
        ],
      ];
      for (const [action, attempt, code] of attempts) {
        const before = await row();
        const seen = (await allEvents(t)).length;
        const reply = await attempt();
        assert.ok(reply.status >= 400 && reply.status < 500, reply.text);
        assert.equal((reply.body as { code: string }).code, code);
        assert.deepEqual(await row(), before, `${code}: the incident is unchanged`);
        const added = (await allEvents(t)).slice(seen);
        assert.deepEqual(
          added.map((e) => [e.decision, e.action, e.subjectType, e.subject, e.reason, e.requestId]),
          [['deny', action, 'incident', incident.id, code, (reply.body as { requestId: string }).requestId]],
          `${code}: one deny event, nothing else`,
        );
      }
    });

    test('state changes need re-authentication; illegal moves and closing without measures are refused, nothing half-written', async () => {
      const incident = await open();
      const move = (to: string, version: number) =>
        a.dpo.client.post<IncidentView>(`/api/incidents/${incident.id}/state`, { to, version });

      // Signing in counts as a re-authentication; an hour later it no longer does.
      await t.haven.db.query(
        "update staff_session set reauthenticated_at = now() - interval '1 hour' where account_id = $1",
        [a.dpo.staff.id],
      );
      t.haven.sessions.forgetAccount(a.dpo.staff.id);
      const unconfirmed = await move('confirmed', 1);

      assert.equal(
        (unconfirmed.body as unknown as { code: string }).code,
        'reauthentication-required',
        unconfirmed.text,
      );
      await reauthenticate(t, a.dpo.client, a.dpo.staff);

      const illegal = await move('contained', 1);
      assert.equal(illegal.status, 409, illegal.text);
      assert.equal((illegal.body as unknown as { code: string }).code, 'incident-transition-invalid');

      now = new Date('2026-12-07T10:30:00Z');
      const confirmed = await move('confirmed', 1);
      assert.equal(confirmed.status, 200, confirmed.text);
      assert.equal(confirmed.body.steps.confirmedAt, '2026-12-07T10:30:00.000Z');
      const stale = await move('contained', 1);
      assert.equal((stale.body as unknown as { code: string }).code, 'incident-version-stale');
      const contained = await move('contained', 2);
      assert.equal(contained.body.state, 'contained');

      const unmeasured = await move('closed', 3);
      assert.equal(unmeasured.status, 422, unmeasured.text);
      assert.equal((unmeasured.body as unknown as { code: string }).code, 'incident-measures-required');
      const measured = await a.dpo.client.patch<IncidentView>(`/api/incidents/${incident.id}`, {
        version: 3,
        texts: { measuresTaken: 'Account disabled, sessions ended.' },
      });
      assert.equal(measured.status, 200, measured.text);
      const untold = await move('closed', 4);
      assert.equal((untold.body as unknown as { code: string }).code, 'incident-notification-open');
      const after = await a.dpo.client.get<IncidentView>(`/api/incidents/${incident.id}`);
      assert.equal(after.body.state, 'contained');
      assert.equal(after.body.version, 4);

      const exempt = await a.dpo.client.post<IncidentView>(`/api/incidents/${incident.id}/no-notification`, {
        version: 4,
        reason: 'unlikely-to-result-in-risk',
      });
      assert.equal(exempt.body.clock.state, 'not-required', exempt.text);
      const closed = await move('closed', 5);
      assert.equal(closed.body.state, 'closed', closed.text);
      const edit = await a.dpo.client.patch(`/api/incidents/${incident.id}`, { version: 6, highRisk: true });
      assert.equal((edit.body as { code: string }).code, 'incident-closed');

      const events = await incidentEvents(t, incident.id);
      // The refused moves are there too, each with its code (AUD-1); re-authentication is the access hook's.
      assert.deepEqual(
        events.map((e) => [e.decision, e.action, e.reason]),
        [
          ['allow', 'incident.open', 'ok'],
          ['deny', 'incident.state', 'incident-transition-invalid'],
          ['allow', 'incident.state', 'suspected-to-confirmed'],
          ['deny', 'incident.state', 'incident-version-stale'],
          ['allow', 'incident.state', 'confirmed-to-contained'],
          ['deny', 'incident.state', 'incident-measures-required'],
          ['allow', 'incident.update', 'ok'],
          ['deny', 'incident.state', 'incident-notification-open'],
          ['allow', 'incident.no-notification', 'unlikely-to-result-in-risk'],
          ['allow', 'incident.state', 'contained-to-closed'],
          ['deny', 'incident.update', 'incident-closed'],
        ],
      );
    });

    test('late: the clock runs over, the banner’s clock says overdue, a late notification needs a reason', async () => {
      now = new Date('2026-12-07T10:00:00Z');
      const incident = await open();
      now = new Date('2026-12-10T12:00:00Z'); // 76 hours after awareness
      const clock = await a.dpo.client.get<{ open: { id: string; clock: IncidentView['clock'] }[] }>(
        '/api/incidents/clock',
      );
      const mine = clock.body.open.find((o) => o.id === incident.id);
      assert.equal(mine?.clock.state, 'overdue');
      assert.equal(mine?.clock.lateMs, 4 * HOUR);

      // The DPO's work list has it, overdue, with the exact due time; nobody else's, and no drill.
      type Item = {
        kind: string;
        subject: string;
        ref: string;
        due: string;
        dueAt?: string;
        overdue: boolean;
        details: string[];
      };
      const toNotify = async (who: Actor) =>
        (await who.client.get<{ items: Item[] }>('/api/worklist')).body.items.filter(
          (i) => i.kind === 'incident-to-notify',
        );
      const listed = (await toNotify(a.dpo)).find((i) => i.ref === incident.id);
      assert.deepEqual(listed, {
        kind: 'incident-to-notify',
        subject: incident.reference,
        ref: incident.id,
        due: '2026-12-10',
        dueAt: '2026-12-10T08:00:00.000Z',
        overdue: true,
        details: ['overdue'],
      });
      for (const who of [a.clerk, a.supervisor, a.auditor, oversight, otherDpo])
        assert.deepEqual(await toNotify(who), [], who.staff.role);

      const draft = await a.dpo.client.get<{ text: string }>(`/api/incidents/${incident.id}/draft`);
      assert.match(draft.body.text, /later than 72 hours/);
      assert.ok(draft.body.text.includes(SECRET_WORDS));

      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const body = {
        version: 1,
        at: '2026-12-10T11:00:00Z',
        to: 'National Data Protection Authority',
        text: draft.body.text,
      };
      const reasonless = await a.dpo.client.post(`/api/incidents/${incident.id}/notification`, body);
      assert.equal(reasonless.status, 422, reasonless.text);
      assert.equal((reasonless.body as { code: string }).code, 'incident-late-reason-required');
      const early = await a.dpo.client.post(`/api/incidents/${incident.id}/notification`, {
        ...body,
        at: '2026-12-07T07:00:00Z',
      });
      assert.equal((early.body as { code: string }).code, 'incident-notified-before-awareness');

      const told = await a.dpo.client.post<IncidentView>(`/api/incidents/${incident.id}/notification`, {
        ...body,
        lateReason: 'investigation-needed',
      });
      assert.equal(told.status, 200, told.text);
      assert.equal(told.body.clock.state, 'notified-late');
      assert.equal(told.body.clock.lateMs, 3 * HOUR);
      assert.equal(told.body.notification?.lateReason, 'investigation-needed');
      assert.equal(told.body.notification?.drill, false);
      const again = await a.dpo.client.post(`/api/incidents/${incident.id}/notification`, {
        ...body,
        version: 2,
        lateReason: 'other',
        lateNote: 'x',
      });
      assert.equal((again.body as { code: string }).code, 'incident-already-notified');

      const after = await a.dpo.client.get<{ open: { id: string }[] }>('/api/incidents/clock');
      assert.ok(!after.body.open.some((o) => o.id === incident.id), 'told: off the banner');
      assert.ok(!(await toNotify(a.dpo)).some((i) => i.ref === incident.id), 'told: off the work list');
      const events = (await incidentEvents(t, incident.id)).map((e) => e.reason);
      assert.deepEqual(events, [
        'ok',
        'incident-late-reason-required',
        'incident-notified-before-awareness',
        'late.investigation-needed',
        'incident-already-notified',
      ]);
    });

    test('a drill: same clock and draft, the notification recorded as a drill, never on the banner; its figures', async () => {
      now = new Date('2026-12-07T10:00:00Z');
      const drill = await open({ drill: true });
      assert.match(drill.reference, /^DRILL-2026-\d{3}$/);
      assert.equal(drill.clock.state, 'running');
      const clock = await a.dpo.client.get<{ open: { id: string }[] }>('/api/incidents/clock');
      assert.ok(!clock.body.open.some((o) => o.id === drill.id));
      const work = await a.dpo.client.get<{ items: { ref: string | null }[] }>('/api/worklist');
      assert.ok(!work.body.items.some((i) => i.ref === drill.id), 'a drill is not on the work list');

      const draft = await a.dpo.client.get<{ text: string }>(`/api/incidents/${drill.id}/draft`);
      assert.match(draft.body.text, /^DRILL/);

      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      now = new Date('2026-12-07T10:30:00Z');
      const confirmed = await a.dpo.client.post<IncidentView>(`/api/incidents/${drill.id}/state`, {
        to: 'confirmed',
        version: 1,
      });
      assert.equal(confirmed.status, 200, confirmed.text);
      now = new Date('2026-12-07T14:00:00Z');
      const told = await a.dpo.client.post<IncidentView>(`/api/incidents/${drill.id}/notification`, {
        version: 2,
        at: '2026-12-07T13:00:00Z',
        to: 'National Data Protection Authority',
        text: draft.body.text,
      });
      assert.equal(told.status, 200, told.text);
      assert.equal(told.body.notification?.drill, true);
      const reasons = (await incidentEvents(t, drill.id)).map((e) => e.reason);
      assert.deepEqual(reasons, ['drill.ok', 'drill.suspected-to-confirmed', 'drill.in-time']);

      const figures = await oversight.client.get<{
        drills: { reference: string; steps: Record<string, number | null>; inTime: boolean | null }[];
        summary: { drills: number; inTime: number };
      }>('/api/incidents/drills/figures?year=2026');
      assert.equal(figures.status, 200, figures.text);
      const mine = figures.body.drills.find((d) => d.reference === drill.reference);
      assert.deepEqual(mine?.steps, {
        confirmed: 150,
        affectedComputed: null,
        noticesDrafted: null,
        contained: null,
        notified: 300,

        closed: null,
      });
      assert.equal(mine?.inTime, true);
      assert.equal(figures.body.summary.drills, 1);
      const none = await otherDpo.client.get<{ drills: unknown[] }>(
        '/api/incidents/drills/figures?year=2026',
      );
      assert.deepEqual(none.body.drills, []);
    });

    test('a database dump, the key vault and the logs hold none of the words typed into the register (decision 0016)', async () => {
      now = new Date('2026-12-11T09:00:00Z');
      const phrases = {
        description: 'Zephyrine misplaced the Qorvath ledger binder',
        consequences: 'Quillon Varasch may be located by his former employer',
        measuresTaken: 'Revoked token of Ostrava kiosk seven',
        measuresProposed: 'Train the Belmonte night shift again',
        contactPoint: 'Ysolde Karamanlis, extension 4471',
      };
      const NOTIFICATION = 'We told the Vardanyan authority about the Qorvath binder';
      const LATE_NOTE = 'The Tregarthen processor answered only on Friday';
      const incident = await open({ texts: phrases });
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const told = await a.dpo.client.post<IncidentView>(`/api/incidents/${incident.id}/notification`, {
        version: incident.version,
        at: '2026-12-11T08:00:00Z',
        to: 'National Data Protection Authority',
        text: NOTIFICATION,
        lateReason: 'other',
        lateNote: LATE_NOTE,
      });
      assert.equal(told.status, 200, told.text);
      // The words are kept: the DPO reads them back whole.
      const read = await a.dpo.client.get<IncidentView>(`/api/incidents/${incident.id}`);
      assert.deepEqual(read.body.texts, phrases);
      assert.equal(read.body.notification?.text, NOTIFICATION);
      assert.equal(read.body.notification?.lateNote, LATE_NOTE);
      assert.ok(
        (await a.dpo.client.get<{ text: string }>(`/api/incidents/${incident.id}/draft`)).body.text.includes(
          phrases.description,
        ),
      );

      const stored = Buffer.concat([
        await databaseBytes(t.database),
        await databaseBytes(t.vaultDatabase),
        Buffer.from(t.logs.text()),
      ]);
      // A control: the dump is readable text where text is kept in clear (the authority's name is not sealed).
      assert.ok(stored.includes(Buffer.from('National Data Protection Authority')), 'the dump is searchable');
      for (const phrase of [...Object.values(phrases), NOTIFICATION, LATE_NOTE]) {
        // Each whole phrase, and its rarest word alone, in UTF-8 and UTF-16.
        const rare = phrase.split(' ').find((w) => /^[A-Z][a-z]{5,}$/.test(w) && w !== 'National')!;
        for (const needle of [phrase, rare]) {
          for (const encoding of ['utf8', 'utf16le'] as const) {
            assert.ok(
              !stored.includes(Buffer.from(needle, encoding)),
              `“${needle}” (${encoding}) is stored in clear`,
            );
          }
        }
      }
    });

    test('every refusal code of the register is met here over HTTP and is a deny event with its request id (AUD-1)', async () => {
      now = new Date('2026-12-07T10:00:00Z');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const met: [code: string, requestId: string][] = [];
      const expect = async (code: string, reply: { status: number; text: string; body: unknown }) => {
        assert.equal((reply.body as { code: string }).code, code, reply.text);
        met.push([code, (reply.body as { requestId: string }).requestId]);
      };
      const base = { awareAt, nature: ['integrity'] };
      const post = (url: string, body: object) => a.dpo.client.post(url, body);
      const patch = (id: string, body: object) => a.dpo.client.patch(`/api/incidents/${id}`, body);
      // Opening.
      await expect(
        'incident-awareness-in-future',
        await post('/api/incidents', { ...base, awareAt: '2026-12-08T00:00:00Z' }),
      );
      await expect('incident-nature-invalid', await post('/api/incidents', { ...base, nature: [] }));
      await expect(
        'incident-window-invalid',
        await post('/api/incidents', {
          ...base,
          window: { from: '2026-12-07T09:00:00Z', to: '2026-12-07T08:00:00Z' },
        }),
      );
      await expect(
        'incident-source-invalid',
        await post('/api/incidents', { ...base, source: { kind: 'partner', accountId: a.clerk.staff.id } }),
      );
      await expect(
        'incident-source-unknown',
        await post('/api/incidents', { ...base, source: { kind: 'account', accountId: otherDpo.staff.id } }),
      );
      // Editing.
      const incident = await open();
      await expect('incident-nothing-to-change', await patch(incident.id, { version: 1 }));
      await expect('incident-version-stale', await patch(incident.id, { version: 2, highRisk: true }));
      now = new Date('2026-12-07T12:00:00Z');
      await expect(
        'incident-awareness-after-recording',
        await patch(incident.id, { version: 1, awareAt: '2026-12-07T11:00:00Z' }),
      );
      // Moving.
      const move = (to: string, version: number) =>
        post(`/api/incidents/${incident.id}/state`, { to, version });
      await expect('incident-transition-invalid', await move('contained', 1));
      await expect('incident-measures-required', await move('closed', 1));
      // Notifying.
      const told = {
        version: 1,
        at: '2026-12-07T11:00:00Z',
        to: 'National Data Protection Authority',
        text: 'Told.',
      };
      const notify = (body: object) =>
        post(`/api/incidents/${incident.id}/notification`, { ...told, ...body });
      await expect('incident-notified-in-future', await notify({ at: '2026-12-07T13:00:00Z' }));
      await expect('incident-notified-before-awareness', await notify({ at: '2026-12-07T07:00:00Z' }));
      await expect('incident-authority-required', await notify({ to: '   ' }));
      await expect('incident-notification-text-required', await notify({ text: '   ' }));
      await expect('incident-not-late', await notify({ lateReason: 'other', lateNote: 'No.' }));
      now = new Date('2026-12-11T12:00:00Z');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      await expect('incident-late-reason-required', await notify({ at: '2026-12-11T11:00:00Z' }));
      await expect(
        'incident-late-note-required',
        await notify({ at: '2026-12-11T11:00:00Z', lateReason: 'other' }),
      );
      const measured = await patch(incident.id, { version: 1, texts: { measuresTaken: 'Sessions ended.' } });
      assert.equal(measured.status, 200, measured.text);
      await expect('incident-notification-open', await move('closed', 2));
      const late = await notify({
        version: 2,
        at: '2026-12-11T11:00:00Z',
        lateReason: 'investigation-needed',
      });
      assert.equal(late.status, 200, late.text);
      await expect(
        'incident-already-notified',
        await notify({ version: 3, at: '2026-12-11T11:00:00Z', lateReason: 'investigation-needed' }),
      );
      // A notification made late by moving awareness back, with no reason recorded.
      const inTime = await open({ awareAt: '2026-12-11T00:00:00Z' });
      const toldInTime = await post(`/api/incidents/${inTime.id}/notification`, {
        ...told,
        at: '2026-12-11T01:00:00Z',
      });
      assert.equal(toldInTime.status, 200, toldInTime.text);
      await expect(
        'incident-late-reason-required',
        await patch(inTime.id, { version: 2, awareAt: '2026-12-07T00:00:00Z' }),
      );
      // Not told, on purpose; then closed.
      const exempt = await open();
      const reason = await post(`/api/incidents/${exempt.id}/no-notification`, {
        version: 1,
        reason: 'not-a-personal-data-breach',
      });
      assert.equal(reason.status, 200, reason.text);
      await expect(
        'incident-notification-not-required',
        await post(`/api/incidents/${exempt.id}/notification`, {
          ...told,
          version: 2,
          lateReason: 'other',
          lateNote: 'x',
        }),
      );
      await patch(exempt.id, { version: 2, texts: { measuresTaken: 'None needed.' } });
      assert.equal(
        (await post(`/api/incidents/${exempt.id}/state`, { to: 'closed', version: 3 })).status,
        200,
      );
      await expect('incident-closed', await patch(exempt.id, { version: 4, highRisk: true }));

      // Each is a deny event with its request id and code.
      const events = await allEvents(t);
      for (const [code, requestId] of met) {
        assert.ok(
          events.some((e) => e.requestId === requestId && e.decision === 'deny' && e.reason === code),
          `${code}: no deny event for request ${requestId}`,
        );
      }
      const codes = registerRefusalCodes();
      assert.ok(codes.length >= 30, `${codes.length} codes read from the sources`);
      const missing = codes.filter((c) => !met.some(([code]) => code === c) && !(c in BEHIND_THE_SCHEMA));
      assert.deepEqual(missing, [], 'every refusal code of the register is met here');
    });
  });
}
