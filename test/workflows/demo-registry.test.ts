import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from 'otpauth';
import { ROLES } from '../../src/domain/roles.ts';
import type { Actor } from '../../src/gate/context.ts';
import { generateDemoPlan } from '../../src/workflows/demo/people.ts';
import { createDemoRegistry, type DemoResult } from '../../src/workflows/demo/registry.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { signedIn } from '../support/staff.ts';

/** A small registry whose plan holds every kind of thing the demo writes (checked first, below). */
const PEOPLE = 30;
const SEED = 201;

for (const kind of testDatabaseKinds()) {
  describe(`haven demo through the gate (${kind})`, () => {
    let t: TestHaven;
    let demo: DemoResult;
    const plan = generateDemoPlan(PEOPLE, SEED);
    const staffActor = (role: string): Actor => {
      const s = demo.staff.find((c) => c.role === role)!;
      return {
        kind: 'staff',
        accountId: s.accountId,
        organisationId: demo.organisation.id,
        role: s.role,
        tier: s.tier,
        assurance: 2,
      };
    };

    before(async () => {
      t = await startTestHaven(kind);
      demo = await createDemoRegistry(t.haven, {
        organisation: 'demo-test',
        people: PEOPLE,
        seed: SEED,
        concurrency: 3,
      });
    });
    after(() => t.close());

    test('the plan of this test holds withdrawals, caseloads, links and a near-duplicate', () => {
      assert.ok(plan.people.some((p) => p.registration.withdrawn));
      assert.ok(plan.people.some((p) => p.consents.some((c) => c.withdrawn)));
      assert.ok(plan.people.some((p) => p.consents.some((c) => c.by === 'caseworker')));
      assert.ok(plan.people.some((p) => p.duplicateOf !== undefined));
      assert.ok(plan.people.some((p) => p.linksAfterHousehold));
    });

    test('every person is registered and reads back through the gate as planned', async () => {
      const { rows } = await t.database.db.query<{ n: number }>(
        'select count(*)::int as n from person where organisation_id = $1',
        [demo.organisation.id],
      );
      assert.equal(rows[0]!.n, PEOPLE);
      assert.equal(demo.summary.people, PEOPLE);
      assert.equal(new Set(demo.personIds).size, PEOPLE);
      const clerk = staffActor('clerk');
      for (const person of plan.people) {
        const id = demo.personIds[person.index]!;
        const read = t.haven.gate.readPerson({ actor: clerk, purpose: 'registration' }, id);
        if (person.registration.withdrawn) {
          await assert.rejects(read, (e: { reason?: string }) => e.reason === 'consent-withdrawn');
          continue;
        }
        const view = await read;
        assert.equal(view.data.identity?.['given-name'], person.values['given-name']);
        assert.equal(view.data.identity?.sex, person.values.sex);
        assert.equal(view.data['legal-status']?.['case-number'], person.values['case-number']);
        const links = (view.data.family?.['family-links'] ?? []) as {
          person?: string;
          relationship: string;
        }[];
        assert.deepEqual(
          links.filter((l) => l.person).map((l) => [l.person, l.relationship]),
          person.relatives.map((r) => [demo.personIds[r.index], r.relationship]),
        );
      }
    });

    test('consents for other purposes are recorded, and the planned withdrawals are in the history', async () => {
      const dpo = staffActor('dpo');
      let withdrawals = 0;
      for (const person of plan.people.filter((p) => p.consents.length > 0 || p.registration.withdrawn)) {
        const history = await t.haven.gate.basisHistory(
          { actor: dpo, purpose: 'registration' },
          demo.personIds[person.index]!,
        );
        for (const consent of person.consents) {
          assert.ok(history.some((e) => e.purpose === consent.purpose && e.action === 'grant'));
          const withdrawn = history.some((e) => e.purpose === consent.purpose && e.action === 'withdraw');
          assert.equal(withdrawn, consent.withdrawn, `${consent.purpose} of person ${person.index}`);
          if (withdrawn) withdrawals++;
        }
        if (person.registration.withdrawn) {
          assert.ok(history.some((e) => e.purpose === 'registration' && e.action === 'withdraw'));
          withdrawals++;
        }
      }
      assert.equal(withdrawals, demo.summary.consentsWithdrawn);
      assert.ok(withdrawals > 0);
    });

    test('caseloads are assigned to caseworkers, who then reach their people', async () => {
      const assigned = plan.people.filter((p) => p.caseworker !== undefined && !p.registration.withdrawn);
      assert.ok(assigned.length > 0);
      const caseworkers = demo.staff.filter((s) => s.role === 'caseworker');
      for (const person of assigned) {
        const account = caseworkers[person.caseworker!]!;
        const actor: Actor = {
          kind: 'staff',
          accountId: account.accountId,
          organisationId: demo.organisation.id,
          role: 'caseworker',
          tier: account.tier,
          assurance: 2,
        };
        const view = await t.haven.gate.readPerson(
          { actor, purpose: 'registration' },
          demo.personIds[person.index]!,
        );
        assert.equal(view.id, demo.personIds[person.index]);
      }
    });

    test('a search with the second registration’s spelling finds the first one too', async () => {
      const twin = plan.people.find((p) => p.duplicateOf !== undefined)!;
      const original = plan.people[twin.duplicateOf!]!;
      assert.notEqual(twin.values['given-name'], original.values['given-name']);
      const matches = await t.haven.gate.searchPersons(
        { actor: staffActor('clerk'), purpose: 'registration' },
        { name: `${twin.values['given-name']} ${twin.values['family-name']}`, similar: true, limit: 50 },
      );
      const ids = matches.map((m) => m.id);
      assert.ok(ids.includes(demo.personIds[twin.index]!));
      assert.ok(ids.includes(demo.personIds[original.index]!));
    });

    test('the demo staff act in the ledger: registrations by clerks, assignments by the supervisor', async () => {
      const events = await ledgerEvents(t);
      const registrations = events.filter((e) => e.action === 'person.register' && e.decision === 'allow');
      assert.ok(registrations.length >= PEOPLE);
      assert.ok(registrations.every((e) => e.actor.role === 'clerk'));
      assert.ok(events.some((e) => e.action === 'caseload.assign' && e.actor.role === 'supervisor'));
      assert.ok(events.some((e) => e.action === 'consent.withdraw'));
    });

    test('two partners, an NGO and the host state’s authority, each with an approved agreement (issue 17)', () => {
      assert.deepEqual(
        demo.partners.map((p) => [p.kind, p.agreementStatus]),
        [
          ['ngo', 'active'],
          ['host-state-authority', 'active'],
        ],
      );
    });

    test('staff of every role exist and sign in over HTTP with the printed password and TOTP secret', async () => {
      assert.deepEqual(new Set(demo.staff.map((s) => s.role)), new Set(ROLES));
      for (const s of demo.staff) {
        assert.ok(s.email.endsWith('@demo-test.example.org'));
        assert.match(s.totpUri, /^otpauth:\/\/totp\//);
        const client = await signedIn(t, {
          id: s.accountId,
          organisationId: demo.organisation.id,
          email: s.email,
          password: s.password,
          role: s.role,
          totpSecret: Buffer.from(Secret.fromBase32(s.totpSecret).bytes),
          recoveryCodes: s.recoveryCodes,
        });
        const session = await client.get<{
          assurance: number;
          account: { role: string; organisationId: string };
        }>('/api/auth/session');
        assert.equal(session.body.assurance, 2, session.text);
        assert.equal(session.body.account.role, s.role);
        assert.equal(session.body.account.organisationId, demo.organisation.id);
      }
    });

    test('a second demo into the same organisation is refused; nothing is added', async () => {
      await assert.rejects(
        createDemoRegistry(t.haven, { organisation: 'demo-test', people: 5, seed: 1, concurrency: 1 }),
        (e: { code?: string }) => e.code === 'demo-organisation-exists',
      );
      const { rows } = await t.database.db.query<{ n: number }>('select count(*)::int as n from person');
      assert.equal(rows[0]!.n, PEOPLE);
    });
  });
}
