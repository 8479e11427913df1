/**
 * Checks and normalises one scalar value against its type (MIN-1). Problems say what is wrong in words
 * that never include the value (ENC-1: no personal value in error messages).
 *
 * Normalisation, so that the same value always gives the same blind index (ENC-3):
 * - text-like values are Unicode NFC, trimmed; `text` keeps line breaks (as \n), single-line types refuse them;
 *   lengths count code points, not UTF-16 units, so a name in any script gets the same room;
 * - countries are upper case, languages lower case, UUIDs lower case, phones lose spaces, dashes, dots and
 *   brackets.
 * Languages are ISO 639-3 codes (three lower-case letters): one code per language, including the minority
 * languages that displaced people speak and ISO 639-1 lacks (e.g. rhg Rohingya, prs Dari, kmr Kurmanji). Only
 * the form is checked: the code table grows every year, and an offline device with an old table must not
 * refuse a person's language.
 */
import { isAssignedCountryCode } from './countries.ts';
import type { ScalarSpec } from './types.ts';

export type ScalarValue = string | number | boolean;

export type ValueProblemCode =
  | 'value-invalid-type'
  | 'value-too-long'
  | 'value-not-single-line'
  | 'value-invalid-characters'
  | 'value-not-allowed'
  | 'value-out-of-range'
  | 'date-invalid'
  | 'country-invalid'
  | 'language-invalid'
  | 'phone-invalid'
  | 'person-ref-invalid';

export type ValueCheck =
  | { readonly ok: true; readonly value: ScalarValue }
  | { readonly ok: false; readonly code: ValueProblemCode; readonly detail: string };

const ok = (value: ScalarValue): ValueCheck => ({ ok: true, value });
const problem = (code: ValueProblemCode, detail: string): ValueCheck => ({ ok: false, code, detail });

// Control characters (C0, DEL, C1) other than tab and newline: "Cc and not \t or \n".
const CONTROL = /[^\P{Cc}\t\n]/u;
const LINE_BREAK = /[\n\u2028\u2029]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// E.164: a + then 6 to 15 digits, the country code never starting with 0.
const E164 = /^\+[1-9][0-9]{5,14}$/;

export function checkScalar(spec: ScalarSpec, raw: unknown): ValueCheck {
  switch (spec.type) {
    case 'string':
    case 'name':
    case 'text':
      return checkText(spec.type, spec.maxLength, raw);
    case 'date':
      return typeof raw === 'string' && isCalendarDate(raw.trim())
        ? ok(raw.trim())
        : problem('date-invalid', 'must be a real calendar date written YYYY-MM-DD');
    case 'partial-date':
      return typeof raw === 'string' && isPartialDate(raw.trim())
        ? ok(raw.trim())
        : problem('date-invalid', 'must be a real date written YYYY, YYYY-MM or YYYY-MM-DD');
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) {
        return problem('value-invalid-type', 'must be a whole number');
      }
      return raw < spec.min || raw > spec.max
        ? problem('value-out-of-range', `must be from ${spec.min} to ${spec.max}`)
        : ok(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? ok(raw) : problem('value-invalid-type', 'must be true or false');
    case 'enum': {
      if (typeof raw !== 'string') return problem('value-invalid-type', 'must be one of the listed codes');
      const code = raw.trim();
      return spec.values.some((entry) => entry.value === code)
        ? ok(code)
        : problem(
            'value-not-allowed',
            `must be one of: ${spec.values.map((entry) => entry.value).join(', ')}`,
          );
    }
    case 'country': {
      if (typeof raw !== 'string') return problem('value-invalid-type', 'must be a country code');
      const code = raw.trim().toUpperCase();
      return isAssignedCountryCode(code) || spec.extraCodes.includes(code)
        ? ok(code)
        : problem('country-invalid', 'must be an ISO 3166-1 alpha-3 country code such as SYR or AFG');
    }
    case 'language': {
      if (typeof raw !== 'string') return problem('value-invalid-type', 'must be a language code');
      const code = raw.trim().toLowerCase();
      return /^[a-z]{3}$/.test(code)
        ? ok(code)
        : problem(
            'language-invalid',
            'must be an ISO 639-3 language code of three letters such as ara or prs',
          );
    }
    case 'phone': {
      if (typeof raw !== 'string') return problem('value-invalid-type', 'must be a phone number');
      const compact = raw.replace(/[\s\-.()]/gu, '');
      return E164.test(compact)
        ? ok(compact)
        : problem('phone-invalid', 'must be an international number: + then 6 to 15 digits (E.164)');
    }
    case 'person-ref': {
      if (typeof raw !== 'string') return problem('value-invalid-type', 'must be a person id');
      const id = raw.trim().toLowerCase();
      return UUID.test(id) ? ok(id) : problem('person-ref-invalid', 'must be the UUID of a person record');
    }
  }
}

function checkText(type: 'string' | 'name' | 'text', maxLength: number, raw: unknown): ValueCheck {
  if (typeof raw !== 'string') return problem('value-invalid-type', 'must be text');
  if (!raw.isWellFormed()) return problem('value-invalid-characters', 'contains broken characters');
  const value = raw.normalize('NFC').replace(/\r\n?/gu, '\n').trim();
  if (type !== 'text' && LINE_BREAK.test(value)) {
    return problem('value-not-single-line', 'must be a single line');
  }
  if (CONTROL.test(value)) return problem('value-invalid-characters', 'contains control characters');
  const length = [...value].length;
  return length > maxLength
    ? problem('value-too-long', `must be at most ${maxLength} characters`)
    : ok(value);
}

/** A date that exists in the proleptic Gregorian calendar (2023-02-30 does not). */
export function isCalendarDate(text: string): boolean {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** YYYY, YYYY-MM or YYYY-MM-DD: estimated birth dates often know only the year. */
export function isPartialDate(text: string): boolean {
  if (/^[0-9]{4}$/.test(text)) return true;
  const month = /^[0-9]{4}-([0-9]{2})$/.exec(text);
  if (month !== null) {
    const value = Number(month[1]);
    return value >= 1 && value <= 12;
  }
  return isCalendarDate(text);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
