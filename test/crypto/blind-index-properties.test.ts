import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  foldText,
  nameSearchKeys,
  nameSkeleton,
  nameSkeletons,
  nameTokens,
  normaliseDate,
  normaliseDocumentNumber,
  normalisePhone,
  wordSearchKeys,
} from '../../src/crypto/blind-index/normalise.ts';
import { HavenError } from '../../src/domain/errors.ts';

// Characters that exercise the rules: Arabic-script letters and variants, harakat, tatweel, Cyrillic,
// Latin with diacritics, Turkish and German specials, apostrophes, digits, invisible characters, spaces.
const INTERESTING = [
  ...'abcdeghiklmnorstuwxyzABCHKSZ',
  ...'ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإٱىیکةؤئپچژگټډړږښګڼځڅېۍەۆێ',
  ...'\u064B\u064E\u064F\u0650\u0651\u0652\u0670\u0640',
  ...'абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёЁЙІЇ',
  ...'éÉüÜöçÇßẞİıñøæłŁõễ',
  ..."'’ʼʻʿ`´-.,،/()+",
  ...'0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
  ...'\u200B\u200C\u200D\u200E\u200F\u202A\u202E\uFEFF\u00AD',
  ...' \t\n\u00A0\u2003',
];
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const anyText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...INTERESTING),
      loneSurrogate,
      fc.string({ unit: 'binary', maxLength: 1 }),
    ),
  }),
);
const RUNS = { numRuns: 2000 };

function trimmed(value: string): boolean {
  return value === value.trim() && !/^\s|\s$/u.test(value);
}

/** Either a result or a HavenError refusal, never another exception. */
function resultOrRefusal(normalise: (value: string) => string, value: string): string | undefined {
  try {
    return normalise(value);
  } catch (error) {
    assert.ok(error instanceof HavenError, String(error));
    return undefined;
  }
}

describe('blind-index normalisation properties (ENC-3)', () => {
  test('foldText is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = foldText(text);
        assert.equal(foldText(once), once);
      }),
      RUNS,
    );
  });

  test('nameSkeleton never throws on folded text, and skeletons have no whitespace', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const folded = foldText(text);
        assert.ok(!/\s/u.test(nameSkeleton(folded)));
        for (const skeleton of nameSkeletons(folded)) assert.ok(!/\s/u.test(skeleton));
        assert.ok(nameSkeletons(folded).length <= 8);
      }),
      RUNS,
    );
  });

  test('name tokens are non-empty, distinct and without whitespace; search keys never throw', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = nameTokens(text);
        assert.equal(new Set(tokens).size, tokens.length);
        for (const token of tokens) assert.ok(token !== '' && !/\s/u.test(token), JSON.stringify(token));
        const keys = nameSearchKeys(text);
        assert.deepEqual(keys.exact, tokens);
        for (const skeleton of keys.skeleton) assert.ok(skeleton !== '' && !/\s/u.test(skeleton));
      }),
      RUNS,
    );
  });

  test('a search for a stored name looks up only keys that were stored for it, word by word', () => {
    // A search derives its keys from the words nameTokens returns; canonicalising those words a second time
    // once missed names like Abdullahi (abdullahi → abdlahi → abdahi). Found by the B6 benchmark.
    const particles = fc.constantFrom('abd', 'abdul', 'abu', 'al', 'el', 'ul', 'عبد', 'ال', 'ابو');
    const word = fc.oneof(
      fc.string({ unit: fc.constantFrom(...INTERESTING), minLength: 1, maxLength: 12 }),
      fc
        .tuple(particles, fc.string({ unit: fc.constantFrom(...'abdeilmnorstuhlال'), maxLength: 8 }))
        .map(([p, rest]) => p + rest),
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
        const name = words.join(' ');
        const stored = nameSearchKeys(name);
        for (const token of nameTokens(name)) {
          const keys = wordSearchKeys(token);
          assert.ok(
            keys.exact.every((k) => stored.exact.includes(k)),
            `${name}: ${token}`,
          );
          assert.ok(
            keys.skeleton.every((k) => stored.skeleton.includes(k)),
            `${name}: ${token}`,
          );
        }
      }),
      RUNS,
    );
    for (const name of ['Abdullahi Farah', 'Maryan Abdullahi', 'Abdulkadir', 'Abdessalam', 'Aboubakar'])
      assert.deepEqual(
        nameTokens(name).flatMap((t) => wordSearchKeys(t).exact),
        nameSearchKeys(name).exact,
      );
  });

  test('normalisers never return strings with whitespace at the ends, and refuse only with HavenError', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        assert.ok(trimmed(foldText(text)));
        for (const normalise of [normaliseDate, normalisePhone, normaliseDocumentNumber]) {
          const result = resultOrRefusal(normalise, text);
          if (result !== undefined) assert.ok(trimmed(result) && result !== '');
        }
      }),
      RUNS,
    );
  });

  test('phone and document numbers are idempotent once accepted', () => {
    const phoneLike = fc.string({ unit: fc.constantFrom(...'+0123456789 -.()٠١٢٣۴۵۶'), maxLength: 24 });
    fc.assert(
      fc.property(phoneLike, anyText, (phone, document) => {
        const normalisedPhone = resultOrRefusal(normalisePhone, phone);
        if (normalisedPhone !== undefined) assert.equal(normalisePhone(normalisedPhone), normalisedPhone);
        const normalisedDocument = resultOrRefusal(normaliseDocumentNumber, document);
        if (normalisedDocument !== undefined) {
          assert.equal(normaliseDocumentNumber(normalisedDocument), normalisedDocument);
        }
      }),
      RUNS,
    );
  });

  test('every calendar date round-trips, also written in Arabic-Indic digits', () => {
    const arabicIndic = (text: string) =>
      text.replace(/\d/gu, (digit) => String.fromCodePoint(0x0660 + Number(digit)));
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString().slice(0, 10);
          assert.equal(normaliseDate(iso), iso);
          assert.equal(normaliseDate(arabicIndic(iso)), iso);
          assert.equal(normaliseDate(iso.slice(0, 7)), iso.slice(0, 7));
        },
      ),
      RUNS,
    );
  });
});
