/**
 * Issue 13, finding 4: implausible and spoofing values are refused by the dictionary's types — dates outside
 * their field's range (by default 1900 to today), ages over 120, language codes outside ISO 639-3, names with
 * direction controls or non-characters — while ZWJ and ZWNJ, which Persian and Indic names need, are kept.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkCapture,
  checkScalar,
  dateOutOfRange,
  ISO_639_3,
  parseDictionary,
  todayAnywhere,
} from '../../src/domain/dictionary/index.ts';
import { edit, havenError, problem, SMALL, shipped } from './dictionary-fixtures.ts';

const TODAY = '2026-06-15';
const TOMORROW = '2026-06-16';
const PERSON = { 'given-name': 'Amina', sex: 'female', 'estimated-age': 30, nationality: ['SOM'] };

/** The problems of a registration with `values` added, as "path code" strings; [] when it is accepted. */
function problemsOf(values: Record<string, unknown>, today = TODAY): string[] {
  try {
    checkCapture(shipped, 'registration', { ...PERSON, ...values }, { requireAll: true, today });
    return [];
  } catch {
    const error = havenError(() =>
      checkCapture(shipped, 'registration', { ...PERSON, ...values }, { requireAll: true, today }),
    );
    return (error.fields ?? []).map((found) => `${found.path} ${found.code}`);
  }
}

function captured(values: Record<string, unknown>): Record<string, unknown> {
  return checkCapture(shipped, 'registration', { ...PERSON, ...values }, { requireAll: true, today: TODAY })
    .groups.identity as Record<string, unknown>;
}

describe('names cannot be made to display as another name', () => {
  test('a name with a right-to-left override (U+202E) or another direction control is refused', () => {
    for (const control of ['\u202E', '\u202A', '\u2066', '\u2069', '\u200F', '\u200E', '\u061C']) {
      assert.deepEqual(problemsOf({ 'given-name': `Amina${control}nasuH` }), [
        'given-name value-invalid-characters',
      ]);
    }
    assert.deepEqual(problemsOf({ 'other-names': ['Ok', 'Bad\u202Eeman'] }), [
      'other-names[1] value-invalid-characters',
    ]);
  });

  test('a name with a non-character (U+FFFF, U+FDD0) is refused', () => {
    for (const nonCharacter of ['\uFFFF', '\uFFFE', '\uFDD0', '\u{1FFFF}']) {
      assert.deepEqual(problemsOf({ 'family-name': `Al${nonCharacter}Hassan` }), [
        'family-name value-invalid-characters',
      ]);
    }
  });

  test('ZWNJ in a Persian name and ZWJ in a Devanagari name are accepted and kept', () => {
    assert.equal(captured({ 'given-name': 'مهر\u200Cناز' })['given-name'], 'مهر\u200Cناز');
    assert.equal(captured({ 'given-name': 'क्\u200Dष' })['given-name'], 'क्\u200Dष');
  });

  test('names are stored in NFC, so the same name typed two ways is one name', () => {
    assert.equal(captured({ 'given-name': 'Jose\u0301' })['given-name'], 'Jos\u00e9');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (name) => {
        const result = checkScalar({ type: 'name', maxLength: 200 }, name, { today: TODAY });
        if (result.ok) assert.equal(result.value, String(result.value).normalize('NFC'));
      }),
    );
  });

  test('a tab is refused in a single-line name and kept in a text note', () => {
    assert.deepEqual(problemsOf({ 'given-name': 'Am\tina' }), ['given-name value-invalid-characters']);
    const note = checkScalar({ type: 'text', maxLength: 500 }, 'line\tone\r\nline two', { today: TODAY });
    assert.deepEqual(note, { ok: true, value: 'line\tone\nline two' });
  });
});

describe('dates within their field’s range', () => {
  test('a date of birth or of arrival after today is refused; today is accepted', () => {
    assert.deepEqual(problemsOf({ 'date-of-birth': TOMORROW }), ['date-of-birth date-out-of-range']);
    assert.deepEqual(problemsOf({ 'arrival-date': TOMORROW }), ['arrival-date date-out-of-range']);
    assert.deepEqual(problemsOf({ 'date-of-birth': '2027' }), ['date-of-birth date-out-of-range']);
    assert.deepEqual(problemsOf({ 'date-of-birth': TODAY, 'arrival-date': TODAY }), []);
    // The same date is accepted the next day: "today" is the caller's, not a clock's.
    assert.deepEqual(problemsOf({ 'arrival-date': TOMORROW }, TOMORROW), []);
  });

  test('a date before 1900 is refused; a partial date is refused only when all of it is outside', () => {
    assert.deepEqual(problemsOf({ 'date-of-birth': '1899' }), ['date-of-birth date-out-of-range']);
    assert.deepEqual(problemsOf({ 'date-of-birth': '1899-12-31' }), ['date-of-birth date-out-of-range']);
    assert.deepEqual(problemsOf({ 'arrival-date': '1850-05-01' }), ['arrival-date date-out-of-range']);
    assert.deepEqual(problemsOf({ 'date-of-birth': '1900' }), []);
    assert.deepEqual(problemsOf({ 'date-of-birth': '2026-06' }), [], 'June 2026 includes today');
    assert.deepEqual(problemsOf({ 'date-of-birth': '2026-07' }), ['date-of-birth date-out-of-range']);
  });

  test('a document’s expiry date may be in the future (its own max), but not past 2100', () => {
    const document = (expiry: string) => ({
      'documents-held': [{ type: 'passport', number: 'N1234567', 'expiry-date': expiry }],
    });
    assert.deepEqual(problemsOf(document('2031-01-31')), []);
    assert.deepEqual(problemsOf(document('2101-01-01')), ['documents-held[0].expiry-date date-out-of-range']);
  });

  test('the refusal says which bound, never the date', () => {
    const error = havenError(() =>
      checkCapture(
        shipped,
        'registration',
        { ...PERSON, 'date-of-birth': '2030-02-03' },
        {
          requireAll: true,
          today: TODAY,
        },
      ),
    );
    assert.equal(error.fields?.[0]?.message, 'date-of-birth must not be after today.');
    assert.ok(!JSON.stringify(error.fields).includes('2030'));
  });

  test('any date inside the range is accepted and any outside refused (property)', () => {
    const day = fc
      .date({ min: new Date('1800-01-01'), max: new Date('2200-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (date, today) => {
        const inside = date >= '1900-01-01' && date <= today;
        assert.equal(dateOutOfRange(date, { min: '1900-01-01', max: 'today' }, today) === undefined, inside);
      }),
    );
  });

  test('todayAnywhere is the date somewhere on Earth (UTC+14), so no office’s today is refused', () => {
    assert.equal(todayAnywhere(new Date('2026-06-15T09:59:59Z')), '2026-06-15');
    assert.equal(todayAnywhere(new Date('2026-06-15T10:00:00Z')), '2026-06-16');
  });
});

