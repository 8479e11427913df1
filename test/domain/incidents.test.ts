import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HavenError } from '../../src/domain/errors.ts';
import { clockOf, isLate, NOTIFY_WITHIN_HOURS, notificationDue } from '../../src/domain/incidents/clock.ts';
import { drillInTime, drillSteps, median, summariseSteps } from '../../src/domain/incidents/drills.ts';
import {
  checkAwareAt,
  checkDetails,
  checkNotification,
  checkSource,
} from '../../src/domain/incidents/input.ts';
import { draftNotification } from '../../src/domain/incidents/notification-text.ts';
import { canMove, INCIDENT_STATES, TRANSITIONS } from '../../src/domain/incidents/register.ts';

const HOUR = 3_600_000;
const aware = new Date('2026-12-01T09:00:00Z');

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HavenError, String(error));
    return error.code;
  }
  assert.fail('expected a refusal');
};

describe('the authority’s clock (BRE-2)', () => {
  test('72 hours from awareness; the deadline itself is in time, a millisecond after is late', () => {
    assert.equal(notificationDue(aware).toISOString(), '2026-12-04T09:00:00.000Z');
    assert.equal(isLate(aware, new Date(aware.getTime() + 72 * HOUR)), false);
    assert.equal(isLate(aware, new Date(aware.getTime() + 72 * HOUR + 1)), true);
  });

  test('72 elapsed hours across a daylight-saving change: local wall clocks show 73 (spring) or 71 (autumn)', () => {
    // Europe switched to summer time on 2026-03-29 and back on 2026-10-25; awareness given in local time.
    const spring = checkAwareAt('2026-03-28T11:00:00+01:00', new Date('2026-04-01T00:00:00Z'));
    assert.equal(notificationDue(spring).toISOString(), '2026-03-31T10:00:00.000Z');
    assert.equal(isLate(spring, new Date('2026-03-31T12:00:00+02:00')), false, 'noon CEST is 72 h later');
    assert.equal(isLate(spring, new Date('2026-03-31T12:00:00.001+02:00')), true);
    const autumn = checkAwareAt('2026-10-24T11:00:00+02:00', new Date('2026-11-01T00:00:00Z'));
    assert.equal(notificationDue(autumn).toISOString(), '2026-10-27T09:00:00.000Z');
    assert.equal(isLate(autumn, new Date('2026-10-27T10:00:00+01:00')), false, '10:00 CET is 72 h later');
    assert.equal(isLate(autumn, new Date('2026-10-27T11:00:00+01:00')), true, 'the same wall time is 73 h');
  });

  test('running, then overdue as the injected clock moves; it stops when told or when not required', () => {
    const open = { awareAt: aware, notifiedAt: null, noNotificationReason: null };
    const at = (hours: number) => new Date(aware.getTime() + hours * HOUR);
    assert.deepEqual(clockOf(open, at(10)), {
      state: 'running',
      dueAt: at(72),
      leftMs: 62 * HOUR,
      lateMs: 0,
    });
    assert.deepEqual(clockOf(open, at(80)), {
      state: 'overdue',
      dueAt: at(72),
      leftMs: -8 * HOUR,
      lateMs: 8 * HOUR,
    });
    assert.equal(clockOf({ ...open, notifiedAt: at(71) }, at(500)).state, 'notified');
    assert.deepEqual(clockOf({ ...open, notifiedAt: at(75) }, at(500)), {
      state: 'notified-late',
      dueAt: at(72),
      leftMs: null,
      lateMs: 3 * HOUR,
    });
    assert.equal(
      clockOf({ ...open, noNotificationReason: 'unlikely-to-result-in-risk' }, at(500)).state,
      'not-required',
    );
  });

  test('property: overdue exactly when now is past awareness + 72 h, and left + late agree', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: -1000 * HOUR, max: 1000 * HOUR }),
        (awareMs, offset) => {
          const awareAt = new Date(awareMs);
          const now = new Date(awareMs + offset);
          const clock = clockOf({ awareAt, notifiedAt: null, noNotificationReason: null }, now);
          assert.equal(clock.state === 'overdue', offset > NOTIFY_WITHIN_HOURS * HOUR);
          assert.equal(clock.leftMs, NOTIFY_WITHIN_HOURS * HOUR - offset);
          assert.equal(clock.lateMs, Math.max(0, offset - NOTIFY_WITHIN_HOURS * HOUR));
          // The notification rule and the clock agree on lateness.
          const told = clockOf({ awareAt, notifiedAt: now, noNotificationReason: null }, now);
          assert.equal(told.state === 'notified-late', isLate(awareAt, now));
        },
      ),
    );
  });
});

