import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import { activeAgreement } from '../../src/sharing/agreements.ts';
import { partnerByToken } from '../../src/sharing/partner-tokens.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, ledgerEvents, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';
import { partnerToken, registerPartner, type TestPartner } from './partner-support.ts';

const today = () => new Date().toISOString().slice(0, 10);

/** Data-sharing agreements as enforced objects (SHA-1, SHA-3, ACC-6, GOV-2). */
for (const kind of testDatabaseKinds()) {
  describe(`data-sharing agreements (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let secondDpo: Actor;
    let ngo: TestPartner;
    let other: TestPartner;

    const proposal = (partnerId: string, over: Record<string, unknown> = {}) => ({
      partnerId,
      title: 'Cash assistance in Zaatari',
      purposes: ['assistance-distribution'],
      fields: ['given-name', 'family-name', 'phone', 'household-size'],
      legalBasis: 'public-interest',
      startsOn: today(),
      endsOn: addToDay(today(), { months: 12 }),
      partnerRetention: '6 months',
      ...over,
    });
    const approve = async (by: Actor, id: string) => {
      await reauthenticate(t, by.client, by.staff);
      return by.client.post(`/api/agreements/${id}/approve`, {});
    };

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      const dpo = await createStaff(t, { role: 'dpo', tier: 4, org: 'org-a' });
      secondDpo = actor(dpo, await signedIn(t, dpo));
      ngo = await registerPartner(t, a.admin, { name: 'Cash NGO' });
      other = await registerPartner(t, a.admin, { name: 'Other NGO' });
    });
    after(() => t.close());

    test('a proposal is checked against the dictionary: fields of every purpose, a basis they accept', async () => {
      const byClerk = await a.clerk.client.post('/api/agreements', proposal(ngo.id));
      assert.equal(byClerk.status, 403);
      const outside = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, { fields: ['given-name', 'health-notes'] }),
      );
      assert.equal(outside.status, 422, outside.text);
      assert.equal(outside.body.code, 'agreement-invalid');
      assert.deepEqual(
        (outside.body.fields as { path: string; code: string }[]).map((f) => [f.path, f.code]),
        [['fields/1', 'field-not-in-purpose']],
      );
      const basis = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, { legalBasis: 'legal-obligation' }),
      );
      assert.equal((basis.body.fields as { code: string }[])[0]?.code, 'basis-not-accepted');
      const prohibited = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, { purposes: ['immigration-enforcement'] }),
      );
      assert.equal(prohibited.status, 422);
      const retention = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, { partnerRetention: 'forever' }),
      );
      assert.equal((retention.body.fields as { path: string }[])[0]?.path, 'partnerRetention');
      const onward = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, { onwardSharingBanned: false }),
      );
      assert.equal((onward.body.fields as { path: string }[])[0]?.path, 'onwardSharingReason');
      const elsewhere = await b.supervisor.client.post('/api/agreements', proposal(ngo.id));
      assert.equal(elsewhere.status, 404, 'another organisation’s partner');
      const ok = await a.supervisor.client.post('/api/agreements', proposal(ngo.id));
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.state, 'proposed');
      assert.equal(ok.body.status, 'proposed');
      assert.equal(ok.body.onwardSharingBanned, true);
      assert.equal(ok.body.partnerRetention, '6 months');
    });

    test('SHA-3: an agreement with the authority of a country of origin is refused at creation', async () => {
      const origin = await a.admin.client.post('/api/partners', {
        name: 'Ministry of the country fled',
        jurisdiction: 'SYR',
        kind: 'origin-state-authority',
        actsForCountry: 'SYR',
      });
      assert.equal(origin.status, 201, origin.text);
      const refused = await a.dpo.client.post(
        '/api/agreements',
        proposal(String(origin.body.id), { purposes: ['statistics'], fields: ['sex'] }),
      );
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.code, 'agreement-origin-state');
      assert.equal(refused.body.reason, 'SHA-3');
      // A host state's authority may have agreements; each person is checked at release.
      const host = await a.admin.client.post('/api/partners', {
        name: 'Host ministry',
        jurisdiction: 'JOR',
        kind: 'host-state-authority',
        actsForCountry: 'JOR',
      });
      const allowed = await a.dpo.client.post(
        '/api/agreements',
        proposal(String(host.body.id), {
          purposes: ['statistics'],
          fields: ['sex'],
          legalBasis: 'public-interest',
        }),
      );
      assert.equal(allowed.status, 201, allowed.text);
    });

    test('ACC-6: never approved by its proposer — in code and in the database', async () => {
      const proposed = await a.dpo.client.post('/api/agreements', proposal(ngo.id));
      const id = String(proposed.body.id);
      const own = await approve(a.dpo, id);
      assert.equal(own.status, 403, own.text);
      assert.equal(own.body.code, 'own-agreement');
      const bySupervisor = await a.supervisor.client.post(`/api/agreements/${id}/approve`, {});
      assert.equal(bySupervisor.status, 403, 'only a DPO approves');
      await assert.rejects(
        t.database.db.query(
          `update agreement set state = 'approved', approved_by = proposed_by, dpias = '[]' where id = $1`,
          [id],
        ),
        /check/,
      );
      const approved = await approve(secondDpo, id);
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'active');
      assert.equal(approved.body.approvedBy, secondDpo.staff.id);
      const dpias = approved.body.dpias as { purpose: string; version: number }[];
      assert.deepEqual(
        dpias.map((d) => d.purpose),
        ['assistance-distribution'],
      );
      const again = await approve(secondDpo, id);
      assert.equal(again.body.code, 'agreement-state-invalid');
    });

    test('GOV-2: approval needs each purpose’s DPIA in force', async () => {
      const proposed = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, {
          purposes: ['family-tracing-reunification'],
          fields: ['given-name', 'mothers-name'],
          legalBasis: 'vital-interest',
        }),
      );
      await t.database.db.query(
        `update dpia set status = 'superseded' where subject = 'family-tracing-reunification' and status = 'approved'`,
      );
      t.haven.gate.purposes.invalidate();
      try {
        const refused = await approve(a.dpo, String(proposed.body.id));
        assert.equal(refused.status, 409, refused.text);
        assert.equal(refused.body.code, 'agreement-dpia-missing');
      } finally {
        await t.database.db.query(
          `update dpia set status = 'approved' where subject = 'family-tracing-reunification' and status = 'superseded'`,
        );
        t.haven.gate.purposes.invalidate();
      }
    });

    test('only an active agreement lets data out; suspension and termination count on the next request', async () => {
      const proposed = await a.supervisor.client.post('/api/agreements', proposal(ngo.id));
      const id = String(proposed.body.id);
      await assert.rejects(activeAgreement(t.haven.db, id, ngo.id, today()), {
        code: 'agreement-not-approved',
      });
      await approve(a.dpo, id);
      const facts = await activeAgreement(t.haven.db, id, ngo.id, today());
      assert.deepEqual(facts, {
        id,
        partnerId: ngo.id,
        organisationId: a.admin.staff.organisationId,
        purposes: ['assistance-distribution'],
        fields: ['given-name', 'family-name', 'phone', 'household-size'],
        legalBasis: 'public-interest',
        state: 'approved',
        startsOn: today(),
        endsOn: addToDay(today(), { months: 12 }),
      });
      // It ends by itself: the day after its last day, and before its first.
      await assert.rejects(
        activeAgreement(t.haven.db, id, ngo.id, addToDay(addToDay(today(), { months: 12 }), { days: 1 })),
        {
          code: 'agreement-expired',
        },
      );
      await assert.rejects(activeAgreement(t.haven.db, id, ngo.id, addToDay(today(), { days: -1 })), {
        code: 'agreement-not-started',
      });
      // Partner A's token on B's agreement.
      const principal = await partnerByToken(t.haven.db, await partnerToken(t, other), new Date());
      await assert.rejects(activeAgreement(t.haven.db, id, principal.partnerId, today()), {
        code: 'agreement-other-partner',
        status: 403,
      });
      await assert.rejects(activeAgreement(t.haven.db, crypto.randomUUID(), ngo.id, today()), {
        code: 'agreement-not-found',
        status: 404,
      });
      const noReason = await a.admin.client.post(`/api/agreements/${id}/suspend`, {});
      assert.equal(noReason.status, 400);
      const suspended = await a.admin.client.post(`/api/agreements/${id}/suspend`, {
        reason: 'Partner reported a lost laptop.',
      });
      assert.equal(suspended.status, 200, suspended.text);
      await assert.rejects(activeAgreement(t.haven.db, id, ngo.id, today()), {
        code: 'agreement-suspended',
        status: 403,
      });
      assert.equal(
        (await a.admin.client.post(`/api/agreements/${id}/resume`, {})).status,
        403,
        'DPO resumes',
      );
      assert.equal((await a.dpo.client.post(`/api/agreements/${id}/resume`, {})).status, 200);
      await activeAgreement(t.haven.db, id, ngo.id, today());
      // A suspended partner gets nothing under any agreement.
      await a.dpo.client.post(`/api/partners/${ngo.id}/suspend`, { reason: 'Audit.' });
      await assert.rejects(activeAgreement(t.haven.db, id, ngo.id, today()), { code: 'partner-suspended' });
      await a.dpo.client.post(`/api/partners/${ngo.id}/resume`, {});
      const ended = await a.dpo.client.post(`/api/agreements/${id}/terminate`, {
        reason: 'Programme closed.',
      });
      assert.equal(ended.body.status, 'terminated');
      await assert.rejects(activeAgreement(t.haven.db, id, ngo.id, today()), {
        code: 'agreement-terminated',
      });
      assert.equal(
        (await a.dpo.client.post(`/api/agreements/${id}/resume`, {})).body.code,
        'agreement-state-invalid',
      );
    });

    test('an agreement starting later is pending until its first day; lists and reads are per organisation', async () => {
      const later = await a.supervisor.client.post(
        '/api/agreements',
        proposal(ngo.id, {
          startsOn: addToDay(today(), { days: 10 }),
          endsOn: addToDay(today(), { days: 40 }),
        }),
      );
      const approved = await approve(a.dpo, String(later.body.id));
      assert.equal(approved.body.status, 'pending-start');
      const list = await a.auditor.client.get<{ agreements: { id: string }[] }>(
        `/api/agreements?partnerId=${ngo.id}`,
      );
      assert.ok(list.body.agreements.some((x) => x.id === later.body.id));
      assert.equal((await b.dpo.client.get(`/api/agreements/${later.body.id}`)).status, 404);
      assert.equal((await a.clerk.client.get('/api/agreements')).status, 403);
    });

    test('every change of an agreement is a ledger event', async () => {
      const events = (await ledgerEvents(t)) as { action: string; subjectType?: string }[];
      const actions = new Set(events.filter((e) => e.subjectType === 'agreement').map((e) => e.action));
      for (const action of [
        'agreement.propose',
        'agreement.approve',
        'agreement.suspend',
        'agreement.resume',
        'agreement.terminate',
      ]) {
        assert.ok(actions.has(action), action);
      }
    });
  });
}
