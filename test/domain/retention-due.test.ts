import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addToDay } from '../../src/domain/calendar.ts';
import {
  formatRetentionRule,
  RETENTION_EVENTS,
  type RetentionRule,
} from '../../src/domain/dictionary/retention.ts';
import {
  dueDates,
  dueOn,
  latestDueEventDay,
  type PersonRetentionFacts,
} from '../../src/domain/retention/due.ts';
import {
  applyTransition,
  caseStateOf,
  checkTransition,
  DEFAULT_CASE_STATES,
  NO_CASE_EVENTS,
  PERSON_RULE,
  retentionRules,
} from '../../src/domain/retention/rules.ts';
import { shipped } from './dictionary-fixtures.ts';

/** Retention due dates (RET-1) as properties: what the sweep and the preview both compute. */

const dayArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const ruleArb: fc.Arbitrary<RetentionRule> = fc.oneof(
  fc.record({
    event: fc.constantFrom(...RETENTION_EVENTS),
    amount: fc.integer({ min: 0, max: 999 }),
    unit: fc.constantFrom('days' as const, 'months' as const, 'years' as const),
  }),
  fc.constant({ event: 'until-erasure' as const }),
);
const maybeDay = fc.option(dayArb, { nil: undefined });
const factsArb: fc.Arbitrary<PersonRetentionFacts> = fc.record({
  registeredOn: dayArb,
  lastContactOn: dayArb,
  events: fc.record({ caseClosedOn: maybeDay, claimDecidedOn: maybeDay, consentWithdrawnOn: maybeDay }),
});

/** Moves every event of `facts` `shift` days later (0 or more). */
function later(facts: PersonRetentionFacts, shift: (d: string) => string): PersonRetentionFacts {
  const move = (d: string | undefined) => (d === undefined ? undefined : shift(d));
  return {
    registeredOn: shift(facts.registeredOn),
    lastContactOn: shift(facts.lastContactOn),
    events: {
      caseClosedOn: move(facts.events.caseClosedOn),
      claimDecidedOn: move(facts.events.claimDecidedOn),
      consentWithdrawnOn: move(facts.events.consentWithdrawnOn),
    },
  };
}

const facts = (over: Partial<PersonRetentionFacts['events']> = {}): PersonRetentionFacts => ({
  registeredOn: '2020-01-15',
  lastContactOn: '2021-03-01',
  events: over,
});