describe('states (BRE-1)', () => {
  test('the allowed moves, and closed is final', () => {
    assert.ok(canMove('suspected', 'confirmed'));
    assert.ok(canMove('suspected', 'closed'));
    assert.ok(canMove('confirmed', 'contained'));
    assert.ok(canMove('contained', 'confirmed'));
    assert.ok(canMove('contained', 'closed'));
    assert.ok(!canMove('confirmed', 'closed'), 'a confirmed breach is contained before it is closed');
    assert.ok(!canMove('suspected', 'contained'));
    for (const to of INCIDENT_STATES) assert.ok(!canMove('closed', to));
    for (const from of INCIDENT_STATES) assert.ok(!canMove(from, from), 'no move to the same state');
    assert.deepEqual(TRANSITIONS.closed, []);
  });
});

describe('bad input (BRE-1)', () => {
  const now = new Date('2026-12-07T12:00:00Z');

  test('a day that does not exist is refused, not rolled over to another (which would move the clock)', () => {
    const now = new Date('2026-12-31T00:00:00Z');
    for (const text of [
      '2026-02-29T10:00:00Z',
      '2026-02-31T10:00:00Z',
      '2026-04-31T10:00:00+02:00',
      '2026-03-01T24:00:00Z',
      '2026-03-01T10:60:00Z',
      '2026-03-01T10:00:60Z',
      '2026-03-01T10:00:00+24:00',
      '2026-13-01T10:00:00Z',
    ]) {
      assert.equal(
        code(() => checkAwareAt(text, now)),
        'incident-time-invalid',
        text,
      );
    }
    assert.equal(checkAwareAt('2024-02-29T10:00:00Z', now).toISOString(), '2024-02-29T10:00:00.000Z');
    assert.equal(
      checkAwareAt('2026-12-30T23:59:59.999+01:00', now).toISOString(),
      '2026-12-30T22:59:59.999Z',
    );
    assert.equal(checkAwareAt('2026-06-30T10:00Z', now).toISOString(), '2026-06-30T10:00:00.000Z');
  });

  test('awareness in the future, or not a time', () => {
    assert.equal(
      code(() => checkAwareAt('2026-12-07T12:00:01Z', now)),
      'incident-awareness-in-future',
    );
    assert.equal(
      code(() => checkAwareAt('yesterday', now)),
      'incident-time-invalid',
    );
    assert.equal(
      code(() => checkAwareAt('2026-12-07', now)),
      'incident-time-invalid',
    );
    assert.equal(checkAwareAt('2026-12-07T12:00:00Z', now).toISOString(), '2026-12-07T12:00:00.000Z');
  });

  test('unknown categories, natures, numbers, texts and sources', () => {
    assert.equal(
      code(() => checkDetails({ dataCategories: ['name', 'shoe-size'] }, now)),
      'incident-category-unknown',
    );
    assert.equal(
      code(() => checkDetails({ peopleCategories: ['aliens'] }, now)),
      'incident-people-category-unknown',
    );
    assert.equal(
      code(() => checkDetails({ nature: [] }, now)),
      'incident-nature-invalid',
    );
    assert.equal(
      code(() => checkDetails({ nature: ['secrecy'] }, now)),
      'incident-nature-invalid',
    );
    assert.equal(
      code(() => checkDetails({ peopleApprox: -1 }, now)),
      'incident-number-invalid',
    );
    assert.equal(
      code(() => checkDetails({ recordsApprox: 1.5 }, now)),
      'incident-number-invalid',
    );
    assert.equal(
      code(() => checkDetails({ texts: { description: 'a\u0000b' } }, now)),
      'text-invalid',
    );
    assert.equal(
      code(() => checkDetails({ texts: { description: 'x'.repeat(8001) } }, now)),
      'incident-text-too-long',
    );
    assert.equal(
      code(() => checkDetails({ texts: { secret: 'x' } }, now)),
      'incident-text-invalid',
    );
    assert.equal(
      code(() => checkSource({ kind: 'account', partnerId: crypto.randomUUID() })),
      'incident-source-invalid',
    );
    assert.equal(
      code(() => checkSource({ kind: 'partner-credential', partnerId: crypto.randomUUID() })),
      'incident-source-invalid',
    );
    assert.equal(
      code(() => checkSource({ kind: 'printer', deviceId: 'p1' })),
      'incident-source-invalid',
    );
    assert.equal(
      code(() => checkDetails({ window: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' } }, now)),
      'incident-window-invalid',
    );
    assert.deepEqual(checkSource({ kind: 'device', deviceId: 'tablet-7' }), {
      kind: 'device',
      deviceId: 'tablet-7',
    });
  });

  test('a notification before awareness, in the future, late without a reason, or with a reason when in time', () => {
    const late = (at: Date) => isLate(aware, at);
    const body = { at: '2026-12-02T09:00:00Z', to: 'Data Protection Authority', text: 'What happened.' };
    const check = (b: Record<string, unknown>) => checkNotification(b, aware, now, late);
    assert.equal(
      code(() => check({ ...body, at: '2026-11-30T09:00:00Z' })),
      'incident-notified-before-awareness',
    );
    assert.equal(
      code(() => check({ ...body, at: '2026-12-08T09:00:00Z' })),
      'incident-notified-in-future',
    );
    assert.equal(
      code(() => check({ ...body, at: '2026-12-05T09:00:00Z' })),
      'incident-late-reason-required',
    );
    assert.equal(
      code(() => check({ ...body, at: '2026-12-05T09:00:00Z', lateReason: 'other' })),
      'incident-late-note-required',
    );
    assert.equal(
      code(() => check({ ...body, lateReason: 'investigation-needed' })),
      'incident-not-late',
    );
    assert.equal(
      code(() => check({ ...body, to: ' ' })),
      'incident-authority-required',
    );
    assert.equal(
      code(() => check({ ...body, text: '' })),
      'incident-notification-text-required',
    );
    assert.equal(
      code(() => check({ ...body, at: '2026-12-05T09:00:00Z', lateReason: 'bored' })),
      'incident-late-reason-invalid',
    );
    const ok = check({ ...body, at: '2026-12-05T09:00:00Z', lateReason: 'authority-unreachable' });
    assert.equal(ok.lateReason, 'authority-unreachable');
  });
});

describe('any input', () => {
  test('property: whatever is sent, the checks answer with details or a stable incident code, never a crash', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.constantFrom('name', 'health', 'confidentiality', 'staff'))),
      fc.dictionary(
        fc.constantFrom('description', 'kind', 'accountId', 'from', 'to', 'x'),
        fc.oneof(fc.string(), fc.constant(null)),
      ),
    );
    const body = fc.dictionary(
      fc.constantFrom(
        'awareAt',
        'nature',
        'dataCategories',
        'peopleCategories',
        'peopleApprox',
        'recordsApprox',
        'highRisk',
        'texts',
        'source',
        'window',
      ),
      value,
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          checkDetails(b, now);
        } catch (error) {
          assert.ok(error instanceof HavenError, String(error));
          assert.match(error.code, /^(incident-[a-z-]+|text-invalid)$/);
          assert.equal(error.status, 422);
        }
      }),
    );
  });
});

