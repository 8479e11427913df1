import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkCapture,
  checkScalar,
  type DictionaryProblem,
  formatRetentionRule,
  isCalendarDate,
  parseDictionary,
  parseRetentionRule,
  RETENTION_EVENTS,
  RETENTION_UNITS,
} from '../../src/domain/dictionary/index.ts';
import { HavenError } from '../../src/domain/errors.ts';
import { shipped, shippedText } from './dictionary-fixtures.ts';

/** The day the checks are made on: fixed, so date ranges (not after today) give the same answer every day. */
const TODAY = '2026-06-15';

const fieldNames = shipped.fields.map((field) => field.name);
const purposeNames = [...shipped.purposes.map((purpose) => purpose.name), 'no-such-purpose', '', '__proto__'];
const anyJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });
// Mostly real field names, so that values reach the type checks, and some arbitrary keys.
const keys = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...fieldNames) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const captures = fc.record({
  purpose: fc.constantFrom(...purposeNames),
  values: fc.dictionary(keys, anyJson, { maxKeys: 12 }),
  requireAll: fc.boolean(),
});

/** Every string leaf wrapped in markers that no message of Haven contains. */
function marked(value: unknown): unknown {
  if (typeof value === 'string') return `\u27e6${value}\u27e7`;
  if (Array.isArray(value)) return value.map(marked);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, marked(inner)]));
  }
  return value;
}

function errorText(error: HavenError): string {
  return JSON.stringify({ message: error.message, reason: error.reason, fields: error.fields });
}

describe('data dictionary properties', () => {
  test('checkCapture either accepts or throws a HavenError, for any JSON values', () => {
    fc.assert(
      fc.property(captures, ({ purpose, values, requireAll }) => {
        try {
          checkCapture(shipped, purpose, values, { requireAll, today: TODAY });
        } catch (error) {
          assert.ok(error instanceof HavenError, String(error));
          assert.equal(error.code, 'capture-refused');
        }
      }),
      { numRuns: 500 },
    );
  });

  test('checkCapture never echoes a submitted string in its refusal', () => {
    fc.assert(
      fc.property(captures, ({ purpose, values, requireAll }) => {
        try {
          checkCapture(shipped, purpose, marked(values) as Record<string, unknown>, {
            requireAll,
            today: TODAY,
          });
        } catch (error) {
          assert.ok(error instanceof HavenError);
          const text = errorText(error);
          assert.ok(!text.includes('\u27e6') && !text.includes('\u27e7'), text);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('accepted values come back in the group of their field, and checking them again changes nothing', () => {
    fc.assert(
      fc.property(captures, ({ purpose, values }) => {
        let result: ReturnType<typeof checkCapture>;
        try {
          result = checkCapture(shipped, purpose, values, { requireAll: false, today: TODAY });
        } catch {
          return;
        }
        const flat: Record<string, unknown> = {};
        for (const [group, fields] of Object.entries(result.groups)) {
          for (const [name, value] of Object.entries(fields)) {
            assert.equal(shipped.groupOf(name)?.name, group);
            flat[name] = value;
          }
        }
        assert.deepEqual(
          checkCapture(shipped, purpose, flat, { requireAll: false, today: TODAY }).groups,
          result.groups,
        );
      }),
      { numRuns: 300 },
    );
  });

  test('parseDictionary throws only HavenError, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        try {
          parseDictionary(text, 'random.yaml');
        } catch (error) {
          assert.ok(error instanceof HavenError, String(error));
          assert.equal(error.code, 'dictionary-invalid');
        }
      }),
    );
  });

  test('removing any line of the shipped dictionary gives a dictionary or problems on real lines', () => {
    const lines = shippedText.split('\n');
    fc.assert(
      fc.property(fc.nat({ max: lines.length - 1 }), (removed) => {
        const text = lines.filter((_, index) => index !== removed).join('\n');
        try {
          parseDictionary(text, 'edited.yaml');
        } catch (error) {
          assert.ok(error instanceof HavenError, String(error));
          const problems = (error.fields ?? []) as DictionaryProblem[];
          assert.ok(problems.length > 0);
          for (const found of problems) {
            assert.ok(found.line >= 1 && found.line <= lines.length, found.message);
            assert.ok(found.message.startsWith(`edited.yaml line ${found.line}`), found.message);
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  test('a retention rule reads back from its canonical text', () => {
    const rules = fc.record({
      event: fc.constantFrom(...RETENTION_EVENTS),
      amount: fc.integer({ min: 0, max: 999 }),
      unit: fc.constantFrom(...RETENTION_UNITS),
    });
    fc.assert(
      fc.property(rules, (rule) => {
        assert.deepEqual(parseRetentionRule(formatRetentionRule(rule)), { ...rule });
      }),
    );
  });

  test('a date is valid exactly when the calendar has it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const date = new Date(Date.UTC(year, month - 1, day));
          const exists = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
          assert.equal(isCalendarDate(text), exists, text);
        },
      ),
    );
  });

  test('a normalised phone number is accepted again unchanged', () => {
    const phones = fc
      .tuple(
        fc.integer({ min: 1, max: 9 }),
        fc.stringMatching(/^[0-9]{5,14}$/),
        fc.constantFrom(' ', '-', '.', ''),
      )
      .map(([first, rest, separator]) => `+${first}${rest.replace(/(\d{3})/g, `$1${separator}`)}`);
    fc.assert(
      fc.property(phones, (phone) => {
        const once = checkScalar({ type: 'phone' }, phone, { today: TODAY });
        assert.ok(once.ok, phone);
        const twice = checkScalar({ type: 'phone' }, once.value, { today: TODAY });
        assert.deepEqual(twice, once);
      }),
    );
  });
});

describe('retention rules (RET-1)', () => {
  test('read events, amounts and units, singular or plural', () => {
    assert.deepEqual(parseRetentionRule('case-closed + 5 years'), {
      event: 'case-closed',
      amount: 5,
      unit: 'years',
    });
    assert.deepEqual(parseRetentionRule('claim-decided+1 month'), {
      event: 'claim-decided',
      amount: 1,
      unit: 'months',
    });
    assert.deepEqual(parseRetentionRule(' until-erasure '), { event: 'until-erasure' });
  });

  test('refuse anything else with retention-invalid', () => {
    for (const rule of [
      '',
      'forever',
      'case-closed + 5',
      'case-closed - 5 years',
      'closed + 5 years',
      '5 years',
    ]) {
      const error = (() => {
        try {
          parseRetentionRule(rule);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      assert.ok(error instanceof HavenError, rule);
      assert.equal(error.code, 'retention-invalid');
    }
  });
});
