import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCapture, parseDictionary } from '../../src/domain/dictionary/index.ts';
import type { HavenError } from '../../src/domain/errors.ts';
import { havenError, SMALL, shipped } from './dictionary-fixtures.ts';

/** The day the checks are made on: fixed, so date ranges (not after today) give the same answer every day. */
const TODAY = '2026-06-15';

const CHILD = '6f1c2b7e-3a4d-4e5f-9a0b-1c2d3e4f5a6b';

/** A registration as a clerk would capture it: names in Arabic script and in Latin letters. */
function registration(): Record<string, unknown> {
  return {
    'given-name': '  أمينة ',
    'given-name-latin': 'Amina',
    'family-name': 'الحسن',
    'family-name-latin': 'Al-Hassan',
    sex: 'female',
    'date-of-birth': '1990-06',
    nationality: ['syr'],
    languages: ['ARA', 'kmr'],
    phone: '+963 11-234 5678',
    'household-size': 4,
    'family-links': [
      { person: CHILD.toUpperCase(), relationship: 'child', situation: 'same-household' },
      {
        name: 'Omar',
        relationship: 'spouse-or-partner',
        situation: 'missing',
        'last-known-location': 'Aleppo',
      },
    ],
    'documents-held': [
      { type: 'passport', number: 'N1234567', 'issuing-country': 'SYR', 'expiry-date': '2027-01-31' },
    ],
    'legal-status': 'asylum-seeker',
    'arrival-date': '2024-03-15',
    'case-number': 'HVN-24-000123',
    'marital-status': null,
    'other-names': [],
    'fathers-name': '',
  };
}

function refusal(purpose: string, values: Record<string, unknown>, requireAll = true): HavenError {
  const error = havenError(() => checkCapture(shipped, purpose, values, { requireAll, today: TODAY }));
  assert.equal(error.code, 'capture-refused');
  return error;
}

/** The problems of a refused capture as "path code" strings, easy to compare. */
function problems(purpose: string, values: Record<string, unknown>, requireAll = true): string[] {
  return (refusal(purpose, values, requireAll).fields ?? []).map((found) => `${found.path} ${found.code}`);
}

