import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, CONSENT, ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const PROTECTION = 'protection-case-management';

/** A caseworker registers a person (into their caseload), records consent for protection work, adds a location. */
async function protectionCase(who: Actor, values: Record<string, unknown> = { ...KNOWN_PEOPLE[2] }) {
  const id = await register(who, values);
  const consent = await who
    .as(PROTECTION)
    .post(`/api/persons/${id}/consents`, { purpose: PROTECTION, basis: CONSENT });
  if (consent.status !== 201) throw new Error(consent.text);
  const added = await who.as(PROTECTION).patch(`/api/persons/${id}`, {
    values: { 'current-location': { country: 'KEN', settlement: 'Dadaab' } },
  });
  if (added.status !== 200) throw new Error(added.text);
  return id;
}

for (const kind of testDatabaseKinds()) {
  describe(`the person API through the gate (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let b: Team;
    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      b = await team(t, 'org-b');
    });
    after(() => t.close());

    test('a clerk registers a person in Arabic with consent; the record reads back; a Latin spelling finds it', async () => {
      const id = await register(a.clerk);
      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(read.status, 200);
      const data = read.body.data as Record<string, Record<string, unknown>>;
      assert.equal(data.identity?.['given-name'], 'محمد');
      assert.deepEqual(read.body.withheld, []);
      const found = await a.clerk
        .as('registration')
        .post('/api/persons/search', { name: 'Muhammad Halabi', similar: true });
      assert.equal(found.status, 200);
      const matches = found.body.matches as { id: string; match: string }[];
      assert.deepEqual(
        matches.map((m) => [m.id, m.match]),
        [[id, 'similar']],
      );
      const events = await ledgerEvents(t, id);
      assert.ok(events.some((e) => e.action === 'person.register' && e.decision === 'allow'));
      assert.ok(events.some((e) => e.action === 'consent.give'));
      assert.ok(events.some((e) => e.action === 'person.search-result' && e.decision === 'allow'));
    });

    test('capture outside the purpose’s data set is refused, naming the field, and nothing is written', async () => {
      const reply = await a.clerk.as('registration').post('/api/persons', {
        values: { ...KNOWN_PEOPLE[0], 'protection-concerns': ['detention'] },
        basis: CONSENT,
      });
      assert.equal(reply.status, 422);
      assert.equal(reply.body.code, 'capture-refused');
      assert.deepEqual(
        (reply.body.fields as { path: string; code: string }[]).map((f) => [f.path, f.code]),
        [['protection-concerns', 'field-not-in-purpose']],
      );
    });

    test('a call without a purpose is refused, and the refusal is in the ledger', async () => {
      const id = await register(a.clerk);
      const reply = await a.clerk.as(undefined).get(`/api/persons/${id}`);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.code, 'purpose-required');
      const events = await ledgerEvents(t, id);
      assert.ok(
        events.some(
          (e) => e.action === 'person.read' && e.decision === 'deny' && e.reason === 'purpose-required',
        ),
      );
    });

    test('another organisation’s person is as invisible as a guessed id; both refusals are in the ledger', async () => {
      const id = await register(a.clerk);
      const other = await b.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(other.status, 404);
      assert.equal(other.body.code, 'person-not-found');
      const guessed = '0b7f3c52-9d7e-4a61-8e1f-2c3d4e5f6a7b';
      const guess = await a.clerk.as('registration').get(`/api/persons/${guessed}`);
      assert.equal(guess.status, 404);
      assert.equal(guess.body.code, 'person-not-found');
      const events = await ledgerEvents(t);
      assert.ok(
        events.some(
          (e) => e.action === 'person.read' && e.decision === 'deny' && e.reason === 'other-organisation',
        ),
      );
      const guessedEvents = await ledgerEvents(t, guessed);
      assert.deepEqual(
        guessedEvents.map((e) => [e.action, e.decision, e.reason]),
        [['person.read', 'deny', 'person-not-found']],
      );
    });

    test('a prohibited purpose is refused for an admin — and for everyone — with its reason, in the ledger', async () => {
      const id = await register(a.clerk);
      for (const who of [a.admin, a.supervisor, a.caseworker]) {
        const reply = await who.as('immigration-enforcement').get(`/api/persons/${id}`);
        assert.equal(reply.status, 403);
        assert.equal(reply.body.code, 'access-denied');
        assert.equal(reply.body.reason, 'purpose-prohibited');
      }
      const events = await ledgerEvents(t, id);
      const refusals = events.filter((e) => e.reason === 'purpose-prohibited');
      assert.ok(refusals.some((e) => e.actor.role === 'admin'));
      assert.equal(refusals.length, 3);
    });

    test('withdrawing consent takes effect on the next access, with the reason', async () => {
      const id = await register(a.clerk);
      assert.equal((await a.clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
      const withdrawn = await a.clerk
        .as('registration')
        .post(`/api/persons/${id}/consents/withdraw`, { purpose: 'registration' });
      assert.equal(withdrawn.status, 201);
      const reply = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(reply.status, 403);
      assert.equal(reply.body.reason, 'consent-withdrawn');
      assert.ok(
        (reply.body.withheld as { reasons: string[] }[]).every((w) =>
          w.reasons.includes('consent-withdrawn'),
        ),
      );
      const events = await ledgerEvents(t, id);
      assert.ok(events.some((e) => e.action === 'consent.withdraw' && e.decision === 'allow'));
      assert.ok(
        events.some(
          (e) => e.action === 'person.read' && e.decision === 'deny' && e.reason === 'consent-withdrawn',
        ),
      );
      const history = await a.clerk.as('registration').get(`/api/persons/${id}/consents`);
      const entries = history.body.entries as { action: string; details: Record<string, unknown> | null }[];
      assert.deepEqual(
        entries.map((e) => e.action),
        ['withdraw', 'grant'],
        'history is kept, newest first',
      );
      assert.equal(entries[1]!.details?.noticeLanguage, 'ar');
    });

    test('withheld groups say why: a tier-2 clerk sees identity but not location, and location needs its purpose', async () => {
      const id = await protectionCase(a.caseworker, { ...KNOWN_PEOPLE[1] });
      const asCaseworker = await a.caseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(asCaseworker.status, 200, asCaseworker.text);
      assert.ok(
        (asCaseworker.body.data as Record<string, unknown>).location,
        'tier 4 with a passkey reads location',
      );
      const otherCaseworker = await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(otherCaseworker.status, 403);
      assert.equal(otherCaseworker.body.reason, 'not-in-caseload');
      const asClerk = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(asClerk.status, 200);
      const withheld = asClerk.body.withheld as { group: string; reasons: string[] }[];
      const location = withheld.find((w) => w.group === 'location');
      assert.ok(location?.reasons.includes('tier-too-low'), JSON.stringify(withheld));
      assert.ok(location?.reasons.includes('not-in-purpose-data-set'));
    });

    test('break-glass: outside the caseload, with a justification, time-limited, the DPO alerted; it expires by itself', async () => {
      const id = await protectionCase(a.caseworker);
      const short = await a.otherCaseworker
        .as(PROTECTION)
        .post(`/api/persons/${id}/break-glass`, { justification: 'urgent' });
      assert.equal(short.status, 422);
      assert.equal(short.body.code, 'justification-required');
      const grant = await a.otherCaseworker.as(PROTECTION).post(`/api/persons/${id}/break-glass`, {
        justification: 'Medical emergency at the clinic; her caseworker cannot be reached tonight.',
      });
      assert.equal(grant.status, 201, grant.text);
      const minutes =
        (Date.parse(String(grant.body.endsAt)) - Date.parse(String(grant.body.startsAt))) / 60_000;
      assert.equal(Math.round(minutes), 240, 'four hours by default');
      const read = await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.breakGlass, true);
      const alerts = await a.dpo.client.get('/api/alerts');
      assert.ok(
        (alerts.body.alerts as { kind: string; subject: string }[]).some(
          (x) => x.kind === 'break-glass' && x.subject === grant.body.id,
        ),
      );
      // Time passes: the grant ends by itself.
      await t.database.db.query(
        `update break_glass set starts_at = now() - interval '5 hours', ends_at = now() - interval '1 hour' where id = $1`,
        [String(grant.body.id)],
      );
      const expired = await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`);
      assert.equal(expired.status, 403);
      assert.equal(expired.body.reason, 'not-in-caseload');
      const events = await ledgerEvents(t, id);
      assert.ok(events.some((e) => e.action === 'break-glass.start'));
      assert.ok(events.some((e) => e.action === 'person.read-break-glass' && e.decision === 'allow'));
      assert.ok(
        events.filter((e) => e.action === 'person.read' && e.reason === 'not-in-caseload').length >= 1,
      );
      const review = await a.dpo.client.post(`/api/break-glass/${grant.body.id}/review`, {
        outcome: 'justified',
      });
      assert.equal(review.status, 200);
      assert.match(String(review.body.justification), /Medical emergency/);
    });

    test('a correction waits for a supervisor; the proposer cannot approve it; recorded values change only that way', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
      const direct = await a.clerk
        .as('registration')
        .patch(`/api/persons/${id}`, { values: { 'family-name-latin': 'Al-Halaby' } });
      assert.equal(direct.status, 409);
      assert.equal(direct.body.code, 'correction-required');
      const addition = await a.clerk
        .as('registration')
        .patch(`/api/persons/${id}`, { values: { 'marital-status': 'married' } });
      assert.equal(addition.status, 200, addition.text);
      const proposed = await a.clerk.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'family-name-latin': 'Al-Halaby' },
        reason: 'spelling',
      });
      assert.equal(proposed.status, 201, proposed.text);
      const correction = proposed.body.id as string;
      const byClerk = await a.clerk.as('registration').post(`/api/corrections/${correction}/approve`);
      assert.equal(byClerk.status, 403);
      const queue = await a.supervisor.client.get('/api/corrections');
      assert.ok((queue.body.corrections as { id: string }[]).some((c) => c.id === correction));
      const detail = await a.supervisor.as('registration').get(`/api/corrections/${correction}`);
      assert.deepEqual(detail.body.changes, [
        { group: 'identity', field: 'family-name-latin', current: 'Al-Halabi', proposed: 'Al-Halaby' },
      ]);
      const approved = await a.supervisor.as('registration').post(`/api/corrections/${correction}/approve`);
      assert.equal(approved.status, 200, approved.text);
      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(
        (read.body.data as Record<string, Record<string, unknown>>).identity?.['family-name-latin'],
        'Al-Halaby',
      );
      const search = await a.clerk.as('registration').post('/api/persons/search', { name: 'Al-Halaby' });
      assert.ok(
        (search.body.matches as { id: string }[]).some((m) => m.id === id),
        'the blind index follows the correction',
      );

      // A supervisor's own proposal: refused for self-approval, and the refusal is in the ledger.
      const own = await a.supervisor.as('registration').post(`/api/persons/${id}/corrections`, {
        changes: { 'given-name-latin': 'Muhammad' },
        reason: 'spelling',
      });
      assert.equal(own.status, 201, own.text);
      const self = await a.supervisor.as('registration').post(`/api/corrections/${own.body.id}/approve`);
      assert.equal(self.status, 403);
      assert.equal(self.body.reason, 'own-proposal');
      const events = await ledgerEvents(t, id);
      assert.ok(
        events.some(
          (e) => e.action === 'correction.approve' && e.decision === 'deny' && e.reason === 'own-proposal',
        ),
      );
    });

    test('a person’s access history shows organisation and role, when and why', async () => {
      const id = await protectionCase(a.caseworker);
      await a.caseworker.as(PROTECTION).get(`/api/persons/${id}`);
      const history = await a.caseworker.as(PROTECTION).get(`/api/persons/${id}/access-history`);
      assert.equal(history.status, 200);
      const entries = history.body.entries as {
        organisation: { name: string };
        role: string;
        purpose: string;
        action: string;
      }[];
      assert.ok(
        entries.some(
          (e) =>
            e.action === 'person.read' &&
            e.role === 'caseworker' &&
            e.organisation.name === 'org-a' &&
            e.purpose === PROTECTION,
        ),
      );
      assert.ok(!history.text.includes(a.caseworker.staff.email));
      assert.ok(!history.text.includes(a.caseworker.staff.id));
    });

    test('caseload assignment is for supervisors; a caseworker reaches the person once assigned', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[2] });
      await a.clerk
        .as('registration')
        .post(`/api/persons/${id}/consents`, { purpose: PROTECTION, basis: CONSENT });
      assert.equal(
        (await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`)).body.reason,
        'not-in-caseload',
      );
      const byClerk = await a.clerk
        .as(PROTECTION)
        .put(`/api/persons/${id}/caseload/${a.otherCaseworker.staff.id}`);
      assert.equal(byClerk.status, 403);
      const assigned = await a.supervisor
        .as(PROTECTION)
        .put(`/api/persons/${id}/caseload/${a.otherCaseworker.staff.id}`);
      assert.equal(assigned.status, 200, assigned.text);
      assert.equal((await a.otherCaseworker.as(PROTECTION).get(`/api/persons/${id}`)).status, 200);
    });

    test('policy changes need a second approver (ACC-2)', async () => {
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const current = await a.dpo.client.get<{
        versions: { version: number; files: Record<string, string> }[];
      }>('/api/policies');
      const files = current.body.versions[0]!.files;
      const proposed = await a.dpo.client.post('/api/policies', {
        files: { ...files, 'roles.cedar': `${files['roles.cedar']}\n// reviewed\n` },
      });
      assert.equal(proposed.status, 201, proposed.text);
      const version = proposed.body.version;
      const self = await a.dpo.client.post(`/api/policies/${version}/approve`, {
        impactSha256: '0'.repeat(64),
      });
      assert.equal(self.status, 403);
      assert.equal(self.body.reason, 'own-proposal');
      const invalid = await a.dpo.client.post('/api/policies', {
        files: { 'roles.cedar': 'permit (principal == Haven::Staff::"x", action, resource);' },
      });
      assert.equal(invalid.status, 422);
      await reauthenticate(t, a.admin.client, a.admin.staff);
      // The approver sees what it does first (ACC-2): a comment changes no decision.
      let impact = await a.admin.client.get(`/api/policies/${version}/impact`);
      while (impact.status === 202) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        impact = await a.admin.client.get(`/api/policies/${version}/impact`);
      }
      assert.equal(impact.status, 200, impact.text);
      const seen = impact.body.impact as { toAllow: number; toDeny: number; sha256: string };
      assert.deepEqual([seen.toAllow, seen.toDeny], [0, 0]);
      const approved = await a.admin.client.post(`/api/policies/${version}/approve`, {
        impactSha256: seen.sha256,
      });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'active');
      const events = await ledgerEvents(t);
      assert.ok(events.some((e) => e.action === 'policy.approve' && e.decision === 'deny'));
      assert.ok(events.some((e) => e.action === 'policy.activate'));
    });

    test('the DPO erases a person: the record is gone, a tombstone and a ledger event remain', async () => {
      const id = await register(a.clerk, { ...KNOWN_PEOPLE[3] });
      const byClerk = await a.clerk.client.request('DELETE', `/api/persons/${id}`, {
        reason: 'erasure-request',
      });
      assert.equal(byClerk.status, 403);
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const erased = await a.dpo.client.request('DELETE', `/api/persons/${id}`, {
        reason: 'erasure-request',
      });
      assert.equal(erased.status, 200, erased.text);
      const read = await a.clerk.as('registration').get(`/api/persons/${id}`);
      assert.equal(read.status, 410);
      const { rows } = await t.database.db.query(
        'select 1 from person_group where person_id = $1 union all select 1 from person_token where person_id = $1',
        [id],
      );
      assert.equal(rows.length, 0);
      assert.equal(await t.internals.vault.personKey(id), null);
      const events = await ledgerEvents(t, id);
      assert.ok(
        events.some(
          (e) => e.action === 'person.erase' && e.decision === 'allow' && e.reason === 'erasure-request',
        ),
      );
    });

    test('colleagues for a witness or a caseload: own organisation, active only, id, email and role; not for admins', async () => {
      const listed = await a.clerk.as(undefined).get('/api/staff');
      assert.equal(listed.status, 200, listed.text);
      const staff = listed.body.staff as { id: string; email: string; role: string }[];
      const emails = staff.map((s) => s.email);
      assert.ok(emails.includes(a.caseworker.staff.email) && emails.includes(a.supervisor.staff.email));
      assert.ok(!emails.includes(b.caseworker.staff.email), 'no one from another organisation');
      assert.deepEqual(Object.keys(staff[0]!).sort(), ['email', 'id', 'role']);
      const caseworkers = await a.supervisor.as(undefined).get('/api/staff?role=caseworker');
      assert.ok((caseworkers.body.staff as { role: string }[]).every((s) => s.role === 'caseworker'));
      assert.equal((caseworkers.body.staff as unknown[]).length, 2);
      // Disabled accounts are not offered.
      await reauthenticate(t, a.admin.client, a.admin.staff);
      const disabled = await a.admin.client.patch(`/api/admin/accounts/${a.otherCaseworker.staff.id}`, {
        status: 'disabled',
      });
      assert.equal(disabled.status, 200, disabled.text);
      const after = await a.supervisor.as(undefined).get('/api/staff?role=caseworker');
      assert.deepEqual(
        (after.body.staff as { email: string }[]).map((s) => s.email),
        [a.caseworker.staff.email],
      );
      const enabled = await a.admin.client.patch(`/api/admin/accounts/${a.otherCaseworker.staff.id}`, {
        status: 'active',
      });
      assert.equal(enabled.status, 200, enabled.text);
      for (const who of [a.admin, a.auditor]) {
        const refused = await who.as(undefined).get('/api/staff');
        assert.equal(refused.status, 403, refused.text);
      }
    });
  });
}
