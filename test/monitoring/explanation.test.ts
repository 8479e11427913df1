import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, CONSENT, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, signedIn } from '../support/staff.ts';

const PROTECTION = 'protection-case-management';

/**
 * What the data explains (AUD-6, first step), made by real gate operations and asked of the gate: caseload, an
 * emergency access while it lasts, a rights request the staff member received, a correction under review, one's own
 * registration — and nothing for the same access without them, or by another organisation's staff.
 */
for (const kind of testDatabaseKinds()) {
  describe(`what explains an access (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    let secondClerk: Actor;
    let person: string;
    let other: string;

    const explain = (who: Actor, personId: string, at = new Date()) =>
      t.haven.gate
        .explainAccesses([
          {
            account: who.staff.id,
            organisation: who.staff.organisationId,
            role: who.staff.role,
            person: personId,
            at,
          },
        ])
        .then((r) => r[0]);

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
      const staff = await createStaff(t, { role: 'clerk', tier: 2, org: 'org-a' });
      secondClerk = actor(staff, await signedIn(t, staff));
      person = await register(a.clerk, { ...KNOWN_PEOPLE[2] });
      const consent = await a.clerk
        .as(PROTECTION)
        .post(`/api/persons/${person}/consents`, { purpose: PROTECTION, basis: CONSENT });
      assert.equal(consent.status, 201, consent.text);
      other = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
    });
    after(() => t.close());

    test('one’s own registration and one’s caseload', async () => {
      assert.equal(await explain(a.clerk, person), 'registration');
      assert.equal(await explain(a.caseworker, person), null);
      const assigned = await a.supervisor
        .as(PROTECTION)
        .put(`/api/persons/${person}/caseload/${a.caseworker.staff.id}`);
      assert.equal(assigned.status, 200, assigned.text);
      assert.equal(await explain(a.caseworker, person), 'caseload');
      // Another organisation's staff: nothing explains it.
      assert.equal(await explain(b.clerk, person), null);
      assert.equal(await explain(b.caseworker, person), null);
    });

    test('an emergency access, while it lasts and not before', async () => {
      const before = new Date(Date.now() - 3_600_000);
      assert.equal(await explain(a.otherCaseworker, person), null);
      const grant = await a.otherCaseworker.as(PROTECTION).post(`/api/persons/${person}/break-glass`, {
        justification: 'Medical emergency at the clinic; her caseworker cannot be reached tonight.',
      });
      assert.equal(grant.status, 201, grant.text);
      assert.equal(await explain(a.otherCaseworker, person), 'break-glass');
      assert.equal(await explain(a.otherCaseworker, person, before), null);
      assert.equal(await explain(a.otherCaseworker, person, new Date(Date.now() + 5 * 3_600_000)), null);
    });

    test('a rights request the staff member received', async () => {
      assert.equal(await explain(secondClerk, other), null);
      const taken = await secondClerk.client.post(`/api/persons/${other}/rights-requests`, {
        kind: 'access',
        channel: 'written',
      });
      assert.equal(taken.status, 201, taken.text);
      assert.equal(await explain(secondClerk, other), 'rights-request');
    });

    test('a correction under review: for its proposer, and for a supervisor while it waits', async () => {
      assert.equal(await explain(a.supervisor, other), null);
      const proposed = await a.clerk.as('registration').post(`/api/persons/${other}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      assert.equal(proposed.status, 201, proposed.text);
      assert.equal(await explain(a.supervisor, other), 'correction');
      // Long before it was proposed, it explained nothing.
      assert.equal(await explain(a.supervisor, other, new Date(Date.now() - 3 * 3_600_000)), null);
      // Another organisation's supervisor is not its reviewer.
      assert.equal(await explain(b.supervisor, other), null);
    });

    test('a batch is answered in order, one code each', async () => {
      const at = new Date();
      const answers = await t.haven.gate.explainAccesses([
        { account: a.clerk.staff.id, organisation: a.clerk.staff.organisationId, role: 'clerk', person, at },
        { account: b.clerk.staff.id, organisation: b.clerk.staff.organisationId, role: 'clerk', person, at },
        {
          account: a.caseworker.staff.id,
          organisation: a.caseworker.staff.organisationId,
          role: 'caseworker',
          person,
          at,
        },
      ]);
      assert.deepEqual(answers, ['registration', null, 'caseload']);
      assert.deepEqual(await t.haven.gate.explainAccesses([]), []);
    });
  });
}