describe('capture for a purpose (MIN-1, MIN-2)', () => {
  test('a valid registration passes and comes back normalised, grouped by field group', () => {
    const result = checkCapture(shipped, 'registration', registration(), { requireAll: true, today: TODAY });
    assert.equal(result.purpose, 'registration');
    assert.deepEqual(Object.keys(result.groups).sort(), [
      'contact',
      'documents',
      'family',
      'identity',
      'legal-status',
    ]);
    assert.deepEqual(result.groups.identity, {
      'given-name': 'أمينة',
      'given-name-latin': 'Amina',
      'family-name': 'الحسن',
      'family-name-latin': 'Al-Hassan',
      sex: 'female',
      'date-of-birth': '1990-06',
      nationality: ['SYR'],
      languages: ['ara', 'kmr'],
    });
    assert.deepEqual(result.groups.contact, { phone: '+963112345678' });
    assert.deepEqual(result.groups.family?.['family-links'], [
      { person: CHILD, relationship: 'child', situation: 'same-household' },
      {
        name: 'Omar',
        relationship: 'spouse-or-partner',
        situation: 'missing',
        'last-known-location': 'Aleppo',
      },
    ]);
    assert.deepEqual(result.groups.documents, {
      'documents-held': [
        { type: 'passport', number: 'N1234567', 'issuing-country': 'SYR', 'expiry-date': '2027-01-31' },
      ],
    });
  });

  test('names are stored in Unicode NFC so that the same name always gives the same index', () => {
    const decomposed = 'Jose\u0301'; // "José" with a combining accent
    const result = checkCapture(
      shipped,
      'registration',
      { 'given-name-latin': decomposed },
      { requireAll: false, today: TODAY },
    );
    assert.equal(result.groups.identity?.['given-name-latin'], 'Jos\u00e9');
  });

  test('a stateless person can be registered with nationality XXA', () => {
    const values = { ...registration(), nationality: ['XXA'] };
    assert.deepEqual(
      checkCapture(shipped, 'registration', values, { requireAll: true, today: TODAY }).groups.identity
        ?.nationality,
      ['XXA'],
    );
  });

  test('an estimated age is enough when the date of birth is not known', () => {
    const { 'date-of-birth': _unknown, ...values } = registration();
    const result = checkCapture(
      shipped,
      'registration',
      { ...values, 'estimated-age': 34 },
      { requireAll: true, today: TODAY },
    );
    assert.equal(result.groups.identity?.['estimated-age'], 34);
  });

  test('a field that is not in the dictionary is refused by name', () => {
    assert.deepEqual(problems('registration', { ...registration(), 'favourite-colour': 'blue' }), [
      'favourite-colour field-unknown',
    ]);
  });

  test('a field outside the purpose data set is refused (MIN-2)', () => {
    assert.deepEqual(problems('registration', { ...registration(), 'protection-notes': 'threatened' }), [
      'protection-notes field-not-in-purpose',
    ]);
    assert.deepEqual(problems('statistics', { sex: 'female' }, false), ['sex field-not-in-purpose']);
    assert.deepEqual(problems('assistance-distribution', { 'given-name': 'Amina' }, false), [
      'given-name field-not-in-purpose',
    ]);
  });

  test('missing required fields are refused; a partial update does not need them', () => {
    const { 'given-name': _name, 'date-of-birth': _birth, ...values } = registration();
    assert.deepEqual(problems('registration', values), [
      'given-name field-required',
      'date-of-birth field-required',
      'estimated-age field-required',
    ]);
    assert.doesNotThrow(() =>
      checkCapture(shipped, 'registration', values, { requireAll: false, today: TODAY }),
    );
  });

  test('an empty value does not count as given', () => {
    assert.deepEqual(problems('registration', { ...registration(), 'given-name': '   ' }), [
      'given-name field-required',
    ]);
  });

  test('values of the wrong type, too long, or not allowed are refused with their own codes', () => {
    const values = {
      ...registration(),
      'given-name': 42,
      'family-name': 'x'.repeat(101),
      sex: 'unknown',
      'estimated-age': 131,
      'household-size': 2.5,
      'fathers-name': 'first line\nsecond line',
    };
    assert.deepEqual(problems('registration', values), [
      'given-name value-invalid-type',
      'family-name value-too-long',
      'sex value-not-allowed',
      'household-size value-invalid-type',
      'fathers-name value-not-single-line',
      'estimated-age value-out-of-range',
    ]);
  });

  test('lengths count characters, not bytes: 100 Arabic letters fit in a 100-character name', () => {
    const values = { ...registration(), 'given-name': 'ب'.repeat(100) };
    assert.doesNotThrow(() =>
      checkCapture(shipped, 'registration', values, { requireAll: true, today: TODAY }),
    );
  });

  test('dates must exist in the calendar', () => {
    assert.deepEqual(
      problems('registration', {
        ...registration(),
        'date-of-birth': '2023-02-30',
        'arrival-date': '2024-13-01',
      }),
      ['date-of-birth date-invalid', 'arrival-date date-invalid'],
    );
    for (const partial of ['1990', '1990-06', '2000-02-29']) {
      const values = { ...registration(), 'date-of-birth': partial };
      assert.doesNotThrow(
        () => checkCapture(shipped, 'registration', values, { requireAll: true, today: TODAY }),
        partial,
      );
    }
    assert.deepEqual(problems('registration', { ...registration(), 'date-of-birth': '1900-02-29' }), [
      'date-of-birth date-invalid',
    ]);
  });

  test('countries, languages, phones and person references are checked', () => {
    const values = {
      ...registration(),
      nationality: ['SYR', 'ZZZ'],
      'country-of-origin': 'Syria',
      languages: ['arabic'],
      phone: '0912345678',
      'family-links': [{ person: 'not-a-uuid', relationship: 'child' }],
    };
    assert.deepEqual(problems('registration', values), [
      'nationality[1] country-invalid',
      'languages[0] language-invalid',
      'phone phone-invalid',
      'family-links[0].person person-ref-invalid',
      'country-of-origin country-invalid',
    ]);
  });

  test('lists have a maximum number of items', () => {
    const languages = ['ara', 'eng', 'fra', 'kmr', 'ckb', 'prs', 'pus', 'tir', 'som', 'swa', 'rhg'];
    assert.deepEqual(problems('registration', { ...registration(), languages }), [
      'languages too-many-items',
    ]);
  });

  test('records refuse unknown members and need their required members', () => {
    const values = {
      ...registration(),
      'documents-held': [
        { type: 'passport', colour: 'red' },
        { type: 'passport' },
        { type: 'visa', number: 'X1' },
      ],
    };
    assert.deepEqual(problems('registration', values), [
      'documents-held[0].colour field-unknown',
      'documents-held[1].number field-required',
      'documents-held[2].type value-not-allowed',
    ]);
  });

  test('a prohibited purpose is refused before anything else, with the reason (PUR-2, ACC-9)', () => {
    const error = refusal('law-enforcement', registration());
    assert.equal(error.status, 403);
    assert.equal(error.reason, 'purpose-prohibited');
    assert.deepEqual(
      error.fields?.map((found) => found.code),
      ['purpose-prohibited'],
    );
    const small = parseDictionary(SMALL, 'test.yaml');
    const undeclared = havenError(() =>
      checkCapture(small, 'immigration-enforcement', {}, { requireAll: false, today: TODAY }),
    );
    assert.equal(undeclared.reason, 'purpose-prohibited');
  });

  test('a purpose that is not in the register is refused', () => {
    const error = refusal('marketing', registration());
    assert.equal(error.status, 422);
    assert.deepEqual(
      error.fields?.map((found) => found.code),
      ['purpose-unknown'],
    );
  });

  test('names like Object.prototype members are ordinary names', () => {
    const text = SMALL.replace(
      '  location: { tier: 3, label: Location }',
      '  constructor: { tier: 3, label: Odd }',
    )
      .replace(
        '    type: name\n',
        '    type: record\n    fields:\n      constructor: { label: Odd, type: string, required: true }\n      other: { label: Other, type: string }\n',
      )
      .replace(
        '    group: identity\n    tier: 2\n    purposes: [registration]\n',
        '    group: constructor\n    tier: 3\n    purposes: [registration]\n',
      );
    const dictionary = parseDictionary(text, 'odd.yaml');
    const result = checkCapture(
      dictionary,
      'registration',
      { 'given-name': { constructor: 'x' } },
      { requireAll: true, today: TODAY },
    );
    assert.deepEqual(result.groups.constructor, { 'given-name': { constructor: 'x' } });
    const missing = havenError(() =>
      checkCapture(
        dictionary,
        'registration',
        { 'given-name': { other: 'y' } },
        { requireAll: true, today: TODAY },
      ),
    );
    assert.deepEqual(
      missing.fields?.map((found) => `${found.path} ${found.code}`),
      ['given-name.constructor field-required'],
    );
  });

  test('values that are not an object of fields are refused', () => {
    const error = havenError(() =>
      checkCapture(shipped, 'registration', ['a'] as unknown as Record<string, unknown>, {
        requireAll: true,
        today: TODAY,
      }),
    );
    assert.equal(error.code, 'capture-refused');
  });

  test('refusals never contain the submitted values (ENC-1)', () => {
    const secret = 'Zzyzx-Secret-4711';
    const values = {
      'given-name': `${secret}\n`,
      'family-name': secret.repeat(20),
      sex: secret,
      'date-of-birth': secret,
      nationality: [secret],
      languages: [secret],
      phone: secret,
      'country-of-origin': secret,
      'documents-held': [{ type: secret, number: 7, 'issuing-country': secret }],
      'family-links': [{ person: secret, relationship: secret }],
      'protection-notes': secret,
      [`${secret} field`]: secret,
    };
    const error = refusal('registration', values);
    assert.ok((error.fields ?? []).length >= 12);
    const everything = JSON.stringify({ message: error.message, fields: error.fields, reason: error.reason });
    assert.ok(!everything.includes('Zzyzx'), everything);
    assert.ok(!everything.includes('4711'), everything);
  });
});
