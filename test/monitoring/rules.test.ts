import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HavenError } from '../../src/domain/errors.ts';
import type { AuditEvent } from '../../src/ledger/events.ts';
import type { Explanation } from '../../src/monitoring/accesses.ts';
import {
  type Baseline,
  computeBaseline,
  hourlyRate,
  hourShare,
  poissonUpperTail,
} from '../../src/monitoring/baseline.ts';
import { type AlertDraft, Detector, MAX_EVIDENCE } from '../../src/monitoring/detector.ts';
import { mergeDrafts } from '../../src/monitoring/monitor.ts';

import { DEFAULT_THRESHOLDS, type Thresholds, validateThresholds } from '../../src/monitoring/thresholds.ts';

const ORG = randomUUID();
const T0 = Date.parse('2026-03-02T09:00:00Z');

/** A detector with given thresholds and baselines, fed events one at a time with their explanation. */
function harness(overrides: Partial<Thresholds> = {}, baselines = new Map<string, Baseline>()) {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...overrides };
  const detector = new Detector({ thresholds: () => thresholds, baseline: (a) => baselines.get(a) });
  let seq = 0;
  const alerts: AlertDraft[] = [];
  return {
    alerts,
    first: () => alerts.filter((a) => a.first),
    feed(
      event: Partial<AuditEvent> & { action: string; at: number; account?: string; partner?: string },
      why: Explanation | null = null,
    ): number {
      const entry = ++seq;
      const { at, account, partner, ...rest } = event;
      const full: AuditEvent = {
        v: 1,
        time: new Date(at).toISOString(),
        actor: partner
          ? { kind: 'partner', partner, organisation: ORG }
          : { kind: 'staff', account: account ?? STAFF, organisation: ORG, role: 'caseworker' },
        decision: 'allow',
        reason: 'ok',
        ...rest,
      };
      alerts.push(...detector.observe({ entry, event: full }, why));
      return entry;
    },
  };
}

const STAFF = randomUUID();
const read = (at: number, person = randomUUID()) =>
  ({ action: 'person.read', subject: person, subjectType: 'person', at }) as const;
const minute = 60_000;

/** A baseline of `days` days at `perHour` accesses per hour, 09:00–16:59 UTC. */
function officeBaseline(days: number, perHour: number): Baseline {
  const hours = [];
  for (let d = 0; d < days; d++)
    for (let h = 9; h < 17; h++)
      hours.push({ hour: new Date(T0 - (d + 1) * 86_400_000 + (h - 9) * 3_600_000), accesses: perHour });
  return computeBaseline(hours);
}

