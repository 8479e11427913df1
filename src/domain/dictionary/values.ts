/**
 * Checks and normalises one scalar value against its type (MIN-1). Problems say what is wrong in words
 * that never include the value (ENC-1: no personal value in error messages).
 *
 * Normalisation, so that the same value always gives the same blind index (ENC-3):
 * - text-like values are Unicode NFC, trimmed; `text` keeps line breaks (as \n) and tabs, single-line types
 *   refuse both; lengths count code points, not UTF-16 units, so a name in any script gets the same room;
 * - countries are upper case, languages lower case, UUIDs lower case, phones lose spaces, dashes, dots and
 *   brackets.
 * Plausibility (issue 13): dates within their field's range (by default 1900 to today), integers within theirs,
 * countries in ISO 3166-1 and languages in ISO 639-3 (plus the field's extra codes), and no direction control
 * in a name, which could make it display as another name to staff. ZWJ and ZWNJ stay: Persian, Arabic and
 * Indic scripts spell names with them.
 */

import { textFault } from '../text.ts';
import { isAssignedCountryCode } from './countries.ts';
import { dateOutOfRange, isCalendarDate, isPartialDate } from './dates.ts';
import { isIso6393Code } from './languages.ts';
import type { DateSpec, ScalarSpec } from './types.ts';

export type ScalarValue = string | number | boolean;

export type ValueProblemCode =
  | 'value-invalid-type'
  | 'value-too-long'
  | 'value-not-single-line'
  | 'value-invalid-characters'
  | 'value-not-allowed'
  | 'value-out-of-range'
  | 'date-invalid'
  | 'date-out-of-range'
  | 'country-invalid'
  | 'language-invalid'
  | 'phone-invalid'
  | 'person-ref-invalid';

export type ValueCheck =
  | { readonly ok: true; readonly value: ScalarValue }
  | { readonly ok: false; readonly code: ValueProblemCode; readonly detail: string };

const ok = (value: ScalarValue): ValueCheck => ({ ok: true, value });
const problem = (code: ValueProblemCode, detail: string): ValueCheck => ({ ok: false, code, detail });

/** What the check of a value needs to know of the moment: the calendar date (YYYY-MM-DD) it is made on. */
export interface ValueContext {
  readonly today: string;
}

const LINE_BREAK = /[\n\u2028\u2029]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Bidi_Control: LRM, RLM, ALM, the embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
const DIRECTION_CONTROL = /\p{Bidi_Control}/u;
// E.164: a + then 6 to 15 digits, the country code never starting with 0.
const E164 = /^\+[1-9][0-9]{5,14}$/;

export function checkScalar(spec: ScalarSpec, raw: unknown, context: ValueContext): ValueCheck {
  switch (spec.type) {
    case 'string':
    case 'name':
    case 'text':
      return checkText(spec.type, spec.maxLength, raw);
    case 'date':
    case 'partial-date':
      return checkDate(spec, raw, context.today);
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
      return isIso6393Code(code) || spec.extraCodes.includes(code)
        ? ok(code)
        : problem('language-invalid', 'must be an ISO 639-3 language code such as ara, prs or pus');
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
  const fault = textFault(value, type === 'text');
  if (fault === 'control-character') {
    return problem('value-invalid-characters', 'contains control characters');
  }
  if (fault === 'non-character')
    return problem('value-invalid-characters', 'contains Unicode non-characters');
  if (type === 'name' && DIRECTION_CONTROL.test(value)) {
    return problem(
      'value-invalid-characters',
      'contains a text-direction control character, which can make a name display as another',
    );
  }
  const length = [...value].length;
  return length > maxLength
    ? problem('value-too-long', `must be at most ${maxLength} characters`)
    : ok(value);
}

function checkDate(spec: DateSpec, raw: unknown, today: string): ValueCheck {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !(spec.type === 'date' ? isCalendarDate(text) : isPartialDate(text))) {
    return problem(
      'date-invalid',
      spec.type === 'date'
        ? 'must be a real calendar date written YYYY-MM-DD'
        : 'must be a real date written YYYY, YYYY-MM or YYYY-MM-DD',
    );
  }
  const outside = dateOutOfRange(text, spec, today);
  return outside === undefined ? ok(text) : problem('date-out-of-range', outside);
}
