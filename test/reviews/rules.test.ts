import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addToDay } from '../../src/domain/calendar.ts';
import { HavenError } from '../../src/domain/errors.ts';
import { checkReviewDate, MAX_REVIEW_DAYS } from '../../src/reviews/decisions.ts';
import { type Grant, type ReviewActor, reviewRefusal } from '../../src/reviews/grants.ts';
import { checkTraining } from '../../src/reviews/training.ts';

/** The pure rules of access reviews (ACC-7): review dates, training dates, who may decide a grant. */
const TODAY = '2026-12-07';
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof HavenError, String(error));
    return error.code;
  }
};

describe('access review rules', () => {
  test('a review date is accepted exactly from tomorrow to a year ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 800 }), (offset) => {
        const day = addToDay(TODAY, { days: offset });
        const expected =
          offset <= 0 ? 'review-date-past' : offset > MAX_REVIEW_DAYS ? 'review-date-too-far' : undefined;
        assert.equal(
          codeOf(() => checkReviewDate(day, TODAY)),
          expected,
        );
      }),
    );
  });

  test('anything that is not a calendar day is review-date-invalid, never a crash', () => {
    for (const bad of [
      '2027-02-30',
      '9999-99-99',
      '2027-13-01',
      '2027-1-1',
      ' 2027-01-01',
      '',
      20270101,
      null,
    ])
      assert.equal(
        codeOf(() => checkReviewDate(bad, TODAY)),
        'review-date-invalid',
        String(bad),
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), (value) => {
        // Random text is almost never a real day; when it is one, a range code answers instead.
        const code = codeOf(() => checkReviewDate(value, TODAY));
        assert.ok(code?.startsWith('review-date-'), String(code));
      }),
    );
  });

  test('training: completed by today, expiring after completion; each refusal has its code', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 30 }), fc.integer({ min: -60, max: 800 }), (done, length) => {
        const input = {
          accountId: '00000000-0000-4000-8000-000000000001',
          course: 'Data protection',
          completedOn: addToDay(TODAY, { days: done }),
          expiresOn: addToDay(TODAY, { days: done + length }),
        };
        const expected =
          done > 0 ? 'training-date-future' : length <= 0 ? 'training-expiry-before-completion' : undefined;
        assert.equal(
          codeOf(() => checkTraining(input, TODAY)),
          expected,
        );
      }),
    );
    assert.equal(
      codeOf(() =>
        checkTraining(
          { accountId: 'x', course: '  ', completedOn: TODAY, expiresOn: addToDay(TODAY, { days: 1 }) },
          TODAY,
        ),
      ),
      'training-course-required',
    );
  });

  test('nobody decides their own grant; a supervisor decides only their staff’s, the DPO the unassigned', () => {
    const ids = ['a', 'b', 'c'].map((c) => `00000000-0000-4000-8000-00000000000${c}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom('supervisor', 'dpo', 'clerk', 'admin'),
        fc.constantFrom(...ids),
        fc.option(fc.constantFrom(...ids), { nil: null }),
        (actorId, role, holder, reviewer) => {
          const actor: ReviewActor = {
            accountId: actorId,
            organisationId: 'org',
            role: role as ReviewActor['role'],
            audit: { kind: 'staff' },
          };
          const grant = { kind: 'role', accountId: holder, reviewerId: reviewer } as Grant;
          const code = reviewRefusal(actor, grant)?.code;
          if (holder === actorId) assert.equal(code, 'review-own-grant');
          else if (reviewer === actorId || (reviewer === null && role === 'dpo'))
            assert.equal(code, undefined);
          else assert.equal(code, 'not-reviewer');
        },
      ),
    );
  });
});