describe('baselines (AUD-6)', () => {
  test('are counted exactly from hourly counts: active days, active hours, accesses, hours of the day', () => {
    const b = computeBaseline([
      { hour: new Date('2026-03-01T09:00:00Z'), accesses: 10 },
      { hour: new Date('2026-03-01T10:00:00Z'), accesses: 20 },
      { hour: new Date('2026-03-02T09:00:00Z'), accesses: 6 },
      { hour: new Date('2026-03-03T23:00:00Z'), accesses: 0 },
    ]);
    assert.equal(b.activeDays, 2);
    assert.equal(b.activeHours, 3);
    assert.equal(b.accesses, 36);
    assert.equal(b.hourCounts[9], 16);
    assert.equal(b.hourCounts[10], 20);
    assert.equal(b.hourCounts[23], 0);
    assert.equal(
      b.hourCounts.reduce((s, n) => s + n, 0),
      36,
    );
    const t = { ...DEFAULT_THRESHOLDS, baselineMinimumDays: 2 };
    assert.equal(hourlyRate(b, t), 12);
    // Usual hours count the hour either side: 10:00 has 09:00–11:00 (all of it), 11:00 has 10:00–12:00.
    assert.equal(hourShare(b, 10, t), 1);
    assert.equal(hourShare(b, 11, t), 20 / 36);
    assert.equal(hourShare(b, 12, t), 0);
    assert.equal(hourShare(b, 8, t), 16 / 36);

    // Too little history: the default rate, and no judgement of hours.
    const strict = { ...DEFAULT_THRESHOLDS, baselineMinimumDays: 3 };
    assert.equal(hourlyRate(b, strict), DEFAULT_THRESHOLDS.volumeDefaultPerHour);
    assert.equal(hourShare(b, 10, strict), undefined);
  });

  test('the Poisson tail matches closed forms', () => {
    // P(X ≥ 3 | λ = 1) = 1 − e⁻¹(1 + 1 + ½)
    assert.ok(Math.abs(poissonUpperTail(3, 1) - (1 - 2.5 * Math.exp(-1))) < 1e-15);
    // P(X ≥ 1 | λ) = 1 − e^−λ
    assert.ok(Math.abs(poissonUpperTail(1, 4) - (1 - Math.exp(-4))) < 1e-15);
    assert.equal(poissonUpperTail(0, 5), 1);
    // Deep in the tail, against values computed with 50-digit arithmetic (mpmath):
    // P(X ≥ 60 | λ = 10) = 6.52190332781837e-27, P(X ≥ 30 | λ = 10) = 2.50995120152791e-7.
    assert.ok(Math.abs(poissonUpperTail(60, 10) / 6.52190332781837e-27 - 1) < 1e-12);
    assert.ok(Math.abs(poissonUpperTail(30, 10) / 2.50995120152791e-7 - 1) < 1e-12);
  });

  test('the Poisson tail falls as the count rises and is a probability', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        (k, lambda) => {
          const p = poissonUpperTail(k, lambda);
          const next = poissonUpperTail(k + 1, lambda);
          return p >= 0 && p <= 1 && next <= p + 1e-12;
        },
      ),
    );
  });
});

describe('thresholds are configuration, checked (AUD-6)', () => {
  test('a full valid set is kept, defaults fill the rest', () => {
    const t = validateThresholds({ outsideCaseloadPerDay: 5, suspendOn: ['bulk-export'] });
    assert.equal(t.outsideCaseloadPerDay, 5);
    assert.deepEqual(t.suspendOn, ['bulk-export']);
    assert.equal(t.volumePValue, DEFAULT_THRESHOLDS.volumePValue);
  });

  for (const [name, input, path, code] of [
    ['zero', { outsideCaseloadPerDay: 0 }, 'outsideCaseloadPerDay', 'out-of-range'],
    ['a fraction where a count is meant', { denialsPerHour: 2.5 }, 'denialsPerHour', 'out-of-range'],
    ['a p-value of 0', { volumePValue: 0 }, 'volumePValue', 'out-of-range'],
    ['a p-value above 5 %', { volumePValue: 0.5 }, 'volumePValue', 'out-of-range'],
    ['a string', { bulkPersonsPerHour: '100' }, 'bulkPersonsPerHour', 'not-a-number'],
    ['an unknown threshold', { fishingPerDay: 3 }, 'fishingPerDay', 'unknown-threshold'],
    ['an unknown rule to suspend on', { suspendOn: ['everything'] }, 'suspendOn', 'unknown-rule'],
    ['not a number at all', { offHoursShare: Number.NaN }, 'offHoursShare', 'not-a-number'],
    // An emptied field arrives as null (the route keeps it null): missing, not a value out of range — and for
    // offHoursShare, where 0 is allowed, never taken as 0.
    ['an emptied field (null)', { offHoursShare: null }, 'offHoursShare', 'missing'],
    ['an emptied field (empty text)', { denialsPerHour: '' }, 'denialsPerHour', 'missing'],
  ] as const) {
    test(`${name} is refused with alert-threshold-invalid, naming the field and what is wrong (${code})`, () => {
      assert.throws(
        () => validateThresholds(input),
        (error: unknown) =>
          error instanceof HavenError &&
          error.code === 'alert-threshold-invalid' &&
          error.status === 422 &&
          (error.fields ?? []).some((f) => f.path === path && f.code === code),
      );
    });
  }

  test('the message says what is wrong with which field, and how to fix a missing one', () => {
    assert.throws(
      () => validateThresholds({ offHoursShare: null, outsideCaseloadPerDay: 0, denialsPerHour: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof HavenError);
        assert.equal(
          error.message,
          'Thresholds refused, nothing saved. out of range: outsideCaseloadPerDay; without a value: offHoursShare; not a number: denialsPerHour.',
        );
        const missing = error.fields?.find((f) => f.path === 'offHoursShare');
        assert.equal(
          missing?.message,
          `No value given: enter a number at least 0 and at most 0.5, or leave offHoursShare out to keep its default (${DEFAULT_THRESHOLDS.offHoursShare}).`,
        );
        return true;
      },
    );
  });
});

