/**
 * Canonical forms of dates, phone numbers and document numbers for blind indexes (ENC-3). Each either returns
 * the one string that is tokenised or refuses the value with a HavenError; refusals never echo the value.
 */

import { HavenError } from '../../domain/errors.ts';
import { foldDigits, foldText } from './fold.ts';

// Bidi marks and other invisible characters arrive with values typed or pasted in right-to-left text.
const INVISIBLE = /[\p{Cf}\p{Cs}]/gu;

/** NFKC (full-width digits), Arabic-Indic and Persian digits as ASCII, invisible characters removed. */
function plainDigits(value: string): string {
  return foldDigits(value.normalize('NFKC').replace(INVISIBLE, '')).trim();
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (proleptic Gregorian, UTC). setUTCFullYear, unlike
  // Date.UTC, does not read years 0–99 as 1900–1999.
  const probe = new Date(0);
  probe.setUTCFullYear(year, month, 0);
  return probe.getUTCDate();
}

/**
 * A full or estimated date as `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (Gregorian). Dashes of any kind separate
 * the parts; month and day may have one digit. Dates from other calendars (Solar Hijri on Afghan and Iranian
 * documents, Hijri) must be converted by the caller: 1370-05-12 is taken as a Gregorian date.
 */
export function normaliseDate(value: string): string {
  const text = plainDigits(value).replace(/\p{Pd}/gu, '-');
  const parts = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/u.exec(text);
  const invalid = () =>
    new HavenError(
      'date-invalid',
      'Enter an existing date as year-month-day (YYYY-MM-DD), year-month (YYYY-MM) or year (YYYY).',
      {
        status: 422,
      },
    );
  if (parts === null) throw invalid();
  const year = Number(parts[1]);
  if (year === 0) throw invalid();
  if (parts[2] === undefined) return parts[1]!;
  const month = Number(parts[2]);
  if (month < 1 || month > 12) throw invalid();
  const yearMonth = `${parts[1]}-${String(month).padStart(2, '0')}`;
  if (parts[3] === undefined) return yearMonth;
  const day = Number(parts[3]);
  if (day < 1 || day > daysInMonth(year, month)) throw invalid();
  return `${yearMonth}-${String(day).padStart(2, '0')}`;
}

/**
 * A phone number as its digits, with a leading + when international (+ or 00 prefix). Spaces, dashes, dots,
 * slashes and parentheses are dropped; "(0)" after an international prefix is the national trunk prefix and is
 * dropped too. No country rules: 0791 234567 and +41 791 234567 are different keys, so callers that know the
 * country should store the international form.
 */
export function normalisePhone(value: string): string {
  let text = plainDigits(value).replace(/[\s\p{Pd}./]/gu, '');
  let international = text.startsWith('+') || text.startsWith('00');
  if (international) text = text.replace(/^(?:\+|00)/u, '').replace('(0)', '');
  let digits = text.replace(/[()]/gu, '');
  // "0(0)…" is still the 00 prefix once the parentheses are gone; decide so that the result is stable.
  if (!international && digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  // Made only when needed: an error captures a stack, which costs more than the checks (B1).
  const invalid = () =>
    new HavenError(
      'phone-invalid',
      'Enter a phone number of 6 to 15 digits, starting with + or 00 for an international number.',
      { status: 422 },
    );
  if (!/^\d{6,15}$/u.test(digits)) throw invalid();
  // Country codes never begin with 0 (ITU-T E.164), so +0… is a typing error.
  if (international && digits.startsWith('0')) throw invalid();
  return international ? `+${digits}` : digits;
}

// Cyrillic letters that look like Latin ones, typed on a Cyrillic keyboard layout for a Latin document number.
const CYRILLIC_LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
};

/**
 * A document number as upper-case ASCII letters and digits: folded (case, diacritics, Arabic digits), with
 * spaces, dashes, slashes and dots removed and Cyrillic look-alike letters read as Latin. Letters with no
 * Latin form are refused, not guessed. At most 40 characters.
 */
export function normaliseDocumentNumber(value: string): string {
  const folded = foldText(value)
    .replace(/ /gu, '')
    .replace(/[авекмнорстухіјѕ]/gu, (letter) => CYRILLIC_LOOKALIKES[letter]!)
    .toUpperCase();
  if (folded === '' || folded.length > 40 || !/^[A-Z0-9]+$/u.test(folded)) {
    throw new HavenError(
      'document-number-invalid',
      'Enter the document number as printed: 1 to 40 Latin letters and digits.',
      { status: 422 },
    );
  }
  return folded;
}