describe('retention due dates (RET-1)', () => {
  test('never before the event it counts from', () => {
    fc.assert(
      fc.property(factsArb, ruleArb, (f, rule) => {
        const due = dueOn(rule, f);
        if (rule.event === 'until-erasure' || due === null) return;
        const from = {
          registration: f.registeredOn,
          'last-contact': f.lastContactOn,
          'case-closed': f.events.caseClosedOn,
          'claim-decided': f.events.claimDecidedOn,
          'consent-withdrawn': f.events.consentWithdrawnOn,
        }[rule.event];
        assert.ok(from !== undefined && due >= from, `${formatRetentionRule(rule)} from ${from}: ${due}`);
      }),
    );
  });

  test('monotone in the event day: a later event never makes data due earlier', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 4000 }), ruleArb, (f, days, rule) => {
        const moved = later(f, (d) => addToDay(d, { days }));
        const before = dueOn(rule, f);
        const after = dueOn(rule, moved);
        assert.equal(before === null, after === null);
        if (before !== null && after !== null) assert.ok(after >= before, `${before} → ${after}`);
      }),
    );
    const rules = retentionRules(shipped);
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 4000 }), (f, days) => {
        const moved = dueDates(
          later(f, (d) => addToDay(d, { days })),
          rules,
        );
        dueDates(f, rules).forEach((item, i) => {
          const next = moved[i]!.dueOn;
          if (item.dueOn !== null && next !== null) assert.ok(next >= item.dueOn);
          if (item.dueOn !== null) assert.notEqual(next, null, 'an event moved later does not vanish');
        });
      }),
    );
  });

  test('"until-erasure" is never due, and an event that has not happened makes nothing due', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        assert.equal(dueOn({ event: 'until-erasure' }, f), null);
        const open = { ...f, events: {} };
        for (const event of ['case-closed', 'claim-decided', 'consent-withdrawn'] as const)
          assert.equal(dueOn({ event, amount: 1, unit: 'days' }, open), null);
      }),
    );
  });

  test('month ends and leap years are counted as calendars count them', () => {
    const rule = (amount: number, unit: 'days' | 'months' | 'years'): RetentionRule => ({
      event: 'case-closed',
      amount,
      unit,
    });
    assert.equal(dueOn(rule(1, 'months'), facts({ caseClosedOn: '2023-01-31' })), '2023-02-28');
    assert.equal(dueOn(rule(1, 'months'), facts({ caseClosedOn: '2024-01-31' })), '2024-02-29');
    assert.equal(dueOn(rule(1, 'years'), facts({ caseClosedOn: '2024-02-29' })), '2025-02-28');
    assert.equal(dueOn(rule(4, 'years'), facts({ caseClosedOn: '2024-02-29' })), '2028-02-29');
    assert.equal(dueOn(rule(30, 'days'), facts({ caseClosedOn: '2024-02-15' })), '2024-03-16');
    assert.equal(dueOn(rule(0, 'days'), facts({ caseClosedOn: '2024-02-15' })), '2024-02-15');
    // Years are twelve months: n years after a day is never earlier than 365n days minus the leap slack.
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 50 }), (day, years) => {
        const due = dueOn(rule(years, 'years'), facts({ caseClosedOn: day }))!;
        assert.equal(due, dueOn(rule(years * 12, 'months'), facts({ caseClosedOn: day })));
        assert.equal(due.slice(5, 7), day.slice(5, 7), 'same month');
        assert.ok(due.slice(8) <= day.slice(8));
      }),
    );
  });

  test('the person-wide rule bounds every class: nothing outlives ten years without contact', () => {
    const rules = retentionRules(shipped);
    fc.assert(
      fc.property(factsArb, (f) => {
        const person = dueOn(PERSON_RULE, f)!;
        for (const item of dueDates(f, rules)) {
          assert.notEqual(item.dueOn, null);
          assert.ok(item.dueOn! <= person);
          if (item.by === 'person') assert.equal(item.rule, 'last-contact + 10 years');
        }
      }),
    );
  });

  test('the shipped dictionary: biometrics 30 days after closure, case notes 2 years, location before origin', () => {
    const rules = retentionRules(shipped);
    const closed = facts({ caseClosedOn: '2026-03-10' });
    const items = dueDates(closed, rules);
    const of = (group: string) => items.filter((i) => i.group === group);
    assert.deepEqual(
      of('biometrics').map((i) => [i.rule, i.dueOn]),
      [['case-closed + 30 days', '2026-04-09']],
    );
    assert.deepEqual(
      of('case-notes').map((i) => [i.rule, i.dueOn, i.categories]),
      [['case-closed + 2 years', '2028-03-10', ['case-notes']]],
    );
    assert.deepEqual(
      [...of('location'), ...of('origin')].map((i) => [i.group, i.fields, i.dueOn, i.by]),
      [
        ['location', ['current-location'], '2027-03-10', 'class'],
        // Five years after closure is later than ten years after the last contact: the backstop comes first.
        ['origin', ['place-of-origin'], '2031-03-01', 'person'],
      ],
    );
    // One retention class per group: the group is erased whole, under its own key (RET-2).
    const groups = rules.classes.map((c) => c.group);
    assert.equal(new Set(groups).size, groups.length);
    // The contact group counts from the last contact, not the closure.
    assert.deepEqual(
      of('contact').map((i) => i.dueOn),
      ['2023-03-01'],
    );
    // Open case: only the last-contact rules and the backstop fall due.
    const open = dueDates(facts(), rules);
    assert.equal(open.find((i) => i.group === 'biometrics')!.dueOn, '2031-03-01');
    assert.equal(open.find((i) => i.group === 'biometrics')!.by, 'person');
  });

  test('a shorter rule in the dictionary makes the class due sooner, never later', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (f, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        const s = dueOn({ event: 'registration', amount: short, unit: 'days' }, f)!;
        const l = dueOn({ event: 'registration', amount: long, unit: 'days' }, f)!;
        assert.ok(s <= l);
      }),
    );
  });
});

