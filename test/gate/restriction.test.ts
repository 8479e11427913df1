import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../support/database.ts';
import { CONSENT, ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const PROTECTION = 'protection-case-management';

/**
 * Restriction of processing (GDPR 18, RIG-1): answering a restriction request makes the gate refuse every purpose
 * but the rights purpose and legal claims; a supervisor or the DPO lifts it once the person was told.
 */
for (const kind of testDatabaseKinds()) {
  describe(`restriction of processing (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
    });
    after(() => t.close());

    /** A restriction request taken down, checked, worked and answered: the restriction is then in force. */
    async function restrict(personId: string): Promise<string> {
      const taken = await a.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind: 'restriction',
        channel: 'written',
      });
      assert.equal(taken.status, 201, taken.text);
      for (const [path, body] of [
        ['identity-check', { check: 'card' }],
        ['start', {}],
        ['answer', {}],
      ] as const) {
        const reply = await a.supervisor.client.post(`/api/rights-requests/${taken.body.id}/${path}`, body);
        assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      }
      return String(taken.body.id);
    }

    const outbox = async (personId: string) =>
      (
        await t.database.db.query<{ change: string }>(
          'select change from change_outbox where person_id = $1 order by seq',
          [personId],
        )
      ).rows.map((r) => r.change);

    test('answered, it refuses the next read for a processing purpose, ledgered as a deny; rights go on', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const search = async () =>
        (
          (await a.clerk.as('registration').post('/api/persons/search', { name: 'Mohammed Al-Halabi' })).body
            .matches as { id: string }[]
        ).map((m) => m.id);
      assert.ok((await search()).includes(id));
      assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
      await restrict(id);

      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(read.status, 403, read.text);
      assert.equal(read.body.code, 'access-denied');
      assert.equal(read.body.reason, 'person-restricted');
      assert.match(String(read.body.message), /restricted/);
      const events = await ledgerEvents(t, id);
      assert.ok(
        events.some(
          (e) => e.action === 'person.read' && e.decision === 'deny' && e.reason === 'person-restricted',
        ),
      );
      assert.ok(events.some((e) => e.action === 'restriction.impose' && e.purpose === 'rights-request'));
      assert.deepEqual(await outbox(id), ['restriction']);

      // Writes, consents for a purpose, corrections and search results are held back too.
      const update = await a.clerk
        .as('registration')
        .patch(`/api/persons/${id}`, { values: { 'marital-status': 'married' } });
      assert.equal(update.status, 403, update.text);
      assert.equal(update.body.reason, 'person-restricted');
      const correction = await a.clerk.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      assert.equal(correction.status, 403, correction.text);
      assert.equal(correction.body.reason, 'person-restricted');
      assert.ok(!(await search()).includes(id), 'not found for a processing purpose');
      assert.ok(
        (await ledgerEvents(t, id)).some(
          (e) => e.action === 'person.search-result' && e.reason === 'person-restricted',
        ),
      );

      // The person's rights go on: another request is taken down, and consent can still be withdrawn (PUR-4).
      const another = await a.clerk.client.post(`/api/persons/${id}/rights-requests`, {
        kind: 'access',
        channel: 'in-person',
      });
      assert.equal(another.status, 201, another.text);
      const withdrawn = await a.clerk
        .as('registration')
        .post(`/api/persons/${id}/consents/withdraw`, { purpose: 'registration' });
      assert.equal(withdrawn.status, 201, withdrawn.text);

      // Another organisation learns nothing: the person is not found, not "restricted".
      const elsewhere = await b.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(elsewhere.status, 404);
      assert.equal(elsewhere.body.reason, 'person-not-found');
    });

    test('lifted only by a supervisor or the DPO, once the person was told; then processing resumes', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      const lift = (who: Team[keyof Team], body: object) =>
        who.client.post(`/api/persons/${id}/restriction/lift`, body);
      const told = { reason: 'accuracy-verified', personNotified: true };

      const early = await lift(a.supervisor, told);
      assert.equal(early.status, 409, early.text);
      assert.equal(early.body.code, 'person-not-restricted');
      const requestId = await restrict(id);

      const untold = await lift(a.supervisor, { reason: 'accuracy-verified', personNotified: false });
      assert.equal(untold.status, 422, untold.text);
      assert.equal(untold.body.code, 'restriction-lift-invalid');
      const wordless = await lift(a.supervisor, { reason: 'other', personNotified: true });
      assert.equal(wordless.status, 422, wordless.text);
      assert.equal(wordless.body.code, 'restriction-lift-invalid');
      for (const who of [a.clerk, a.caseworker]) {
        const refused = await lift(who, told);
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.reason, 'not-permitted');
      }
      assert.equal((await lift(b.dpo, told)).status, 404, 'another organisation’s DPO cannot see the person');
      assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 403);

      const lifted = await lift(a.dpo, {
        reason: 'other',
        note: 'The court case she kept the record for was withdrawn.',
        personNotified: true,
      });
      assert.equal(lifted.status, 200, lifted.text);
      assert.equal(lifted.body.requestId, requestId);
      assert.equal(lifted.body.liftReason, 'other');
      assert.equal(lifted.body.liftedBy, a.dpo.staff.id);

      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.restricted, false);
      assert.equal((await lift(a.dpo, told)).status, 409, 'nothing left to lift');
      assert.deepEqual(await outbox(id), ['restriction', 'restriction-lifted']);
      const events = await ledgerEvents(t, id);
      assert.ok(events.some((e) => e.action === 'restriction.lift' && e.reason === 'other'));
      assert.ok(
        events.some(
          (e) => e.action === 'restriction.lift' && e.decision === 'deny' && e.reason === 'not-permitted',
        ),
      );
      const { rows } = await t.database.db.query<{ dump: string }>(
        `select coalesce(encode(sealed_note, 'escape'), '') as dump from restriction where person_id = $1`,
        [id],
      );
      assert.ok(!rows[0]!.dump.includes('court case'), 'the words are sealed');

      // A new request can restrict the person again.
      await restrict(id);
      assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 403);
    });

    test('break-glass still reads a restricted person in an emergency, and says the person is restricted', async () => {
      const id = await register(a.caseworker, { ...KNOWN_PEOPLE[2] });
      const consent = await a.caseworker
        .as(PROTECTION)
        .post(`/api/persons/${id}/consents`, { purpose: PROTECTION, basis: CONSENT });
      assert.equal(consent.status, 201, consent.text);
      assert.equal((await a.caseworker.as(PROTECTION).get(`/api/persons/${id}`)).status, 200);
      await restrict(id);
      const own = await a.caseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(own.status, 403);
      assert.equal(own.body.reason, 'person-restricted');
      const grant = await a.otherCaseworker.as(PROTECTION).post(`/api/persons/${id}/break-glass`, {
        justification: 'Medical emergency at the clinic; her caseworker cannot be reached tonight.',
      });
      assert.equal(grant.status, 201, grant.text);
      const read = await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.breakGlass, true);
      assert.equal(read.body.restricted, true);
    });

    test('erasure deletes the restriction with the rest of the person', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      await restrict(id);
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const erased = await a.dpo.client.request('DELETE', `/api/persons/${id}`, {
        reason: 'erasure-request',
      });
      assert.equal(erased.status, 200, erased.text);
      const { rows } = await t.database.db.query('select 1 from restriction where person_id = $1', [id]);
      assert.equal(rows.length, 0);
    });
  });
}
