import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCapture } from '../../src/domain/dictionary/index.ts';
import { HavenError } from '../../src/domain/errors.ts';
import { ROLES } from '../../src/domain/roles.ts';
import { respell } from '../../src/workflows/demo/near-duplicates.ts';
import { type DemoPerson, demoStaff, generateDemoPlan } from '../../src/workflows/demo/people.ts';
import { POPULATIONS } from '../../src/workflows/demo/populations.ts';
import { DemoRandom } from '../../src/workflows/demo/random.ts';
import { demoNumber } from '../../src/workflows/demo/registry.ts';
import { dictionary } from '../support/records.ts';

const NAME_FIELDS = ['given-name', 'family-name', 'fathers-name'] as const;
const nameOf = (p: DemoPerson) =>
  NAME_FIELDS.flatMap((f) => [p.values[f], p.values[`${f}-latin`]]).filter((v) => v !== undefined);

describe('the demo registry plan (haven demo)', () => {
  test('the same seed gives the same people, household by household; another seed gives others', () => {
    const first = generateDemoPlan(800, 42);
    const again = generateDemoPlan(800, 42);
    assert.deepEqual(again, first);
    const other = generateDemoPlan(800, 43);
    assert.notDeepEqual(
      other.people.map((p) => p.values['given-name']),
      first.people.map((p) => p.values['given-name']),
    );
    // A larger registry from the same seed starts with the same people.
    const larger = generateDemoPlan(1200, 42);
    assert.deepEqual(larger.people.slice(0, 700), first.people.slice(0, 700));
  });

  test('exactly the number of people asked for, each with values the shipped dictionary accepts for registration', () => {
    for (const count of [1, 7, 2500]) {
      const plan = generateDemoPlan(count, count);
      assert.equal(plan.people.length, count);
      assert.deepEqual(
        plan.households.flat().sort((a, b) => a - b),
        plan.people.map((p) => p.index),
      );
      for (const person of plan.people) {
        const links = [
          ...person.relatives.map((r) => ({
            person: '00000000-0000-4000-8000-000000000000',
            relationship: r.relationship,
            situation: 'same-household',
          })),
          ...person.otherRelatives,
        ];
        const values = { ...person.values, ...(links.length ? { 'family-links': links } : {}) };
        assert.doesNotThrow(
          // At the plan's reference date, so the people stay valid on every later day.
          () =>
            checkCapture(dictionary, 'registration', values, { requireAll: true, today: plan.referenceDate }),
          `person ${person.index} (${person.population})`,
        );
      }
    }
  });

  test('names are written in Arabic, Ge’ez, Cyrillic and Latin script, with Latin transliterations', () => {
    const plan = generateDemoPlan(3000, 7);
    const given = plan.people.map((p) => String(p.values['given-name']));
    for (const [script, pattern] of [
      ['Arabic', /\p{Script=Arabic}/u],
      ['Ethiopic', /\p{Script=Ethiopic}/u],
      ['Cyrillic', /\p{Script=Cyrillic}/u],
      ['Latin', /^[\p{Script=Latin} '-]+$/u],
    ] as const) {
      assert.ok(given.filter((g) => pattern.test(g)).length > 50, `${script} given names`);
    }
    for (const person of plan.people.filter(
      (p) => !/^\p{Script=Latin}/u.test(String(p.values['given-name'])),
    )) {
      assert.match(String(person.values['given-name-latin']), /^[\p{Script=Latin} '-]+$/u);
    }
    assert.deepEqual(new Set(plan.people.map((p) => p.population)), new Set(POPULATIONS.map((p) => p.id)));
    // Rohingya people have one name and are stateless; Tigrinya and Somali names are chains of given names.
    const rohingya = plan.people.filter((p) => p.population === 'rohingya');
    assert.ok(rohingya.every((p) => p.values['family-name'] === undefined));
    assert.ok(rohingya.every((p) => (p.values.nationality as string[])[0] === 'XXA'));
    assert.ok(rohingya.every((p) => p.values['country-of-origin'] === 'MMR'));
  });

  test('households share a case number and size; members link to the head, the head to each of them', () => {
    const plan = generateDemoPlan(2000, 11);
    let checked = 0;
    for (const household of plan.households.filter((h) => h.length > 2)) {
      const [head, ...others] = household.map((i) => plan.people[i]!);
      assert.equal(head!.member, 'head');
      assert.ok(head!.linksAfterHousehold);
      assert.deepEqual(
        head!.relatives.map((r) => r.index),
        others.map((o) => o.index),
      );
      for (const other of others) {
        assert.equal(other.values['case-number'], head!.values['case-number']);
        assert.equal(other.values['household-size'], head!.values['household-size']);
        assert.deepEqual(other.relatives, [
          {
            index: head!.index,
            relationship:
              other.member === 'child' ? 'parent' : other.member === 'parent' ? 'child' : 'spouse-or-partner',
          },
        ]);
      }
      // Where a family name passes from father to children, the children share it.
      const children = others.filter((o) => o.member === 'child');
      if (head!.population === 'syrian' && head!.values.sex === 'male' && children.length > 1) {
        assert.equal(new Set(children.map((c) => c.values['family-name'])).size, 1);
        assert.ok(children.every((c) => c.values['family-name'] === head!.values['family-name']));
        checked++;
      }
    }
    assert.ok(checked > 5, 'some Syrian families were checked');
  });

  test('about 4% are near-duplicates: someone registered again under another spelling or with a slip', () => {
    for (const seed of [1, 2, 3]) {
      const plan = generateDemoPlan(5000, seed);
      const twins = plan.people.filter((p) => p.duplicateOf !== undefined);
      const share = twins.length / plan.people.length;
      assert.ok(share >= 0.03 && share <= 0.05, `seed ${seed}: ${(share * 100).toFixed(1)}%`);
      for (const twin of twins) {
        const original = plan.people[twin.duplicateOf!]!;
        assert.ok(original.index < twin.index);
        assert.equal(original.duplicateOf, undefined);
        assert.equal(twin.values.sex, original.values.sex);
        assert.deepEqual(twin.values.nationality, original.values.nationality);
        assert.notDeepEqual(nameOf(twin), nameOf(original), `twin ${twin.index} has a name that differs`);
        assert.notEqual(twin.values['case-number'], original.values['case-number']);
      }
    }
  });

  test('consents for other purposes, some withdrawn, and caseloads are part of the plan', () => {
    const plan = generateDemoPlan(3000, 5);
    const consents = plan.people.flatMap((p) => p.consents);
    assert.ok(consents.some((c) => c.purpose === 'assistance-distribution'));
    assert.ok(consents.some((c) => c.purpose === 'family-tracing-reunification'));
    const withdrawn = consents.filter((c) => c.withdrawn).length;
    assert.ok(withdrawn > 0 && withdrawn < consents.length / 5);
    assert.ok(plan.people.some((p) => p.registration.withdrawn));
    const caseload = plan.people.filter((p) => p.caseworker !== undefined);
    assert.ok(caseload.length > 0 && caseload.length < plan.people.length / 5);
    // Children are registered with a guardian's consent.
    const minors = plan.people.filter(
      (p) =>
        Number(p.values['estimated-age'] ?? 99) < 18 ||
        Number(String(p.values['date-of-birth']).slice(0, 4)) >= 2009,
    );
    assert.ok(minors.length > 100 && minors.every((c) => c.registration.method === 'guardian'));
  });

  test('staff of every role, more clerks and caseworkers for a larger registry', () => {
    assert.deepEqual(new Set(generateDemoPlan(10, 1).staff.map((s) => s.role)), new Set(ROLES));
    const count = (n: number, role: string) => demoStaff(n).filter((s) => s.role === role).length;
    assert.ok(count(100_000, 'clerk') > count(100, 'clerk'));
  });

  test('other spellings come from the same name; the generator is seeded, not Math.random', () => {
    const rng = new DemoRandom(9);
    const mohammed = new Set(['Muhammad', 'Mohamed', 'Mohamad', 'Mohammad', 'Maxamed']);
    const serhii = new Set(['Sergey', 'Serhiy']);
    for (let i = 0; i < 20; i++) {
      assert.ok(mohammed.has(respell('Mohammed', rng)!));
      assert.ok(serhii.has(respell('Serhii', rng)!));
    }
    // A name of several words gets another spelling of one of them.
    assert.match(respell('Pérez Núñez', rng)!, /^(Perez Núñez|Pérez Nunez)$/);
    assert.equal(respell('Zzyzx', rng), undefined);
    const a = new DemoRandom(123);
    const b = new DemoRandom(123);
    const draws = Array.from({ length: 1000 }, () => a.int(1, 6));
    assert.deepEqual(
      Array.from({ length: 1000 }, () => b.int(1, 6)),
      draws,
    );
    assert.deepEqual(new Set(draws), new Set([1, 2, 3, 4, 5, 6]));
  });

  test('bad option values are refused with a stable code', () => {
    for (const [name, raw] of [
      ['people', '0'],
      ['people', 'abc'],
      ['people', '1e3'],
      ['people', '1000001'],
      ['people', '-5'],
      ['seed', '4294967296'],
      ['concurrency', '65'],
    ] as const) {
      assert.throws(
        () => demoNumber(name, raw),
        (e: unknown) => e instanceof HavenError && e.code === `demo-${name}-invalid`,
        `${name}=${raw}`,
      );
    }
    assert.equal(demoNumber('people', '100000'), 100_000);
  });
});
