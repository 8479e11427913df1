import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PIN = '4826';
const CONTACT = 'Data protection desk, +962 6 555 0100';

/**
 * BRE-3 and BRE-2 over HTTP: the DPO computes the people an incident's compromised account exposed and issues
 * their notices (after re-authentication, high-risk only, once); oversight and the auditor read the counts; other
 * roles and organisations are refused; the person reads their notice in the portal; letters name the people
 * without the portal; a drill's notices are drafts nobody sees.
 */
for (const kind of testDatabaseKinds()) {
  describe(`affected people and breach notices over HTTP (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let oversight: Actor;
    let otherDpo: Actor;
    let people: string[];
    let code = '';
    let window: { from: string; to: string };

    const openIncident = async (body: Record<string, unknown> = {}) => {
      const reply = await a.dpo.client.post<{ id: string; version: number; reference: string }>(
        '/api/incidents',
        {
          awareAt: new Date(Date.now() - 60_000).toISOString(),
          nature: ['confidentiality'],
          dataCategories: ['name'],
          peopleCategories: ['registered-people'],
          texts: { contactPoint: CONTACT },
          source: { kind: 'account', accountId: a.clerk.staff.id },
          window,
          ...body,
        },
      );
      assert.equal(reply.status, 201, reply.text);
      return reply.body;
    };
    const markHighRisk = async (incident: { id: string; version: number }) => {
      const reply = await a.dpo.client.patch(`/api/incidents/${incident.id}`, {
        version: incident.version,
        highRisk: true,
      });
      assert.equal(reply.status, 200, reply.text);
    };
    const events = async (action: string) => {
      const { rows } = await t.database.db.query<{ body: Buffer }>(
        `select body from audit_event where convert_from(body, 'UTF8')::jsonb->>'action' = $1 order by seq`,
        [action],
      );
      return rows.map((r) => JSON.parse(Buffer.from(r.body).toString('utf8')));
    };

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      const o = await createStaff(t, { role: 'oversight', tier: 4, org: 'org-a' });
      oversight = actor(o, await signedIn(t, o));
      const b = await createStaff(t, { role: 'dpo', tier: 4, org: 'org-b' });
      otherDpo = actor(b, await signedIn(t, b));
      people = [
        await register(a.clerk, { ...KNOWN_PEOPLE[0] }),
        await register(a.clerk, { ...KNOWN_PEOPLE[1] }),
        await register(a.clerk, { ...KNOWN_PEOPLE[2] }),
      ];
      const card = await a.clerk.client.post(`/api/persons/${people[0]}/card`, { pin: PIN });
      assert.equal(card.status, 201, card.text);
      code = String(card.body.code);
      await sleep(5);
      const from = new Date().toISOString();
      // The compromised clerk reads two people; a caseworker is refused the third (not in caseload).
      for (const id of people.slice(0, 2))
        assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
      assert.equal(
        (await a.caseworker.as('protection-case-management').get(`/api/persons/${people[2]}`)).status,
        403,
      );
      await sleep(5);
      window = { from, to: new Date().toISOString() };
    });
    after(() => t?.close());

    test('the DPO computes the people affected: counts by category, no names; others are refused', async () => {
      const incident = await openIncident();
      const url = `/api/incidents/${incident.id}/affected`;
      assert.equal((await a.dpo.client.get(url)).body.code, 'affected-not-computed');
      assert.equal((await a.supervisor.client.post(url, {})).status, 403);
      assert.equal((await oversight.client.post(url, {})).status, 403);
      assert.equal(
        (await otherDpo.client.post(url, {})).status,
        404,
        'another organisation’s incident is not found',
      );
      const computed = await a.dpo.client.post(url, {});
      assert.equal(computed.status, 200, computed.text);
      assert.equal(computed.body.people, 2);
      assert.equal((computed.body.byExposure as Record<string, number>).read, 2);
      assert.equal((computed.body.byCategory as Record<string, number>).name, 2);
      assert.equal(computed.body.attribution, 'exact');
      assert.ok(!JSON.stringify(computed.body).includes(people[0]!), 'the counts name no one');
      for (const reader of [oversight, a.auditor]) {
        const seen = await reader.client.get(url);
        assert.equal(seen.status, 200, seen.text);
        assert.equal(seen.body.people, 2);
      }
      assert.equal((await a.supervisor.client.get(url)).status, 403);
      assert.equal((await a.caseworker.client.get(url)).status, 403);
      assert.equal((await otherDpo.client.get(url)).status, 404);
      // The ledger: the computation's digest for the incident, and each person found — ids and codes only.
      const summary = (await events('incident.affected')).find((e) => e.decision === 'allow');
      assert.ok(
        (await events('incident.affected')).some((e) => e.decision === 'deny' && e.reason === 'not-found'),
        'another organisation’s DPO refused, in the ledger',
      );

      assert.equal(summary.subject, incident.id);
      assert.equal(summary.digest, computed.body.digest);
      const found = await events('incident.affected-person');
      assert.deepEqual(found.map((e) => e.subject).sort(), people.slice(0, 2).sort());
      // The register keeps the step's time for the drills' figures.
      const register = await a.dpo.client.get<{ steps: { affectedComputedAt: string | null } }>(
        `/api/incidents/${incident.id}`,
      );
      assert.ok(register.body.steps.affectedComputedAt);
    });

    test('notices: high-risk only, after re-authentication, once; the portal shows them; letters for the rest', async () => {
      const incident = await openIncident();
      const notices = `/api/incidents/${incident.id}/notices`;
      // A sign-in counts as a re-authentication for a few minutes: age it, and issuing asks for it again (ACC-4).
      await t.database.db.query(
        "update staff_session set reauthenticated_at = now() - interval '1 hour' where account_id = $1",
        [a.dpo.staff.id],
      );
      t.haven.sessions.forgetAccount(a.dpo.staff.id);
      assert.equal((await a.dpo.client.post(notices, {})).body.code, 'reauthentication-required');
      await reauthenticate(t, a.dpo.client, a.dpo.staff);

      const early = await a.dpo.client.post(notices, {});
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'notices-not-high-risk');
      await markHighRisk(incident);
      const notComputed = await a.dpo.client.post(notices, {});
      assert.equal(notComputed.body.code, 'affected-not-computed');
      assert.equal((await a.dpo.client.post(`/api/incidents/${incident.id}/affected`, {})).status, 200);
      // The DPO's work list: the people found wait to be told (a reference and a count, no one named).
      const work = async (who: Actor, kind: string) =>
        (
          (await who.client.get('/api/worklist')).body.items as {
            kind: string;
            subject: string;
            details: string[];
          }[]
        ).filter((i) => i.kind === kind && i.subject === incident.reference);
      assert.deepEqual(
        (await work(a.dpo, 'breach-notices-to-issue')).map((i) => i.details),
        [['count-2']],
      );
      assert.equal((await work(a.supervisor, 'breach-notices-to-issue')).length, 0);
      assert.equal((await a.supervisor.client.post(notices, {})).status, 403);
      const issued = await a.dpo.client.post(notices, {});
      assert.equal(issued.status, 200, issued.text);
      assert.deepEqual(
        {
          issued: issued.body.issued,
          portal: issued.body.portal,
          letters: issued.body.letters,
          drill: issued.body.drill,
        },
        { issued: 2, portal: 1, letters: 1, drill: false },
      );
      assert.deepEqual(
        issued.body.byLanguage,
        { ar: 2 },
        'the language of the notice they were given (CONSENT: ar)',
      );
      const again = await a.dpo.client.post(notices, {});
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'notices-already-issued');
      const recompute = await a.dpo.client.post(`/api/incidents/${incident.id}/affected`, {});
      assert.equal(recompute.body.code, 'affected-notices-issued');
      assert.equal((await events('incident.notice-issue')).length, 2);
      assert.equal((await work(a.dpo, 'breach-notices-to-issue')).length, 0);
      assert.deepEqual(
        (await work(a.dpo, 'breach-letters-to-print')).map((i) => i.details),
        [['count-1']],
      );

      // Letters: the person without a card, by name; each name read is in the ledger.
      const letters = await a.dpo.client.get<
        { id: string; name: { familyLatin: string } | null; contact: string; channel: string }[]
      >(`/api/incidents/${incident.id}/letters`);
      assert.equal(letters.status, 200, letters.text);
      assert.equal(letters.body.length, 1);
      assert.equal(letters.body[0]!.name?.familyLatin, KNOWN_PEOPLE[1]!['family-name-latin']);
      assert.equal(letters.body[0]!.contact, CONTACT);
      assert.equal((await work(a.dpo, 'breach-letters-to-print')).length, 1, 'opened is not printed');
      assert.equal((await oversight.client.get(`/api/incidents/${incident.id}/letters`)).status, 403);
      const all = await a.dpo.client.get<{ id: string }[]>(`/api/incidents/${incident.id}/letters?all=true`);
      assert.equal(all.body.length, 2);
      // Printing is recorded when staff print: only this incident's notices, all or none.
      const printed = `/api/incidents/${incident.id}/letters/printed`;
      const stranger = all.body.map((l) => l.id).concat('00000000-0000-4000-8000-000000000000');
      assert.equal((await a.dpo.client.post(printed, { notices: stranger })).body.code, 'letters-invalid');
      assert.equal((await oversight.client.post(printed, { notices: [letters.body[0]!.id] })).status, 403);
      const marked = await a.dpo.client.post(printed, { notices: [letters.body[0]!.id] });
      assert.equal(marked.status, 200, marked.text);
      assert.equal(marked.body.printed, 1);
      assert.equal((await work(a.dpo, 'breach-letters-to-print')).length, 0, 'printed: off the work list');
      const named = await events('incident.notice-letter');
      assert.ok(named.length >= 3 && named.every((e) => e.fieldGroups?.join() === 'identity'));

      // The portal: the person with a card reads their notice; not another's.
      const person = new Client(t.app);
      assert.equal((await person.post('/api/me/sign-in', { code, pin: PIN })).status, 200);
      const read = (url: string) => person.get(url, { headers: { 'x-csrf-token': person.csrfToken ?? '' } });
      const mine = await read('/api/me/breach-notices');
      assert.equal(mine.status, 200, mine.text);
      const list = mine.body as unknown as {
        id: string;
        language: string;
        contact: string;
        readAt: string | null;
      }[];
      assert.equal(list.length, 1);
      assert.equal(list[0]!.language, 'ar');
      assert.equal(list[0]!.contact, CONTACT);
      assert.equal(list[0]!.readAt, null);
      const opened = await person.post(`/api/me/breach-notices/${list[0]!.id}/read`, {});
      assert.equal(opened.status, 200, opened.text);
      const { rows: other } = await t.database.db.query<{ id: string }>(
        'select id from breach_notice where person_id = $1',
        [people[1]!],
      );
      const foreign = await person.post(`/api/me/breach-notices/${other[0]!.id}/read`, {});
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.code, 'notice-not-found');
      // An erasure keeps that the breach affected them and how they were told (GDPR 33(5)), and says so.
      const preview = await a.dpo.client.get<{ kept: { item: string; count: number; ground: string }[] }>(
        `/api/persons/${people[1]}/erasure-preview`,
      );
      assert.equal(preview.status, 200, preview.text);
      const breach = preview.body.kept.find((k) => k.item === 'breach-records');
      assert.equal(breach?.ground, 'gdpr-33-5-breach-documentation');
      assert.ok(breach!.count >= 2, 'the person found affected and their notice');
      const summary = await a.dpo.client.get(`/api/incidents/${incident.id}/affected`);

      assert.equal((summary.body.notices as { read: number }).read, 1);
      assert.equal((summary.body.notices as { printed: number }).printed, 1);
    });

    test('a drill: the same computation and draft notices, never in the portal', async () => {
      const drill = await openIncident({ drill: true });
      await markHighRisk(drill);
      assert.equal((await a.dpo.client.post(`/api/incidents/${drill.id}/affected`, {})).status, 200);
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const issued = await a.dpo.client.post(`/api/incidents/${drill.id}/notices`, {});
      assert.equal(issued.status, 200, issued.text);
      assert.equal(issued.body.drill, true);
      assert.equal((await events('incident.notice-draft')).length, 2);
      const person = new Client(t.app);
      await person.post('/api/me/sign-in', { code, pin: PIN });
      const mine = await person.get('/api/me/breach-notices', {
        headers: { 'x-csrf-token': person.csrfToken ?? '' },
      });
      const list = mine.body as unknown as { incidentId: string }[];
      assert.ok(
        list.every((n) => n.incidentId !== drill.id),
        'a drill’s notice never reaches the person',
      );
      const letters = await a.dpo.client.get<{ drill: boolean }[]>(`/api/incidents/${drill.id}/letters`);
      assert.ok(letters.body.length === 1 && letters.body[0]!.drill);

      // The drills' figures carry the breach-response steps (people computed, notices drafted), read through
      // the gate as the reader (oversight here; counts and times only), breach_notice never opened to the
      // general pool.
      const figures = await oversight.client.get<{
        drills: { id: string; steps: Record<string, number | null> }[];
        summary: { steps: Record<string, { reached: number }> };
      }>(`/api/incidents/drills/figures?year=${new Date().getUTCFullYear()}`);
      assert.equal(figures.status, 200, figures.text);
      const figure = figures.body.drills.find((d) => d.id === drill.id)!;
      assert.equal(typeof figure.steps.affectedComputed, 'number');
      assert.equal(typeof figure.steps.noticesDrafted, 'number');
      assert.ok(figure.steps.noticesDrafted! >= figure.steps.affectedComputed!, 'drafted after computing');
      assert.equal(figures.body.summary.steps.noticesDrafted!.reached, 1, 'only this drill drafted notices');
      const elsewhere = await otherDpo.client.get<{ drills: unknown[] }>(
        `/api/incidents/drills/figures?year=${new Date().getUTCFullYear()}`,
      );
      assert.deepEqual(elsewhere.body.drills, [], 'another organisation’s drills are not theirs');

      // A drill without notices yet: the step is not reached.
      const fresh = await openIncident({ drill: true });
      const again = await a.auditor.client.get<{
        drills: { id: string; steps: Record<string, number | null> }[];
      }>(`/api/incidents/drills/figures?year=${new Date().getUTCFullYear()}`);
      assert.equal(again.status, 200, again.text);
      const other = again.body.drills.find((d) => d.id === fresh.id)!;
      assert.deepEqual([other.steps.affectedComputed, other.steps.noticesDrafted], [null, null]);
    });

    test('bad input: a device, no source, a window ending in the future, another organisation — nothing written', async () => {
      const device = await openIncident({ source: { kind: 'device', deviceId: 'tablet-7' } });
      const refused = await a.dpo.client.post(`/api/incidents/${device.id}/affected`, {});
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, 'affected-source-unsupported');
      // Refusals are in the ledger too (AUD-1), about the incident, with their code.
      assert.ok(
        (await events('incident.affected')).some(
          (e) =>
            e.subject === device.id && e.decision === 'deny' && e.reason === 'affected-source-unsupported',
        ),
      );

      const none = await openIncident({ source: null });
      assert.equal(
        (await a.dpo.client.post(`/api/incidents/${none.id}/affected`, {})).body.code,
        'affected-source-missing',
      );
      const future = await openIncident({
        window: { from: window.from, to: new Date(Date.now() + 3_600_000).toISOString() },
      });
      assert.equal(
        (await a.dpo.client.post(`/api/incidents/${future.id}/affected`, {})).body.code,
        'affected-window-future',
      );
      const { rows } = await t.database.db.query<{ n: number }>(
        'select count(*)::int as n from incident_affected where incident_id = any($1::uuid[])',
        [[device.id, none.id, future.id]],
      );
      assert.equal(rows[0]!.n, 0);
      await reauthenticate(t, otherDpo.client, otherDpo.staff);
      const foreign = await otherDpo.client.post(`/api/incidents/${device.id}/notices`, {});
      assert.equal(foreign.status, 404, 'another organisation’s DPO does not find the incident');
    });
  });
}
