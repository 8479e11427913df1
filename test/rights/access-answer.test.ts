import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { type AccessAnswer, answerDigest } from '../../src/rights/access-answer.ts';
import { AccessAnswerSchema } from '../../src/rights/access-answer-schema.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { findKnownValues, KNOWN_PEOPLE } from '../support/records.ts';

const SCHEMA_FILE = new URL('../../docs/schemas/access-answer.schema.json', import.meta.url);

test('the documented schema of the portable answer is the one the API answers with', () => {
  assert.deepEqual(
    JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')),
    JSON.parse(JSON.stringify(AccessAnswerSchema)),
  );
});

/** The answer to an access request (RIG-3): composed by the assignee, reviewed by another, released by answering. */
for (const kind of testDatabaseKinds()) {
  describe(`access answer (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let personId = '';
    let otherId = '';

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      otherId = await register(a.clerk, { ...KNOWN_PEOPLE[1] });
      personId = await register(a.clerk, {
        ...KNOWN_PEOPLE[0],
        'family-links': [
          { person: otherId, relationship: 'sibling', situation: 'elsewhere-known' },
          {
            name: 'Ahmad Al-Halabi',
            relationship: 'child',
            situation: 'missing',
            'last-known-location': 'Idlib',
          },
        ],
      });
    });
    after(() => t.close());

    /** An access request checked in person by a supervisor signed in with a passkey, and started by them. */
    async function started(kindOf = 'access'): Promise<string> {
      const taken = await a.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind: kindOf,
        channel: 'in-person',
      });
      const id = String(taken.body.id);
      await a.supervisor.client.post(`/api/rights-requests/${id}/identity-check`, { check: 'document-seen' });
      const start = await a.supervisor.client.post(`/api/rights-requests/${id}/start`, {});
      assert.equal(start.status, 200, start.text);
      return id;
    }

    test('holds exactly the person’s values, none of another’s; only the assignee composes it', async () => {
      const id = await started();
      const stranger = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer`, {});
      assert.equal(stranger.status, 403, stranger.text);
      assert.equal(stranger.body.code, 'not-assignee');
      const composed = await a.supervisor.client.post(`/api/rights-requests/${id}/access-answer`, {});
      assert.equal(composed.status, 200, composed.text);
      assert.equal(composed.body.state, 'composed');
      const answer = composed.body.answer as AccessAnswer;
      assert.ok(Value.Check(AccessAnswerSchema, answer), 'the answer fits its documented schema');
      const text = Buffer.from(JSON.stringify(answer));
      const found = new Set(findKnownValues(text).map((f) => f.split(' as ')[0]));
      for (const value of ['Mohammed', 'Al-Halabi', 'N7Q31K8842', '+963 944 123 457'])
        assert.ok(found.has(value), `${value} is in the answer`);
      for (const value of ['Oleksandra', 'Shevchenko', 'FX778899'])
        assert.ok(!found.has(value), `${value}, another person's, is not`);
      assert.equal(answer.person.id, personId);
      assert.ok(!JSON.stringify(answer).includes(otherId), 'a relative’s Haven id is never in the answer');
      const links = answer.data.find((g) => g.group === 'family')!.values[0]!.value as Record<
        string,
        unknown
      >[];
      assert.deepEqual(
        links.map((l) => l.relationship),
        ['sibling', 'child'],
      );
      const identity = answer.data.find((g) => g.group === 'identity')!;
      assert.equal(identity.values.find((v) => v.field === 'given-name-latin')?.value, 'Mohammed');
      assert.ok(identity.sources.some((s) => s.action === 'person.register' && s.role === 'clerk'));
      const registration = answer.purposes.find((p) => p.name === 'registration')!;
      assert.deepEqual(
        registration.history.map((h) => [h.basis, h.action, h.language]),
        [['consent', 'grant', 'ar']],
      );
      assert.ok(answer.recipients.some((r) => r.roles.includes('clerk')));
      assert.ok(answer.retention.some((r) => r.group === 'identity' && r.rules.length > 0));
      assert.equal(answer.automatedDecisions[0]!.purpose, null);
    });

    test('reviewed by a second person with redactions; answering releases it and the ledger keeps its digest', async () => {
      const id = await started();
      const early = await a.supervisor.client.post(`/api/rights-requests/${id}/answer`, {});
      assert.equal(early.body.code, 'access-answer-not-reviewed');
      const composed = await a.supervisor.client.post(`/api/rights-requests/${id}/access-answer`, {});
      const composedAt = String(composed.body.composedAt);
      const self = await a.supervisor.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt,
        redactions: [],
      });
      assert.equal(self.status, 409);
      assert.equal(self.body.code, 'reviewer-is-composer');
      const unknown = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt,
        redactions: [{ path: 'identity.no-such-field', reason: 'third-party' }],
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.code, 'redaction-invalid');
      // Relatives' details go out only if the reviewer releases them on purpose.
      const undecided = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt,
        redactions: [{ path: 'contact.phone', reason: 'third-party' }],
      });
      assert.equal(undecided.status, 422);
      assert.equal(undecided.body.code, 'review-incomplete');
      const stale = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt: new Date(0).toISOString(),
        redactions: [],
        released: ['family.family-links'],
      });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'access-answer-changed');
      const lowTier = await a.clerk.client.get(`/api/rights-requests/${id}/access-answer`);
      assert.equal(lowTier.status, 403, 'a clerk neither composed nor reviews it');
      const reviewed = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt,
        redactions: [
          { path: 'contact.phone', reason: 'third-party' },
          { path: 'family.family-links', reason: 'third-party' },
        ],
      });
      assert.equal(reviewed.status, 200, reviewed.text);
      assert.equal(reviewed.body.state, 'reviewed');
      const answered = await a.supervisor.client.post(`/api/rights-requests/${id}/answer`, {});
      assert.equal(answered.status, 200, answered.text);
      const released = await a.supervisor.client.get(`/api/rights-requests/${id}/access-answer`);
      assert.equal(released.body.state, 'released');
      const answer = released.body.answer as AccessAnswer;
      const phone = answer.data.find((g) => g.group === 'contact')!.values.find((v) => v.field === 'phone')!;
      assert.deepEqual([phone.value, phone.redacted], [null, 'third-party']);
      assert.ok(!JSON.stringify(answer).includes('944 123'), 'the redacted value is not released');
      assert.deepEqual(answer.redactions, [
        { path: 'contact.phone', reason: 'third-party' },
        { path: 'family.family-links', reason: 'third-party' },
      ]);
      assert.ok(!JSON.stringify(answer).includes('Idlib'), 'the missing child’s last place is withheld');
      const digest = answerDigest(answer).toString('hex');
      assert.equal(released.body.digest, digest, 'the digest is of the answer as received');
      const events = (await ledgerEvents(t, personId)) as {
        action: string;
        decision: string;
        reason: string;
        digest?: string;
      }[];
      const answers = events.filter((e) => e.action === 'rights.answer');
      assert.ok(answers.some((e) => e.decision === 'deny' && e.reason === 'access-answer-not-reviewed'));
      assert.deepEqual(
        answers.filter((e) => e.decision === 'allow').map((e) => e.digest),
        [digest],
      );
      assert.ok(events.some((e) => e.action === 'rights.answer-compose'));
      // The released package cannot be recomposed or reviewed again.
      const again = await a.dpo.client.post(`/api/rights-requests/${id}/access-answer/review`, {
        composedAt,
        redactions: [],
        released: ['family.family-links'],
      });
      assert.equal(again.status, 409);
    });

    test('not for other kinds of request; sealed at rest', async () => {
      const correction = await a.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind: 'correction',
        channel: 'written',
      });
      const other = await a.supervisor.client.post(
        `/api/rights-requests/${correction.body.id}/access-answer`,
        {},
      );
      assert.equal(other.status, 409);
      assert.equal(other.body.code, 'not-an-access-request');
      const { rows } = await t.database.db.query<{ dump: Buffer }>(
        `select string_agg(sealed_package, '\\x00'::bytea) as dump from access_answer`,
      );
      assert.ok(rows[0]!.dump.length > 0);
      assert.deepEqual(findKnownValues(rows[0]!.dump), [], 'no value of the answer in clear');
    });
  });
}
