import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addToDay } from '../../src/domain/calendar.ts';
import { CROCKFORD } from '../../src/domain/codes.ts';
import { CARD_CODE_LENGTH, newCardCode, parseCardCode } from '../../src/domain/rights/card-code.ts';
import {
  canMove,
  checkRefusal,
  dueDate,
  extendedDueDate,
  identityEnough,
  identityStrength,
  isOverdue,
  move,
  type RequestState,
} from '../../src/domain/rights/requests.ts';

const day = fc
  .date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('deadlines of rights requests (RIG-2)', () => {
  test('one calendar month from receipt, month ends kept, leap years counted', () => {
    assert.equal(dueDate('2027-01-31'), '2027-02-28');
    assert.equal(dueDate('2028-01-31'), '2028-02-29');
    assert.equal(dueDate('2028-01-29'), '2028-02-29');
    assert.equal(dueDate('2026-12-31'), '2027-01-31');
    assert.equal(dueDate('2026-03-31'), '2026-04-30');
    assert.equal(dueDate('2026-02-28'), '2026-03-28');
  });

  test('as a property: the same day next month, or that month’s last day when it has no such day', () => {
    fc.assert(
      fc.property(day, (received) => {
        const due = dueDate(received);
        const [y, m, d] = received.split('-').map(Number) as [number, number, number];
        const [dy, dm, dd] = due.split('-').map(Number) as [number, number, number];
        assert.equal(dy * 12 + dm, y * 12 + m + 1, 'the next calendar month');
        assert.equal(dd, Math.min(d, lastOfMonth(dy, dm)));
        const days = (Date.parse(due) - Date.parse(received)) / 86_400_000;
        assert.ok(days >= 28 && days <= 31, `${received} → ${due}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('one extension of one or two further months, within the first month, with a reason and a notice', () => {
    const request = { receivedOn: '2027-01-31', extended: false };
    const ok = { months: 2, reason: 'The file spans three offices.', personNotified: true };
    assert.equal(extendedDueDate(request, ok, '2027-02-28'), '2027-04-30');
    assert.equal(extendedDueDate(request, { ...ok, months: 1 }, '2027-02-01'), '2027-03-31');
    const codes: string[] = [];
    const refused = (change: Partial<typeof ok>, today = '2027-02-10', extended = false) =>
      assert.throws(
        () => extendedDueDate({ ...request, extended }, { ...ok, ...change }, today),
        (error: { code: string }) => codes.push(error.code) > 0,
      );
    refused({}, '2027-03-01');
    refused({ months: 3 });
    refused({ months: 0 });
    refused({ months: 1.5 });
    refused({ reason: '  ' });
    refused({ personNotified: false });
    refused({}, '2027-02-10', true);
    assert.deepEqual(codes, [
      'extension-too-late',
      'extension-months-invalid',
      'extension-months-invalid',
      'extension-months-invalid',
      'extension-reason-required',
      'extension-notice-required',
      'extension-used',
    ]);
  });

  test('as a property: an extension is allowed exactly up to the first deadline and ends 2 or 3 months from receipt', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -5, max: 40 }), fc.constantFrom(1, 2), (received, after, months) => {
        const today = addToDay(received, { days: after });
        const request = { receivedOn: received, extended: false };
        const extension = { months, reason: 'volume', personNotified: true };
        if (today <= dueDate(received)) {
          assert.equal(
            extendedDueDate(request, extension, today),
            addToDay(received, { months: 1 + months }),
          );
        } else {
          assert.throws(() => extendedDueDate(request, extension, today), { code: 'extension-too-late' });
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('overdue: open and past the deadline; never once answered or refused', () => {
    assert.equal(isOverdue({ state: 'in-progress', dueOn: '2027-02-28' }, '2027-03-01'), true);
    assert.equal(isOverdue({ state: 'in-progress', dueOn: '2027-02-28' }, '2027-02-28'), false);
    assert.equal(isOverdue({ state: 'answered', dueOn: '2027-02-28' }, '2027-03-01'), false);
    assert.equal(isOverdue({ state: 'refused', dueOn: '2027-02-28' }, '2027-03-01'), false);
  });
});

describe('the life of a rights request (RIG-1, RIG-5)', () => {
  const STATES: RequestState[] = [
    'received',
    'identity-checked',
    'in-progress',
    'extended',
    'answered',
    'refused',
  ];

  test('exactly these moves', () => {
    const allowed = STATES.flatMap((from) =>
      STATES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    assert.deepEqual(allowed, [
      'received→identity-checked',
      'received→refused',
      'identity-checked→in-progress',
      'identity-checked→refused',
      'in-progress→extended',
      'in-progress→answered',
      'in-progress→refused',
      'extended→answered',
      'extended→refused',
    ]);
    assert.throws(() => move('received', 'answered'), { code: 'request-state-invalid' });
  });

  test('as a property: whatever is tried, no request is answered without its identity checked first', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATES), { maxLength: 12 }), (tries) => {
        let state: RequestState = 'received';
        let checked = false;
        for (const next of tries) {
          if (!canMove(state, next)) {
            assert.throws(() => move(state, next));
            continue;
          }
          state = move(state, next);
          if (state === 'identity-checked') checked = true;
          if (state === 'answered') assert.ok(checked);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('identity strength: data and erasure need the card with its PIN, or a stepped-up staff check', () => {
    assert.equal(identityStrength('card', 3), 1);
    assert.equal(identityStrength('card-and-pin', null), 2);
    assert.equal(identityStrength('document-seen', 2), 1, 'a staff member signed in without a passkey');
    assert.equal(identityStrength('document-seen', 3), 2);
    assert.equal(identityStrength('known-caseworker', 3), 2);
    for (const kind of ['access', 'portability', 'erasure'] as const) {
      assert.equal(identityEnough(kind, 1), false, kind);
      assert.equal(identityEnough(kind, 2), true, kind);
    }
    for (const kind of ['correction', 'restriction', 'objection'] as const)
      assert.equal(identityEnough(kind, 1), true);
  });

  test('a refusal names a reason from the list and says why in words', () => {
    assert.deepEqual(checkRefusal('suspected-duress', 'Came with a man who answered for her.'), {
      reason: 'suspected-duress',
      note: 'Came with a man who answered for her.',
    });
    assert.throws(() => checkRefusal('because', 'x'), { code: 'refusal-reason-invalid' });
    assert.throws(() => checkRefusal('excessive', ' '), { code: 'refusal-note-required' });
    assert.throws(() => checkRefusal(undefined, undefined), { code: 'refusal-reason-invalid' });
  });
});

describe('registration card codes', () => {
  test('65 random bits and a check symbol, in groups of four; read back however typed', () => {
    const code = newCardCode();
    assert.match(
      code,
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z*~$=U]$/,
    );
    assert.ok(CARD_CODE_LENGTH * 5 >= 60);
    const canonical = code.replaceAll('-', '');
    assert.equal(parseCardCode(code), canonical);
    assert.equal(parseCardCode(` ${code.toLowerCase().replaceAll('-', ' ')} `), canonical);
    const seen = new Set(Array.from({ length: 2000 }, () => newCardCode()));
    assert.equal(seen.size, 2000);
  });

  test('every single wrong character and every swap of two neighbours is caught', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CARD_CODE_LENGTH - 1 }),
        fc.integer({ min: 1, max: 31 }),
        (at, shift) => {
          const canonical = newCardCode().replaceAll('-', '');
          const wrong = CROCKFORD[(CROCKFORD.indexOf(canonical[at]!) + shift) % 32]!;
          const typo = canonical.slice(0, at) + wrong + canonical.slice(at + 1);
          assert.throws(() => parseCardCode(typo), { code: 'card-code-mistyped' });
          if (at < CARD_CODE_LENGTH - 1 && canonical[at] !== canonical[at + 1]) {
            const swapped =
              canonical.slice(0, at) + canonical[at + 1] + canonical[at] + canonical.slice(at + 2);
            assert.throws(() => parseCardCode(swapped), { code: 'card-code-mistyped' });
          }
        },
      ),
      { numRuns: 3000 },
    );
    for (const bad of ['', '1234', `${'A'.repeat(14)}X`, 'UUUU-UUUU-UUUU-UU'])
      assert.throws(() => parseCardCode(bad), { code: 'card-code-invalid' });
  });
});
