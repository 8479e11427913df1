import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { GateRequest } from '../../src/gate/context.ts';
import { type AffectedSource, checkWindow, computeAffected } from '../../src/incidents/affected.ts';
import { UNRECORDED } from '../../src/incidents/affected-exposures.ts';
import type { AuditEvent } from '../../src/ledger/events.ts';
import { activeAgreement } from '../../src/sharing/agreements.ts';
import { agreedPartner, type TestPartner } from '../sharing/partner-support.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, CONSENT, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff } from '../support/staff.ts';

/**
 * BRE-3: the people a compromised source exposed, computed from the ledger, checked against a brute-force scan of
 * the whole ledger over generated traffic — real gate operations (reads allowed and refused, searches, releases
 * asked by partners and pushed by staff, verifications) by several accounts and two partners — with windows that
 * cut through the traffic. The brute force is written apart from the code under test, from the gate's sources.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gate's exposing actions, restated here: true when the read kept only the purpose's fields. */
const EXPOSING: Record<string, 'purpose' | 'group' | 'none'> = {
  'person.read': 'purpose',
  'person.read-break-glass': 'purpose',
  'person.search-result': 'purpose',
  'correction.view': 'group',
  'correction.approve': 'group',
  'correction.reject': 'group',
  'rights.answer-compose': 'group',
  'rights.answer-view': 'group',
  'rights.answer-review': 'group',
  'sharing.release': 'group',
  'sharing.verify': 'none',
};

interface Row {
  seq: number;
  event: AuditEvent;
}

