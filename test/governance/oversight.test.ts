import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, CONSENT, ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

const PROTECTION = 'protection-case-management';
const JUSTIFICATION = 'Medical emergency at the clinic; her caseworker cannot be reached tonight.';

/**
 * Oversight (GOV-4, ACC-1) reads how the organisation governs its processing — the work list, the ledger, break-glass
 * use and its reviews — and never a person. Policy changes (ACC-2) are decided on the impact the approver saw, by a
 * second person, and a rollback is a change like any other.
 */
for (const kind of testDatabaseKinds()) {
  describe(`oversight and policy changes over HTTP (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let oversight: Actor;
    let personId = '';

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      const staff = await createStaff(t, { role: 'oversight', tier: 4, org: 'org-a' });
      oversight = actor(staff, await signedIn(t, staff));
      personId = await register(a.caseworker, { ...KNOWN_PEOPLE[1] });
      const consent = await a.caseworker
        .as(PROTECTION)
        .post(`/api/persons/${personId}/consents`, { purpose: PROTECTION, basis: CONSENT });
      assert.equal(consent.status, 201, consent.text);
      const grant = await a.otherCaseworker
        .as(PROTECTION)
        .post(`/api/persons/${personId}/break-glass`, { justification: JUSTIFICATION });
      assert.equal(grant.status, 201, grant.text);
    });
    after(() => t.close());

    test('oversight reads the work list, the ledger and break-glass use, without whose record or why', async () => {
      const worklist = await oversight.as(undefined).get('/api/worklist');
      assert.equal(worklist.status, 200, worklist.text);
      const overview = await oversight.as(undefined).get('/api/break-glass-overview');
      assert.equal(overview.status, 200, overview.text);
      assert.equal(overview.body.unreviewed, 1);
      assert.ok(!overview.text.includes(personId), 'no person id');
      assert.ok(!overview.text.includes('Medical emergency'), 'no justification');
      const entries = await oversight.as(undefined).get('/api/ledger/entries?from=0&to=5');
      assert.equal(entries.status, 200, entries.text);
      for (const name of Object.values(KNOWN_PEOPLE[1]!).filter((v) => typeof v === 'string')) {
        assert.ok(!worklist.text.includes(name as string) && !entries.text.includes(name as string));
      }
    });

    test('oversight is refused every person: read, search, register, consent, break-glass — and each refusal is ledgered', async () => {
      const attempts = [
        await oversight.as(PROTECTION).get(`/api/persons/${personId}`),
        await oversight.as('registration').post('/api/persons/search', { name: 'Amina' }),

        await oversight
          .as('registration')
          .post('/api/persons', { values: { ...KNOWN_PEOPLE[3] }, basis: CONSENT }),
        await oversight.as(PROTECTION).get(`/api/persons/${personId}/consents`),
        await oversight
          .as(PROTECTION)
          .post(`/api/persons/${personId}/break-glass`, { justification: JUSTIFICATION }),
        await oversight.as(undefined).get('/api/alerts'),
        await oversight.as(undefined).post('/api/policies', { files: {} }),
      ];
      for (const reply of attempts) assert.equal(reply.status, 403, reply.text);
      const events = await ledgerEvents(t);
      const refused = events.filter((e) => e.actor.role === 'oversight' && e.decision === 'deny');
      assert.ok(refused.length >= 3, `${refused.length} refusals of oversight in the ledger`);
    });

    test('a policy change: approved only on the impact seen, by a second person; decisions then name the version; a rollback likewise', async () => {
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      await reauthenticate(t, a.admin.client, a.admin.staff);
      const current = await a.dpo.client.get<{
        active: number;
        versions: { version: number; status: string; files: Record<string, string> }[];
      }>('/api/policies');
      const before = current.body.versions.find((v) => v.status === 'active')!;
      // Supervisors lose reading for protection case management: a real change with a real impact.
      const restricted = {
        ...before.files,
        'restriction.cedar':
          '@id("no-supervisor-reads") @requirement("ACC-1") @reason("not-permitted")\n' +
          'forbid (principal is Haven::Staff, action == Haven::Action::"read", resource)\n' +
          `when { principal.role == "supervisor" && context.purpose.name == "${PROTECTION}" };\n`,
      };
      const proposed = await a.dpo.client.post('/api/policies', {
        files: restricted,
        note: 'Supervisors: no reads',
      });
      assert.equal(proposed.status, 201, proposed.text);
      const version = Number(proposed.body.version);
      const impact = await impactOf(a.admin, version);
      assert.ok(impact.toDeny > 0 && impact.toAllow === 0, JSON.stringify([impact.toAllow, impact.toDeny]));
      assert.ok(impact.groups.every((g: { who: string }) => g.who.startsWith('supervisor')));
      // An approval for something else than what is now shown is refused, and changes nothing.
      const unseen = await a.admin.client.post(`/api/policies/${version}/approve`, {
        impactSha256: 'f'.repeat(64),
      });
      assert.equal(unseen.status, 409, unseen.text);
      assert.equal(unseen.body.code, 'policy-impact-not-seen');
      assert.equal((await a.dpo.client.get('/api/policies')).body.active, current.body.active);
      const approved = await a.admin.client.post(`/api/policies/${version}/approve`, {
        impactSha256: impact.sha256,
      });
      assert.equal(approved.status, 200, approved.text);
      const read = await a.supervisor.as(PROTECTION).get(`/api/persons/${personId}`);
      assert.equal(read.status, 403, read.text);
      const refusal = (await ledgerEvents(t, personId)).findLast((e) => e.action === 'person.read') as
        | { policy?: number; decision: string }
        | undefined;
      assert.deepEqual([refusal?.decision, refusal?.policy], ['deny', version]);

      // Back to the version before: proposed by the admin, approved by the DPO (not by the admin).
      const rollback = await a.admin.client.post(`/api/policies/${before.version}/rollback`, {
        note: 'Supervisors need to read protection cases again',
      });
      assert.equal(rollback.status, 201, rollback.text);
      const back = Number(rollback.body.version);
      const backImpact = await impactOf(a.dpo, back);
      assert.equal(backImpact.toAllow, impact.toDeny, 'the rollback undoes exactly what the change did');
      const own = await a.admin.client.post(`/api/policies/${back}/approve`, {
        impactSha256: backImpact.sha256,
      });
      assert.equal(own.status, 403);
      assert.equal(own.body.reason, 'own-proposal');
      const undone = await a.dpo.client.post(`/api/policies/${back}/approve`, {
        impactSha256: backImpact.sha256,
      });
      assert.equal(undone.status, 200, undone.text);
      const after = await a.dpo.client.get<{
        versions: { version: number; status: string; files: object }[];
      }>('/api/policies');
      const active = after.body.versions.find((v) => v.status === 'active')!;
      assert.equal(active.version, back);
      assert.deepEqual(active.files, before.files);
      assert.equal((await a.supervisor.as(PROTECTION).get(`/api/persons/${personId}`)).status, 200);
    });
  });
}

async function impactOf(
  who: Actor,
  version: number,
): Promise<{ toAllow: number; toDeny: number; sha256: string; groups: { who: string }[] }> {
  for (;;) {
    const reply = await who.client.get(`/api/policies/${version}/impact`);
    if (reply.status === 200) return reply.body.impact as never;
    assert.equal(reply.status, 202, reply.text);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