describe('the sweep’s one-day cut (RET-2)', () => {
  test('an event on the cut day is due today; one a day later is not', () => {
    fc.assert(
      fc.property(ruleArb, dayArb, (rule, today) => {
        const cut = latestDueEventDay(rule, today);
        if (rule.event === 'until-erasure') return assert.equal(cut, null);
        const due = (day: string) =>
          dueOn(rule, {
            registeredOn: day,
            lastContactOn: day,
            events: { caseClosedOn: day, claimDecidedOn: day, consentWithdrawnOn: day },
          })!;
        assert.ok(
          due(cut!) <= today,
          `${formatRetentionRule(rule)} from ${cut} is due ${due(cut!)} > ${today}`,
        );
        const next = addToDay(cut!, { days: 1 });
        assert.ok(
          due(next) > today,
          `${formatRetentionRule(rule)} from ${next} is due ${due(next)} ≤ ${today}`,
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('month ends: a year after 29 February is 28 February', () => {
    const rule: RetentionRule = { event: 'case-closed', amount: 1, unit: 'years' };
    assert.equal(latestDueEventDay(rule, '2025-02-28'), '2024-02-29');
    assert.equal(latestDueEventDay(rule, '2025-02-27'), '2024-02-27');
  });
});

describe('case states (RET-1)', () => {
  const state = (name: string) => caseStateOf(DEFAULT_CASE_STATES, name)!;

  test('closing sets the closure day; moving between closed states keeps it; reopening clears it', () => {
    const closed = applyTransition(NO_CASE_EVENTS, state('closed'), '2026-01-10');
    assert.deepEqual(closed, { caseClosedOn: '2026-01-10', claimDecidedOn: null });
    const deceased = applyTransition(closed, state('deceased'), '2026-05-01');
    assert.equal(deceased.caseClosedOn, '2026-01-10');
    const reopened = applyTransition(deceased, state('open'), '2026-06-01');
    assert.deepEqual(reopened, NO_CASE_EVENTS);
    const rejected = applyTransition(reopened, state('claim-rejected'), '2026-07-01');
    assert.deepEqual(rejected, { caseClosedOn: '2026-07-01', claimDecidedOn: '2026-07-01' });
    assert.equal(applyTransition(rejected, state('open'), '2026-08-01').claimDecidedOn, '2026-07-01');
  });

  test('a transition names a known, different state, a listed reason and a day not ahead nor before the last', () => {
    const current = { state: 'open', sinceOn: '2026-01-01' };
    const check = (input: object) => checkTransition(DEFAULT_CASE_STATES, current, input, '2026-03-01');
    assert.deepEqual(check({ state: 'closed' }), { state: 'closed', reason: null, on: '2026-03-01' });
    assert.deepEqual(check({ state: 'resettled', reason: 'person-left', on: '2026-02-01' }), {
      state: 'resettled',
      reason: 'person-left',
      on: '2026-02-01',
    });
    const code = (input: object) => {
      try {
        check(input);
        return 'allowed';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    assert.equal(code({ state: 'archived' }), 'case-state-invalid');
    assert.equal(code({ state: 'open' }), 'case-state-unchanged');
    assert.equal(code({ state: 'closed', reason: 'bored' }), 'case-state-reason-invalid');
    assert.equal(code({ state: 'closed', on: '2026-03-02' }), 'case-state-day-invalid');
    assert.equal(code({ state: 'closed', on: '2025-12-31' }), 'case-state-day-invalid');
    assert.equal(code({ state: 'closed', on: '2026-02-30' }), 'case-state-day-invalid');
  });
});