function bruteForce(t: TestHaven, all: readonly Row[], source: AffectedSource, from: number, to: number) {
  const people = new Map<string, { categories: Set<string>; exposures: Set<string>; events: number }>();
  let denied = 0;
  for (const { event: e } of all) {
    const at = new Date(e.time).getTime();
    if (at < from || at >= to) continue;
    const mine =
      source.kind === 'account'
        ? e.actor.kind === 'staff' && e.actor.account === source.accountId
        : // The partner's own requests, and what staff pushed to it (the event names it as recipient).
          (e.actor.kind === 'partner' && e.actor.partner === source.partnerId) ||
          e.recipient === source.partnerId;
    if (!mine || !(e.action in EXPOSING)) continue;
    if (e.decision === 'deny') {
      denied += e.count ?? 1;
      continue;
    }
    if (e.subjectType !== 'person' || !e.subject) continue;
    const how = EXPOSING[e.action]!;
    if (how !== 'none' && (e.fieldGroups ?? []).length === 0 && e.action !== 'rights.answer-review') continue;
    const categories = new Set<string>();
    if (how !== 'none') {
      for (const f of t.haven.dictionary.fields) {
        if (!(e.fieldGroups ?? []).includes(f.group)) continue;
        if (how === 'purpose' && !f.purposes.includes(e.purpose ?? '')) continue;
        categories.add(f.category);
      }
      if ((e.fieldGroups ?? []).length === 0) categories.add(UNRECORDED);
    }
    const kind =
      {
        'person.read': 'read',
        'person.read-break-glass': 'read',
        'person.search-result': 'search',
        'sharing.release': 'release',
        'sharing.verify': 'verification',
      }[e.action as string] ?? (e.action.startsWith('rights.') ? 'access-answer' : 'read');
    const p = people.get(e.subject) ?? { categories: new Set(), exposures: new Set(), events: 0 };
    for (const c of categories) p.categories.add(c);
    p.exposures.add(kind);
    p.events += 1;
    people.set(e.subject, p);
  }
  return {
    denied,
    people: [...people.entries()]
      .map(([personId, p]) => ({
        personId,
        categories: [...p.categories].sort(),
        exposures: [...p.exposures].sort(),
        events: p.events,
      }))
      .sort((a, b) => (a.personId < b.personId ? -1 : 1)),
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`affected people from the ledger (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let partners: (TestPartner & {
      agreement: string;
      enc: { kid: string; alg: string; publicJwk: unknown };
    })[];
    let people: string[];
    let all: Row[];
    let organisationId: string;

    const staffRequest = (who: Actor, purpose: string | undefined, tier = 4, assurance = 3): GateRequest => ({
      actor: {
        kind: 'staff',
        accountId: who.staff.id,
        organisationId: who.staff.organisationId,
        role: who.staff.role,
        tier,
        assurance,
      },
      purpose,
    });
    const partnerRequest = (p: TestPartner): GateRequest => ({
      actor: { kind: 'partner', partnerId: p.id, organisationId, partnerKind: 'ngo', actsFor: '' },
      purpose: 'registration',
    });
    const readAll = async (): Promise<Row[]> => {
      const { rows } = await t.database.db.query<{ seq: string; body: Buffer }>(
        'select seq::text as seq, body from audit_event order by seq',
      );
      return rows.map((r) => ({
        seq: Number(r.seq),
        event: JSON.parse(Buffer.from(r.body).toString('utf8')),
      }));
    };

    before(async () => {
      t = await startTestHaven(kind);
      a = await team(t, 'org-affected');
      organisationId = a.dpo.staff.organisationId;
      partners = [await agreedPartner(t, a, {}), await agreedPartner(t, a, {})];
      people = [];
      for (const values of [...KNOWN_PEOPLE, ...KNOWN_PEOPLE]) {
        const r = await t.haven.gate.registerPerson(staffRequest(a.clerk, 'registration', 2, 2), {
          values,
          basis: { ...CONSENT, noticeVersion: t.haven.gate.notices.versions('registration')[0]! },
        });
        people.push(r.id);
      }
      // Half the people in the first caseworker's caseload: their reads are allowed, the others' refused (ACC-1).
      for (const id of people.filter((_, i) => i % 2 === 0)) {
        await t.haven.gate.setCaseload(
          staffRequest(a.supervisor, 'protection-case-management'),
          id,
          a.caseworker.staff.id,
          true,
        );
      }
      // Generated traffic: a seeded mix of real gate operations, a few milliseconds apart.
      const today = new Date().toISOString().slice(0, 10);
      const targets = await Promise.all(
        partners.map(async (p) => ({
          agreement: await activeAgreement(t.haven.db, p.agreement, p.id, today),
          partner: { id: p.id, kind: 'ngo', actsForCountry: null },
          encryptionKey: { kid: p.enc.kid, alg: p.enc.alg, jwk: p.enc.publicJwk as never },
        })),
      );
      const staff: [Actor, number, number][] = [
        [a.clerk, 2, 2],
        [a.caseworker, 4, 3],
        [a.otherCaseworker, 4, 3],
        [a.supervisor, 4, 3],
        [a.dpo, 4, 3],
      ];
      const ops = fc.sample(
        fc.record({
          op: fc.constantFrom('read', 'read', 'search', 'release', 'push', 'verify'),
          who: fc.nat(staff.length - 1),
          partner: fc.nat(1),
          person: fc.nat(people.length - 1),
          purpose: fc.constantFrom('registration', 'protection-case-management', 'statistics'),
        }),
        { numRuns: 40, seed: 19 },
      );
      // Searches by the clerk too (its hits are shown): the sample alone may not draw one. And staff pushes to
      // each partner, by the supervisor and by the DPO (the ledger names them as actors, the partner as recipient).
      ops.push({ op: 'search', who: 0, partner: 0, person: 1, purpose: 'registration' });
      ops.push({ op: 'push', who: 3, partner: 0, person: 2, purpose: 'registration' });
      ops.push({ op: 'push', who: 4, partner: 1, person: 5, purpose: 'registration' });
      ops.push({ op: 'push', who: 3, partner: 1, person: 7, purpose: 'registration' });
      for (const op of ops) {
        const [who, tier, assurance] = staff[op.who]!;
        const known = KNOWN_PEOPLE[op.person % KNOWN_PEOPLE.length]! as Record<string, unknown>;
        const attempt = async (work: () => Promise<unknown>) => {
          try {
            await work();
          } catch {
            // Refusals are part of the traffic: their deny events must not count.
          }
        };
        if (op.op === 'read')
          await attempt(() =>
            t.haven.gate.readPerson(staffRequest(who, op.purpose, tier, assurance), people[op.person]!),
          );
        else if (op.op === 'search')
          await attempt(() =>
            t.haven.gate.searchPersons(staffRequest(who, op.purpose, tier, assurance), {
              name: String(known['family-name-latin'] ?? known['family-name']),
            }),
          );
        else if (op.op === 'release')
          await attempt(() =>
            t.haven.gate.releaseRecords(partnerRequest(partners[op.partner]!), targets[op.partner]!, {
              personIds: [people[op.person]!, people[(op.person + 3) % people.length]!],
            }),
          );
        else if (op.op === 'push')
          await attempt(() =>
            t.haven.gate.releaseRecords(staffRequest(who, undefined, tier, assurance), targets[op.partner]!, {
              personIds: [people[op.person]!],
            }),
          );
        else if (known.phone)
          await attempt(() =>
            t.haven.gate.verifyPerson(partnerRequest(partners[op.partner]!), targets[op.partner]!, {
              phone: String(known.phone),
              dateOfBirth: String(known['date-of-birth']),
            }),
          );
        await sleep(2);
      }
      // Reads recorded through the event batcher are durable once their call returned; nothing is pending here.
      all = await readAll();
    });
    after(() => t?.close());

    test('the generated traffic exposes and refuses: allowed and denied events of several kinds', () => {
      const actions = new Set(all.map((r) => `${r.event.action}:${r.event.decision}`));
      for (const expected of [
        'person.read:allow',
        'person.read:deny',
        'person.search-result:allow',
        'sharing.release:allow',
      ])
        assert.ok(actions.has(expected), `traffic has ${expected}: ${[...actions].join(' ')}`);
      // Staff pushes to both partners: the staff member acts, the partner is the recipient.
      const pushed = all.filter(
        (r) =>
          r.event.action === 'sharing.release' &&
          r.event.decision === 'allow' &&
          r.event.actor.kind === 'staff',
      );
      for (const p of partners)
        assert.ok(
          pushed.some((r) => r.event.recipient === p.id),
          'a push to each partner names it as the recipient',
        );
      assert.ok(
        all.every((r) => r.event.recipient === undefined || r.event.actor.kind === 'staff'),
        'only a push names a recipient: a partner’s own request names it as the actor',
      );
    });

    test('the computation equals a brute-force scan of the whole ledger, for every source and windows cutting the traffic', async () => {
      const times = all.map((r) => new Date(r.event.time).getTime()).sort((x, y) => x - y);
      const sources: AffectedSource[] = [
        ...[a.clerk, a.caseworker, a.otherCaseworker, a.supervisor, a.dpo].map(
          (w) => ({ kind: 'account', accountId: w.staff.id }) as const,
        ),
        ...partners.map((p) => ({ kind: 'partner', partnerId: p.id }) as const),
        { kind: 'partner-credential', partnerId: partners[0]!.id, keyId: partners[0]!.keys.kid },
      ];
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat(sources.length - 1),
          // Ends on an event's own millisecond (or one either side), so the half-open window's edges are tested.
          fc.nat(times.length - 1),
          fc.nat(times.length - 1),
          fc.constantFrom(-1, 0, 1),
          fc.constantFrom(-1, 0, 1),
          async (s, i, j, di, dj) => {
            const source = sources[s]!;
            const [lo, hi] = [Math.min(i, j), Math.max(i, j)];
            const window = {
              from: new Date(times[lo]! + di),
              to: new Date(Math.min(times[hi]! + dj + (hi === times.length - 1 ? 50 : 0), Date.now())),
            };
            if (window.to <= window.from) return;
            const computed = await computeAffected(
              t.haven.db,
              t.haven.dictionary,
              organisationId,
              source,
              window,
            );
            const expected = bruteForce(t, all, source, window.from.getTime(), window.to.getTime());
            assert.deepEqual(computed.people, expected.people);
            assert.equal(computed.denied, expected.denied);
            assert.equal(
              computed.events,
              expected.people.reduce((n, p) => n + p.events, 0),
            );
            for (const [category, n] of Object.entries(computed.byCategory))
              assert.equal(n, expected.people.filter((p) => p.categories.includes(category)).length);
            if (expected.people.length > 0) nonEmpty += 1;
          },
        ),
        { numRuns: 80, seed: 1903 },
      );
      assert.ok(nonEmpty >= 10, `only ${nonEmpty} windows found anyone: the property would prove little`);
    });

    test('outside the window, another actor, a refused read: none of them count', async () => {
      const [p1, p2, p3, p4] = people;
      const clerk = staffRequest(a.clerk, 'registration', 2, 2);
      await t.haven.gate.readPerson(clerk, p1!); // before the window
      await sleep(5);
      const from = new Date();
      await sleep(5);
      await t.haven.gate.readPerson(staffRequest(a.supervisor, 'registration'), p2!); // another actor
      // Refused outright: statistics reads nothing of a person (a purpose with no person-level read for a clerk).
      await assert.rejects(t.haven.gate.readPerson(staffRequest(a.clerk, 'law-enforcement', 2, 2), p3!));
      await t.haven.gate.readPerson(clerk, p4!); // counts
      await sleep(5);
      const to = new Date();
      await sleep(5);
      await t.haven.gate.readPerson(clerk, p2!); // after the window
      const computed = await computeAffected(
        t.haven.db,
        t.haven.dictionary,
        organisationId,
        { kind: 'account', accountId: a.clerk.staff.id },
        { from, to },
      );
      assert.deepEqual(
        computed.people.map((p) => p.personId),
        [p4],
      );
      assert.equal(computed.people[0]!.exposures.join(), 'read');
      assert.ok(computed.people[0]!.categories.includes('name'));
      assert.ok(computed.denied >= 1, 'the refused read is reported as refused, not counted');
      assert.equal(computed.attribution, 'exact');
      assert.ok(computed.firstSeq! <= computed.lastSeq! && computed.lastSeq! <= computed.ledgerHead);
    });

    test('a release staff pushed to a partner counts for that partner (and the staff member), not the other', async () => {
      const p = partners[0]!;
      const target = {
        agreement: await activeAgreement(
          t.haven.db,
          p.agreement,
          p.id,
          new Date().toISOString().slice(0, 10),
        ),
        partner: { id: p.id, kind: 'ngo', actsForCountry: null },
        encryptionKey: { kid: p.enc.kid, alg: p.enc.alg, jwk: p.enc.publicJwk as never },
      };
      await sleep(5);
      const from = new Date();
      await sleep(5);
      const pushed = await t.haven.gate.releaseRecords(staffRequest(a.supervisor, undefined), target, {
        personIds: [people[0]!],
      });
      assert.equal(pushed.records, 1);
      await sleep(5);
      const window = { from, to: new Date() };
      const compute = (source: AffectedSource) =>
        computeAffected(t.haven.db, t.haven.dictionary, organisationId, source, window);
      const received = await compute({ kind: 'partner', partnerId: partners[0]!.id });
      assert.deepEqual(
        received.people.map((p) => [p.personId, p.exposures.join()]),
        [[people[0], 'release']],
        'the partner received it although the ledger names the supervisor as actor',
      );
      const byKey = await compute({
        kind: 'partner-credential',
        partnerId: partners[0]!.id,
        keyId: partners[0]!.keys.kid,
      });
      assert.deepEqual(byKey.people, received.people, 'a key of that partner is partner-wide: it counts too');
      const sender = await compute({ kind: 'account', accountId: a.supervisor.staff.id });
      assert.deepEqual(
        sender.people.map((p) => p.personId),
        [people[0]],
      );
      assert.equal((await compute({ kind: 'partner', partnerId: partners[1]!.id })).people.length, 0);
    });

    test('a partner key counts only while it was valid, and is attributed partner-wide', async () => {
      const partner = partners[1]!;
      const window = { from: new Date(Date.now() - 3_600_000), to: new Date() };
      const whole = await computeAffected(
        t.haven.db,
        t.haven.dictionary,
        organisationId,
        { kind: 'partner', partnerId: partner.id },
        window,
      );
      assert.ok(whole.people.length > 0);
      const credential = {
        kind: 'partner-credential',
        partnerId: partner.id,
        keyId: partner.keys.kid,
      } as const;
      const valid = await computeAffected(t.haven.db, t.haven.dictionary, organisationId, credential, window);
      assert.deepEqual(valid.people, whole.people);
      assert.equal(valid.attribution, 'partner-wide');
      // Retired (with its last token's five minutes) before the traffic: nothing of it counts.
      await t.database.db.query(
        `update partner_key set retired_at = added_at - interval '10 minutes' where partner_id = $1 and kid = $2`,
        [partner.id, partner.keys.kid],
      );
      try {
        const retired = await computeAffected(
          t.haven.db,
          t.haven.dictionary,
          organisationId,
          credential,
          window,
        );
        assert.equal(retired.people.length, 0);
      } finally {
        await t.database.db.query(
          'update partner_key set retired_at = null where partner_id = $1 and kid = $2',
          [partner.id, partner.keys.kid],
        );
      }
    });

    test('bad sources and windows are refused with stable codes', async () => {
      const now = new Date();
      const code = async (work: () => unknown, expected: string) =>
        assert.rejects(
          async () => work(),
          (e: { code?: string }) => e.code === expected,
        );
      await code(() => checkWindow(null, now, now), 'affected-window-missing');
      await code(() => checkWindow(now, new Date(now.getTime() - 1000), now), 'affected-window-invalid');
      await code(
        () => checkWindow(new Date(now.getTime() - 1000), new Date(now.getTime() + 60_000), now),
        'affected-window-future',
      );
      await code(
        () => checkWindow(new Date(now.getTime() - 400 * 86_400_000), now, now),
        'affected-window-too-long',
      );
      assert.deepEqual(
        checkWindow(new Date(now.getTime() - 1000), null, now).to,
        now,
        'an open window ends now',
      );
      const window = { from: new Date(now.getTime() - 1000), to: now };
      const compute = (source: Parameters<typeof computeAffected>[3]) =>
        computeAffected(t.haven.db, t.haven.dictionary, organisationId, source, window);
      await code(() => compute(null), 'affected-source-missing');
      await code(() => compute({ kind: 'device', deviceId: 'tablet-7' }), 'affected-source-unsupported');
      await code(
        () => compute({ kind: 'account', accountId: '00000000-0000-4000-8000-000000000000' }),
        'affected-source-unknown',
      );
      const stranger = await createStaff(t, { role: 'caseworker', tier: 4, org: 'org-elsewhere' });
      await code(() => compute({ kind: 'account', accountId: stranger.id }), 'affected-source-unknown');
      await code(
        () => compute({ kind: 'partner-credential', partnerId: partners[0]!.id, keyId: 'no-such-key' }),
        'affected-source-unknown',
      );
    });
  });
}