describe('each rule fires on its case and not on the explained access (AUD-6)', () => {
  test('outside caseload: unexplained reads raise it; the same reads in the caseload do not', () => {
    const h = harness({ outsideCaseloadPerDay: 3 });
    for (let i = 0; i < 5; i++) h.feed(read(T0 + i * minute), 'caseload');
    h.feed(read(T0 + 10 * minute), 'break-glass');
    h.feed(read(T0 + 11 * minute), 'registration');
    h.feed(read(T0 + 12 * minute), 'rights-request');
    h.feed(read(T0 + 13 * minute), 'correction');
    assert.equal(h.alerts.length, 0);
    const e1 = h.feed(read(T0 + 20 * minute));
    const e2 = h.feed(read(T0 + 21 * minute));
    assert.equal(h.alerts.length, 0);
    const e3 = h.feed(read(T0 + 22 * minute));
    const [alert] = h.first();
    assert.equal(alert?.rule, 'outside-caseload');
    assert.deepEqual(alert?.evidence, [e1, e2, e3]);
    assert.deepEqual(alert?.params, { count: 3, threshold: 3, hours: 24 });
    // More of the same adds evidence to it rather than raising another.
    h.feed(read(T0 + 23 * minute));
    assert.equal(h.first().length, 1);
    assert.equal(h.alerts.length, 2);
  });

  test('outside caseload: reads spread over more than a day stay below it', () => {
    const h = harness({ outsideCaseloadPerDay: 3 });
    for (let i = 0; i < 6; i++) h.feed(read(T0 + i * 13 * 3_600_000));
    assert.equal(h.alerts.length, 0);
  });

  test('volume: hundreds in one hour against the person’s own rate; their usual rate does not', () => {
    const baselines = new Map([[STAFF, officeBaseline(10, 12)]]);
    const usual = harness({}, baselines);
    for (let i = 0; i < 14; i++) usual.feed(read(T0 + i * 4 * minute), 'caseload');
    assert.equal(usual.alerts.length, 0);
    const burst = harness({}, baselines);
    for (let i = 0; i < 200; i++) burst.feed(read(T0 + i * 10_000), 'caseload');
    const alert = burst.first().find((a) => a.rule === 'volume');
    assert.ok(alert, 'volume alert');
    // It fires at the first count whose tail is below the threshold, with that hour's entries as evidence.
    const fired = alert.params.count!;
    assert.ok(poissonUpperTail(fired, 12) < DEFAULT_THRESHOLDS.volumePValue);
    assert.ok(
      fired <= DEFAULT_THRESHOLDS.volumeMinimum ||
        poissonUpperTail(fired - 1, 12) >= DEFAULT_THRESHOLDS.volumePValue,
    );
    assert.equal(alert.evidence.length, fired);
    assert.equal(alert.params.expected, 12);
  });

  test('off-hours: work at 02:00 by someone who works 09–17 raises it; the same work at 11:00 does not', () => {
    const baselines = new Map([[STAFF, officeBaseline(10, 10)]]);
    const day = harness({}, baselines);
    for (let i = 0; i < 12; i++) day.feed(read(T0 + 2 * 3_600_000 + i * minute), 'caseload');
    assert.equal(day.alerts.length, 0);
    const night = harness({}, baselines);
    const twoAm = Date.parse('2026-03-02T02:00:00Z');
    for (let i = 0; i < 12; i++) night.feed(read(twoAm + i * minute), 'caseload');
    const alert = night.first().find((a) => a.rule === 'off-hours');
    assert.equal(alert?.params.hour, 2);
    assert.equal(alert?.params.count, DEFAULT_THRESHOLDS.offHoursMinimum);
  });

  test('off-hours: no judgement without enough history', () => {
    const h = harness({}, new Map([[STAFF, officeBaseline(2, 10)]]));
    const twoAm = Date.parse('2026-03-02T02:00:00Z');
    for (let i = 0; i < 12; i++) h.feed(read(twoAm + i * minute), 'caseload');
    assert.equal(h.alerts.filter((a) => a.rule === 'off-hours').length, 0);
  });

  test('fishing: searches that keep returning people outside the caseload; searches of one’s own caseload do not', () => {
    const search = (h: ReturnType<typeof harness>, at: number, hits: number, why: Explanation | null) => {
      const requestId = randomUUID();
      for (let k = 0; k < hits; k++)
        h.feed(
          { action: 'person.search-result', subject: randomUUID(), subjectType: 'person', requestId, at },
          why,
        );
      return h.feed({ action: 'person.search', requestId, at });
    };
    const own = harness();
    for (let i = 0; i < 8; i++) search(own, T0 + i * minute, 4, 'caseload');
    assert.equal(own.alerts.length, 0);
    const few = harness();
    for (let i = 0; i < 8; i++) search(few, T0 + i * minute, 2, null);
    assert.equal(few.alerts.length, 0, 'two unexplained hits a search is below fishingHitsPerSearch');
    const fishing = harness();
    const searches = [];
    for (let i = 0; i < 5; i++) searches.push(search(fishing, T0 + i * minute, 4, null));
    const [alert] = fishing.first();
    assert.equal(alert?.rule, 'fishing');
    assert.deepEqual(alert?.params, { searches: 5, hits: 20, threshold: 5, hitsPerSearch: 3 });
    for (const s of searches) assert.ok(alert?.evidence.includes(s));
  });

  test('bulk export: a hundred persons released in an hour raise it; ninety-nine do not', () => {
    const release = (at: number) =>
      ({ action: 'sharing.release', subject: randomUUID(), subjectType: 'person', at }) as const;
    const under = harness();
    for (let i = 0; i < 99; i++) under.feed(release(T0 + i * 1000), 'caseload');
    assert.equal(under.alerts.filter((a) => a.rule === 'bulk-export').length, 0);
    const over = harness();
    for (let i = 0; i < 100; i++) over.feed(release(T0 + i * 1000), 'caseload');
    const alert = over.first().find((a) => a.rule === 'bulk-export');
    assert.equal(alert?.params.persons, 100);
    assert.equal(alert?.evidence.length, 100);
  });

  test('repeated denials: ten refused requests for people’s data in an hour; the groups of one refused read count once; refused paperwork does not count', () => {
    const denied = (at: number, requestId: string) =>
      ({
        action: 'person.read',
        subject: randomUUID(),
        subjectType: 'person',
        decision: 'deny',
        reason: 'not-in-caseload',
        requestId,
        at,
      }) as const;
    const one = harness();
    const requestId = randomUUID();
    for (let i = 0; i < 12; i++) one.feed(denied(T0, requestId));
    assert.equal(one.alerts.length, 0);
    const many = harness();
    for (let i = 0; i < 10; i++) many.feed(denied(T0 + i * minute, randomUUID()));
    assert.equal(many.first()[0]?.rule, 'repeated-denials');
    assert.equal(many.first()[0]?.params.denials, 10);
    // A DPO whose incident form is refused again and again (AUD-1 ledgers each) is not probing for anyone.
    const paperwork = harness();
    for (let i = 0; i < 15; i++)
      paperwork.feed({
        action: 'incident.update',
        subject: randomUUID(),
        subjectType: 'incident',
        decision: 'deny',
        reason: 'incident-measures-required',
        requestId: randomUUID(),
        at: T0 + i * minute,
      });
    assert.deepEqual(paperwork.alerts, []);
    // A refused search names no person but is still an attempt at people's data.
    const searches = harness();
    for (let i = 0; i < 10; i++)
      searches.feed({
        action: 'person.search',
        decision: 'deny',
        reason: 'purpose-not-allowed',
        requestId: randomUUID(),
        at: T0 + i * minute,
      });
    assert.equal(searches.first()[0]?.rule, 'repeated-denials');
  });

  test('frequent break-glass: three in a week raise it; three a fortnight apart do not', () => {
    const glass = (at: number) =>
      ({ action: 'break-glass.start', subject: randomUUID(), subjectType: 'person', at }) as const;
    const spread = harness();
    for (let i = 0; i < 3; i++) spread.feed(glass(T0 + i * 8 * 86_400_000));
    assert.equal(spread.alerts.length, 0);
    const often = harness();
    for (let i = 0; i < 3; i++) often.feed(glass(T0 + i * 86_400_000));
    assert.equal(often.first()[0]?.rule, 'frequent-break-glass');
  });

  test('a partner’s verification questions in a burst raise volume against the partner’s own rate', () => {
    const partner = randomUUID();
    const baselines = new Map([[`partner:${partner}`, officeBaseline(10, 5)]]);
    const h = harness({}, baselines);
    for (let i = 0; i < 80; i++)
      h.feed({
        action: 'sharing.verify',
        subject: randomUUID(),
        subjectType: 'person',
        partner,
        reason: 'match',
        at: T0 + i * 5000,
      });
    const alert = h.first().find((a) => a.rule === 'volume');
    assert.equal(alert?.actor, `partner:${partner}`);
  });

  test('system jobs and the person in their portal are not judged', () => {
    const h = harness({ outsideCaseloadPerDay: 1 });
    const detector = new Detector({
      thresholds: () => ({ ...DEFAULT_THRESHOLDS, outsideCaseloadPerDay: 1 }),
      baseline: () => undefined,
    });
    const drafts = detector.observe(
      {
        entry: 1,
        event: {
          v: 1,
          time: new Date(T0).toISOString(),
          actor: { kind: 'system' },
          action: 'person.read',
          subject: randomUUID(),
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
        },
      },
      null,
    );
    assert.deepEqual(drafts, []);
    assert.equal(h.alerts.length, 0);
  });
});

describe('alerts of one batch are written once per person and rule (AUD-6)', () => {
  test('a burst becomes one draft with all its evidence, in order, bounded', () => {
    const h = harness({}, new Map([[STAFF, officeBaseline(10, 5)]]));
    for (let i = 0; i < 700; i++) h.feed(read(T0 + i * 1000), 'caseload');
    const volume = h.alerts.filter((a) => a.rule === 'volume');
    assert.ok(volume.length > 600, 'the rule fires once, then adds each further entry');
    const merged = mergeDrafts(h.alerts).filter((a) => a.rule === 'volume');
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.first, true);
    assert.equal(merged[0]!.evidence.length, MAX_EVIDENCE);
    assert.deepEqual(
      merged[0]!.evidence,
      [...merged[0]!.evidence].sort((x, y) => x - y),
    );
    assert.equal(merged[0]!.params.count, volume.at(-1)!.params.count);
  });
});