describe('the generated notification (GDPR 33(3))', () => {
  const base = {
    reference: 'INC-2026-001',
    drill: false,
    organisationName: 'Haven Relief',
    awareAt: aware,
    nature: ['confidentiality'],
    dataCategories: ['name', 'health'],
    peopleCategories: ['registered-people'],
    peopleApprox: 120,
    recordsApprox: null,
    highRisk: true,
    texts: {
      description: 'A laptop was stolen.',
      consequences: 'Exposure of health data.',
      measuresTaken: 'Account disabled.',
      measuresProposed: null,
      contactPoint: 'DPO, dpo@example.org',
    },
    source: { kind: 'account' },
    window: { from: null, to: null },
    clock: clockOf({ awareAt: aware, notifiedAt: null, noNotificationReason: null }, aware),
  };

  test('has the four parts in order, with what is known and the gaps named', () => {
    const text = draftNotification(base);
    const parts = ['1. Nature', '2. Contact point', '3. Likely consequences', '4. Measures'].map((p) =>
      text.indexOf(p),
    );
    assert.ok(
      parts.every((p, i) => p > 0 && (i === 0 || p > parts[i - 1]!)),
      text,
    );
    for (const piece of [
      'A laptop was stolen.',
      'name, health',
      'about 120',
      'dpo@example.org',
      'Account disabled.',
    ])
      assert.ok(text.includes(piece), piece);
    assert.match(text, /Approximate number of records concerned: \[not yet known/);
    assert.match(text, /Proposed: \[not yet known/);
    assert.doesNotMatch(text, /DRILL/);
  });

  test('a drill’s says so first; an overdue one says it is late', () => {
    assert.match(draftNotification({ ...base, drill: true }), /^DRILL — THIS IS AN EXERCISE/);
    const overdue = clockOf(
      { awareAt: aware, notifiedAt: null, noNotificationReason: null },
      new Date(aware.getTime() + 80 * HOUR),
    );
    assert.match(draftNotification({ ...base, clock: overdue }), /later than 72 hours/);
  });
});

describe('drill figures', () => {
  test('minutes from awareness to each step; null for a step not reached', () => {
    const at = (minutes: number) => new Date(aware.getTime() + minutes * 60_000);
    const steps = drillSteps({
      awareAt: aware,
      confirmedAt: at(30),
      affectedComputedAt: at(45),
      noticesDraftedAt: at(50),
      containedAt: at(120),
      notifiedAt: at(4000),
      closedAt: null,
    });
    assert.deepEqual(steps, {
      confirmed: 30,
      affectedComputed: 45,
      noticesDrafted: 50,
      contained: 120,
      notified: 4000,
      closed: null,
    });
    assert.equal(drillInTime(steps), true);
    assert.equal(drillInTime({ ...steps, notified: 72 * 60 + 1 }), false);
    assert.equal(drillInTime({ ...steps, notified: null }), null);
  });

  test('summary: reached, median and longest per step', () => {
    const none = {
      confirmed: null,
      affectedComputed: null,
      noticesDrafted: null,
      contained: null,
      notified: null,
      closed: null,
    };

    const summary = summariseSteps([
      { ...none, confirmed: 10, notified: 100 },
      { ...none, confirmed: 30 },
      { ...none, confirmed: 20, notified: 300 },
    ]);
    assert.deepEqual(summary.confirmed, { reached: 3, medianMinutes: 20, maxMinutes: 30 });
    assert.deepEqual(summary.notified, { reached: 2, medianMinutes: 200, maxMinutes: 300 });
    assert.deepEqual(summary.closed, { reached: 0, medianMinutes: null, maxMinutes: null });
  });

  test('property: the median lies between the smallest and the largest value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 50 }),
        (values) => {
          const m = median(values)!;
          assert.ok(m >= Math.min(...values) && m <= Math.max(...values));
        },
      ),
    );
  });
});
