import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compactVerify, importJWK, type JWK } from 'jose';
import { openRelease, type PartnerKeyPair } from '../../docs/partner-client/haven-partner-client.ts';
import { activeAgreement } from '../../src/sharing/agreements.ts';
import { getPartner } from '../../src/sharing/partners.ts';
import { encryptionKeyOf } from '../../src/sharing/releases.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import {
  agreedPartner,
  askForRelease,
  partnerToken,
  RELEASE_FIELDS,
  type TestPartner,
} from './partner-support.ts';

const today = () => new Date().toISOString().slice(0, 10);
const FIELDS = RELEASE_FIELDS;

/** Releases to partners end to end (SHA-2, SHA-3, PUR-4): a partner client asks, fetches, decrypts, verifies. */
for (const kind of testDatabaseKinds()) {
  describe(`releases to partners (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let people: string[] = [];
    let ngo: TestPartner & { enc: PartnerKeyPair; agreement: string };
    let other: TestPartner & { enc: PartnerKeyPair; agreement: string };
    let host: TestPartner & { enc: PartnerKeyPair; agreement: string };

    const partnerWithAgreement = (body: Record<string, unknown>, fields = FIELDS) =>
      agreedPartner(t, a, body, fields);
    const ask = (partner: TestPartner, body: Record<string, unknown>) => askForRelease(t, partner, body);

    async function fetchAndOpen(
      partner: TestPartner & { enc: PartnerKeyPair },
      releaseId: string,
      token: string,
    ) {
      const reply = await t.app.inject({
        method: 'GET',
        url: `/api/partner/releases/${releaseId}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(reply.statusCode, 200, reply.body);
      assert.match(String(reply.headers['content-type']), /application\/jose/);
      const keys = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/partner/keys' })).body);
      return {
        jwe: reply.body,
        release: await openRelease(reply.body, partner.enc.privateKey, keys, partner.id),
      };
    }

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      people = [
        await register(a.clerk, { ...KNOWN_PEOPLE[0] }), // SYR
        await register(a.clerk, { ...KNOWN_PEOPLE[1] }), // UKR
        await register(a.clerk, { ...KNOWN_PEOPLE[3] }), // AFG
      ];
      ngo = await partnerWithAgreement({ name: 'Protection NGO' });
      other = await partnerWithAgreement({ name: 'Second NGO' });
      // An authority that acts for Syria: nothing about a Syrian may reach it, whatever its agreement says.
      host = await partnerWithAgreement({
        name: 'Authority acting for SYR',
        jurisdiction: 'JOR',
        kind: 'host-state-authority',
        actsForCountry: 'SYR',
      });
    });
    after(() => t.close());

    test('a partner asks, fetches, decrypts and verifies: the agreed fields only, under its own pseudonyms', async () => {
      const asked = await ask(ngo, { agreementId: ngo.agreement });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      assert.equal(asked.body.records, 3);
      assert.ok(!('refusals' in asked.body), 'a partner is not told the internal refusals');
      const { jwe, release } = await fetchAndOpen(ngo, String(asked.body.id), asked.token);
      assert.equal(release.records.length, 3);
      for (const record of release.records) {
        assert.match(record.pseudonym, /^p-[a-z2-7]{26}$/);
        for (const field of Object.keys(record.fields)) assert.ok(FIELDS.includes(field), field);
      }
      const names = release.records.map((r) => r.fields['given-name-latin']).sort();
      assert.deepEqual(names, ['Mohammed', 'Oleksandra', 'Zahra']);
      const text = JSON.stringify(release);
      for (const id of people) assert.ok(!text.includes(id), 'never the internal id');
      assert.ok(!text.includes('1987-03-14'), 'a field outside the agreement stays home');
      assert.ok(!jwe.includes('Mohammed'), 'the release travels encrypted');
      // Tampering breaks it.
      const parts = jwe.split('.');
      parts[3] = `${parts[3]!.slice(0, -2)}AA`;
      const keys = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/partner/keys' })).body);
      await assert.rejects(openRelease(parts.join('.'), ngo.enc.privateKey, keys));
      // Stable for one partner, unlinkable across partners.
      const again = await ask(ngo, { agreementId: ngo.agreement });
      const second = (await fetchAndOpen(ngo, String(again.body.id), again.token)).release;
      assert.deepEqual(
        second.records.map((r) => r.pseudonym).sort(),
        release.records.map((r) => r.pseudonym).sort(),
      );
      const elsewhere = await ask(other, { agreementId: other.agreement });
      const theirs = (await fetchAndOpen(other, String(elsewhere.body.id), elsewhere.token)).release;
      const mine = new Set(release.records.map((r) => r.pseudonym));
      assert.ok(theirs.records.every((r) => !mine.has(r.pseudonym)));
      // Staff see what went out under the agreement: counts and dates, never who.
      const listed = await a.dpo.client.get(`/api/agreements/${ngo.agreement}/releases`);
      assert.equal(listed.status, 200, listed.text);
      assert.ok((listed.body.releases as { people: number }[]).some((r) => r.people === 3));
      assert.ok(!listed.text.includes(people[0]!));
      // Every release is in the ledger, per person, with the field groups and no values.
      const events = await ledgerEvents(t, people[0]);
      assert.ok(
        events.some(
          (e) =>
            e.action === 'sharing.release' && e.decision === 'allow' && e.fieldGroups?.includes('identity'),
        ),
      );
    });

    test('never to the persecutor: an authority acting for Syria gets nothing about a Syrian, and is not told why', async () => {
      const asked = await ask(host, { agreementId: host.agreement });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      const { release } = await fetchAndOpen(host, String(asked.body.id), asked.token);
      const nationalities = release.records.map((r) => (r.fields.nationality as string[]).join());
      assert.deepEqual(nationalities.sort(), ['AFG', 'UKR']);
      const refused = (await ledgerEvents(t, people[0])).filter(
        (e) => e.action === 'sharing.release' && e.decision === 'deny',
      );
      assert.deepEqual(
        refused.map((e) => e.reason),
        ['origin-state-authority'],
      );
      // Staff cannot push it either: no role overrides SHA-3.
      const pushed = await a.dpo.client.post(`/api/agreements/${host.agreement}/releases`, {
        personIds: [people[0]],
      });
      assert.equal(pushed.status, 201, pushed.text);
      assert.equal(pushed.body.records, 0);
      assert.deepEqual(
        (pushed.body.refusals as { reason: string }[]).map((r) => r.reason),
        ['origin-state-authority'],
      );
    });

    test('after a withdrawal the partner’s next request about that person is refused with consent_withdrawn', async () => {
      const first = await ask(other, { agreementId: other.agreement });
      const { release } = await fetchAndOpen(other, String(first.body.id), first.token);
      const withdrawn = await a.clerk
        .as('registration')
        .post(`/api/persons/${people[1]}/consents/withdraw`, { purpose: 'registration' });
      assert.equal(withdrawn.status, 201, withdrawn.text);
      const theirs = release.records.map((r) => r.pseudonym);
      const asked = await ask(other, { agreementId: other.agreement, pseudonyms: theirs });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      assert.equal(asked.body.records, 2);
      assert.deepEqual(
        (asked.body.refusedPseudonyms as { code: string }[]).map((r) => r.code),
        ['consent_withdrawn'],
      );
      const unknown = await ask(other, { agreementId: other.agreement, pseudonyms: [`p-${'a'.repeat(26)}`] });
      assert.deepEqual(
        (unknown.body.refusedPseudonyms as { code: string }[]).map((r) => r.code),
        ['unknown-pseudonym'],
      );
    });

    test('verification: a signed yes or no, no data; vague, refused or withdrawn people get no; bursts are stopped', async () => {
      const verify = async (partner: TestPartner, body: Record<string, unknown>) => {
        const token = await partnerToken(t, partner);
        const reply = await t.app.inject({
          method: 'POST',
          url: '/api/partner/verify',
          headers: { authorization: `Bearer ${token}` },
          payload: body,
        });
        return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> };
      };
      const syrian = { documentNumber: 'N7Q31K8842', dateOfBirth: '1987-03-14' };
      const yes = await verify(other, { agreementId: other.agreement, ...syrian });
      assert.equal(yes.status, 200, JSON.stringify(yes.body));
      assert.equal(yes.body.answer, true);
      const keys = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/partner/keys' })).body) as {
        keys: JWK[];
      };
      const { payload, protectedHeader } = await compactVerify(
        String(yes.body.assertion),
        await importJWK(keys.keys[0]!, 'EdDSA'),
      );
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      assert.equal(protectedHeader.typ, 'haven-verification+jwt');
      assert.deepEqual([claims.aud, claims.answer, claims.agreement], [other.id, true, other.agreement]);
      assert.ok(Number(claims.exp) - Number(claims.iat) <= 300);
      assert.ok(
        !JSON.stringify(claims).includes('N7Q31K8842') && !JSON.stringify(claims).includes(people[0]!),
      );
      const vague = await verify(other, { agreementId: other.agreement, dateOfBirth: '1987-03-14' });
      assert.equal(vague.status, 422);
      assert.equal(vague.body.code, 'verification-too-vague');
      const wrong = await verify(other, {
        agreementId: other.agreement,
        ...syrian,
        dateOfBirth: '1988-03-14',
      });
      assert.equal(wrong.body.answer, false);
      // Withdrawn (people[1], earlier): no. The authority acting for Syria about the Syrian: no, and the ledger says why.
      const withdrawn = await verify(other, {
        agreementId: other.agreement,
        documentNumber: 'FX778899',
        dateOfBirth: '1992-11-02',
      });
      assert.equal(withdrawn.body.answer, false);
      const persecutor = await verify(host, { agreementId: host.agreement, ...syrian });
      assert.equal(persecutor.body.answer, false);
      const asked = (await ledgerEvents(t, people[0])).filter((e) => e.action === 'sharing.verify');
      assert.deepEqual(
        asked.map((e) => [e.decision, e.reason]),
        [
          ['allow', 'match'],
          ['deny', 'origin-state-authority'],
        ],
      );
      let limited = { status: 0, body: {} as Record<string, unknown> };
      for (let i = 0; i < 31 && limited.status !== 429; i++) {
        limited = await verify(host, { agreementId: host.agreement, ...syrian });
      }
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'verification-rate-limited');
      const limitedEvents = (await ledgerEvents(t)) as unknown as { reason: string; decision: string }[];
      assert.ok(limitedEvents.some((e) => e.decision === 'deny' && e.reason === 'verification-rate-limited'));
      // Refusals the gate wrote itself are not written twice.
      const vagueEvents = (await ledgerEvents(t)) as unknown as { requestId?: string }[];
      assert.equal(vagueEvents.filter((e) => e.requestId === vague.body.requestId).length, 1);
      const alerts = await a.dpo.client.get('/api/alerts');
      assert.ok(
        (alerts.body.alerts as { kind: string; subject: string }[]).some(
          (x) => x.kind === 'verification-burst' && x.subject === host.id,
        ),
      );
    });

    test('a release is fetched three times at most; another partner’s token opens nothing; a suspended agreement lets nothing out', async () => {
      const asked = await ask(ngo, { agreementId: ngo.agreement });
      const fetch = () =>
        t.app.inject({
          method: 'GET',
          url: `/api/partner/releases/${asked.body.id}`,
          headers: { authorization: `Bearer ${asked.token}` },
        });
      for (let i = 0; i < 3; i++) assert.equal((await fetch()).statusCode, 200);
      const fourth = await fetch();
      assert.equal(fourth.statusCode, 410);
      assert.equal(JSON.parse(fourth.body).code, 'release-download-limit');
      const otherToken = await partnerToken(t, other);
      const stolen = await t.app.inject({
        method: 'GET',
        url: `/api/partner/releases/${asked.body.id}`,
        headers: { authorization: `Bearer ${otherToken}` },
      });
      assert.equal(stolen.statusCode, 404);
      const crossed = await ask(other, { agreementId: ngo.agreement });
      assert.equal(crossed.status, 403);
      assert.equal(crossed.body.code, 'agreement-other-partner');
      const suspended = await a.dpo.client.post(`/api/agreements/${ngo.agreement}/suspend`, {
        reason: 'Audit of the partner’s storage.',
      });
      assert.equal(suspended.status, 200, suspended.text);
      const refused = await ask(ngo, { agreementId: ngo.agreement });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'agreement-suspended');
      // Refused before any person was decided, and still on record, with the partner as actor (AUD-1).
      const denied = (await ledgerEvents(t)) as unknown as {
        action: string;
        decision: string;
        reason: string;
        requestId?: string;
        actor: { kind: string; partner?: string };
      }[];
      const event = denied.find((e) => e.requestId === refused.body.requestId);
      assert.deepEqual(
        [event?.action, event?.decision, event?.reason, event?.actor.kind, event?.actor.partner],
        ['sharing.release', 'deny', 'agreement-suspended', 'partner', ngo.id],
      );
    });

    test('property: no release ever holds a field outside its agreement', async () => {
      const partner = await getPartner(t.haven.db, a.admin.staff.organisationId, other.id);
      const facts = await activeAgreement(t.haven.db, other.agreement, other.id, today());
      const request = {
        actor: {
          kind: 'staff' as const,
          accountId: a.dpo.staff.id,
          organisationId: a.dpo.staff.organisationId,
          role: 'dpo' as const,
          tier: 4,
          assurance: 3,
        },
        purpose: undefined,
      };
      await fc.assert(
        fc.asyncProperty(fc.subarray(FIELDS, { minLength: 1 }), async (fields) => {
          const summary = await t.haven.gate.releaseRecords(
            request,
            {
              agreement: { ...facts, fields },
              partner: { id: partner.id, kind: partner.kind, actsForCountry: partner.actsForCountry },
              encryptionKey: encryptionKeyOf(partner),
            },
            { personIds: [people[0]!, people[2]!] },
          );
          const { rows } = await t.database.db.query<{ envelope: string }>(
            'select envelope from release where id = $1',
            [summary.id],
          );
          const keys = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/partner/keys' })).body);
          const release = await openRelease(rows[0]!.envelope, other.enc.privateKey, keys);
          for (const record of release.records)
            for (const field of Object.keys(record.fields)) assert.ok(fields.includes(field), field);
        }),
        { numRuns: 12 },
      );
    });
  });
}
