import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  normaliseDate,
  normaliseDocumentNumber,
  normalisePhone,
} from '../../src/crypto/blind-index/normalise.ts';
import { HavenError } from '../../src/domain/errors.ts';

function assertRefused(normalise: (value: string) => string, value: string, code: string): void {
  assert.throws(
    () => normalise(value),
    (error: unknown) => {
      assert.ok(error instanceof HavenError, JSON.stringify(value));
      assert.equal(error.code, code, JSON.stringify(value));
      assert.equal(error.status, 422);
      if (value.trim().length > 2)
        assert.ok(!error.message.includes(value.trim()), 'no value in the message');
      return true;
    },
  );
}

describe('normaliseDate (ENC-3)', () => {
  test('gives full and estimated dates in canonical ISO form', () => {
    const rows = [
      ['1990-04-23', '1990-04-23'],
      ['1990-04', '1990-04'],
      ['1990', '1990'],
      ['1990-4-3', '1990-04-03'],
      [' 1990-04-23 ', '1990-04-23'],
      ['١٩٩٠-٠٤-٢٣', '1990-04-23'],
      ['۱۹۸۵-۱۱', '1985-11'],
      ['\u200F١٩٩٠\u200F-٠٤', '1990-04'],
      ['1990–04–23', '1990-04-23'],
      ['２０２４-０２-２９', '2024-02-29'],
      ['2000-02-29', '2000-02-29'],
    ] as const;
    for (const [input, expected] of rows) assert.equal(normaliseDate(input), expected, input);
  });

  test('refuses dates that do not exist or are not in year-month-day order', () => {
    for (const value of [
      '1990-02-30',
      '2023-02-29',
      '1900-02-29',
      '1990-13',
      '1990-00',
      '1990-04-00',
      '1990-04-31',
      '0000',
      '90-04-23',
      '23/04/1990',
      '23.04.1990',
      '1990-04-23T00:00',
      '1990-',
      '',
      'unknown',
    ]) {
      assertRefused(normaliseDate, value, 'date-invalid');
    }
  });
});

describe('normalisePhone (ENC-3)', () => {
  test('keeps digits, and a + for international numbers', () => {
    const rows = [
      ['+41 79 123 45 67', '+41791234567'],
      ['0041 (79) 123-45.67', '+41791234567'],
      ['+44 (0)20 7946 0958', '+442079460958'],
      ['+963 933/123 456', '+963933123456'],
      ['+٩٦٣ ٩٣٣ ١٢٣ ٤٥٦', '+963933123456'],
      ['۰۹۱۲ ۳۴۵ ۶۷۸۹', '09123456789'],
      ['079 123 45 67', '0791234567'],
      ['\u202A+380 50 123 4567\u202C', '+380501234567'],
      ['123456', '123456'],
    ] as const;
    for (const [input, expected] of rows) assert.equal(normalisePhone(input), expected, input);
  });

  test('keeps the national and the international form of one number apart (no country rules)', () => {
    assert.notEqual(normalisePhone('079 123 45 67'), normalisePhone('+41 79 123 45 67'));
  });

  test('refuses too few or too many digits, letters and misplaced plus signs', () => {
    for (const value of [
      '12345',
      '+1234567890123456',
      '1234567890123456',
      '+0041 79 123 45 67',
      '+41 79 123 45 67 ext 3',
      'call 0791234567',
      '079+1234567',
      '++41791234567',
      '',
      '+',
    ]) {
      assertRefused(normalisePhone, value, 'phone-invalid');
    }
  });
});

describe('normaliseDocumentNumber (ENC-3)', () => {
  test('gives upper-case ASCII letters and digits', () => {
    const rows = [
      ['p 123-456/78.9', 'P123456789'],
      ['ab١٢٣٤٥٦', 'AB123456'],
      ['ｘｙ۱۲۳۴', 'XY1234'],
      ['é12', 'E12'],
      ['КВ 123456', 'KB123456'],
      ['C01X00T47', 'C01X00T47'],
    ] as const;
    for (const [input, expected] of rows) assert.equal(normaliseDocumentNumber(input), expected, input);
  });

  test('refuses empty, overlong and non-Latin numbers', () => {
    for (const value of ['', ' - / . ', 'A'.repeat(41), 'Ю123456', 'ج١٢٣']) {
      assertRefused(normaliseDocumentNumber, value, 'document-number-invalid');
    }
    assert.equal(normaliseDocumentNumber('A'.repeat(40)), 'A'.repeat(40));
  });
});