describe('ages and codes against their standard lists', () => {
  test('an estimated age of 123 is refused; 0 and 120 are accepted', () => {
    assert.deepEqual(problemsOf({ 'estimated-age': 123 }), ['estimated-age value-out-of-range']);
    assert.deepEqual(problemsOf({ 'estimated-age': 121 }), ['estimated-age value-out-of-range']);
    assert.deepEqual(problemsOf({ 'estimated-age': 120 }), []);
    assert.deepEqual(problemsOf({ 'estimated-age': 0 }), []);
  });

  test('languages are ISO 639-3 codes: prs, pus, ara, rhg accepted; xx1, xxx and special codes refused', () => {
    assert.deepEqual(problemsOf({ languages: ['prs', 'pus', 'ara', 'rhg', 'KMR'] }), []);
    assert.deepEqual(captured({ languages: ['PRS'] }).languages, ['prs']);
    assert.deepEqual(problemsOf({ languages: ['xx1', 'ara', 'xxx', 'und', 'zxx', 'qaa'] }), [
      'languages[0] language-invalid',
      'languages[2] language-invalid',
      'languages[3] language-invalid',
      'languages[4] language-invalid',
      'languages[5] language-invalid',
    ]);
    assert.ok(ISO_639_3.size > 7000, 'the whole table, not a sample');
  });

  test('countries are ISO 3166-1 alpha-3 codes plus the field’s extra codes', () => {
    assert.deepEqual(problemsOf({ nationality: ['AFG', 'XXA'] }), []);
    assert.deepEqual(problemsOf({ nationality: ['ZZZ'] }), ['nationality[0] country-invalid']);
  });
});

describe('the dictionary sets the ranges and extra codes (type parameters)', () => {
  const withFields = (fields: string) =>
    edit(
      edit(SMALL, 'purposes:\n  registration:', `${fields}purposes:\n  registration:`),
      'collect: [given-name, sex]',
      'collect: [given-name, sex, seen-on, spoken]',
    );
  const field = (name: string, type: string) =>
    `  ${name}:\n    label: ${name}\n    ${type}\n    category: demographic\n    group: identity\n    purposes: [registration]\n    retention: case-closed + 5 years\n`;
  const fields = (seen: string, spoken = 'type: language') =>
    withFields(field('seen-on', seen) + field('spoken', spoken));

  test('min and max may be dates or today; unwritten they are 1900-01-01 and today', () => {
    const fixed = parseDictionary(fields('type: date\n    min: 2020-01-01\n    max: 2030-12-31'), 't');
    assert.deepEqual(fixed.field('seen-on')?.spec, { type: 'date', min: '2020-01-01', max: '2030-12-31' });
    const plain = parseDictionary(fields('type: partial-date'), 't');
    assert.deepEqual(plain.field('seen-on')?.spec, { type: 'partial-date', min: '1900-01-01', max: 'today' });
    const values = { 'given-name': 'Amina', 'seen-on': '2029-05-05' };
    assert.doesNotThrow(() =>
      checkCapture(fixed, 'registration', values, { requireAll: true, today: TODAY }),
    );
    const early = havenError(() =>
      checkCapture(
        fixed,
        'registration',
        { ...values, 'seen-on': '2019-12-31' },
        { requireAll: true, today: TODAY },
      ),
    );
    assert.equal(early.fields?.[0]?.message, 'seen-on must not be before 2020-01-01.');
  });

  test('a bound that is not a date, or a max below the min, is a dictionary problem', () => {
    assert.ok(problem(fields('type: date\n    max: tomorrow'), 'date-bound-invalid'));
    assert.ok(problem(fields('type: date\n    min: 2020-02-30'), 'date-bound-invalid'));
    assert.ok(problem(fields('type: date\n    min: 2020-01-01\n    max: 2019-01-01'), 'range-invalid'));
    assert.ok(problem(fields('type: phone\n    min: 2020-01-01'), 'key-unknown'));
  });

  test('a language field accepts the extra codes it lists (local use, or newer than the table)', () => {
    const dictionary = parseDictionary(
      fields('type: date', 'type: language\n    extraCodes: [qaa, qtz]'),
      't',
    );
    const values = { 'given-name': 'Amina', spoken: 'QAA' };
    const result = checkCapture(dictionary, 'registration', values, { requireAll: true, today: TODAY });
    assert.equal(result.groups.identity?.spoken, 'qaa');
    assert.ok(
      problem(fields('type: date', 'type: language\n    extraCodes: [QAA1]'), 'language-code-invalid'),
    );
  });
});
