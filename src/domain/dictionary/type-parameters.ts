/**
 * The parameters of the scalar types that bound their values (issue 13): an integer's `min` and `max`, a
 * date's `min` and `max` (a date or `today`), and the extra codes a country or language field accepts
 * besides its standard list.
 */
import type { Node } from 'yaml';
import { isScalar, isSeq } from 'yaml';
import { isUserAssignedCountryCode } from './countries.ts';
import { DEFAULT_EARLIEST, DEFAULT_LATEST, isDateBound, TODAY } from './dates.ts';
import { isLanguageCodeForm } from './languages.ts';
import type { TypeSpec } from './types.ts';
import { at, type Entry, type Reader, readInteger, readString, report } from './yaml-reader.ts';

export function readRange(reader: Reader, byKey: Map<string, Entry>): TypeSpec | undefined {
  const bounds = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, code: 'range-invalid' };
  const minEntry = byKey.get('min');
  const maxEntry = byKey.get('max');
  const min = minEntry === undefined ? bounds.min : readInteger(reader, minEntry, bounds);
  const max = maxEntry === undefined ? bounds.max : readInteger(reader, maxEntry, bounds);
  if (min === undefined || max === undefined) return undefined;
  if (min > max) return belowMin(reader, maxEntry);
  return { type: 'integer', min, max };
}

/** `min: 1900-01-01`, `max: today`; unwritten, 1900-01-01 and today: a date about a person is in the past. */
export function readDateRange(
  reader: Reader,
  type: 'date' | 'partial-date',
  byKey: Map<string, Entry>,
): TypeSpec | undefined {
  const minEntry = byKey.get('min');
  const maxEntry = byKey.get('max');
  const min = minEntry === undefined ? DEFAULT_EARLIEST : readDateBound(reader, minEntry);
  const max = maxEntry === undefined ? DEFAULT_LATEST : readDateBound(reader, maxEntry);
  if (min === undefined || max === undefined) return undefined;
  // Bounds compare as text (YYYY-MM-DD); one that is `today` moves, so only fixed bounds can be compared here.
  if (min !== TODAY && max !== TODAY && min > max) return belowMin(reader, maxEntry);
  return { type, min, max };
}

function readDateBound(reader: Reader, entry: Entry): string | undefined {
  const value = readString(reader, entry);
  if (value === undefined) return undefined;
  if (isDateBound(value)) return value;
  report(reader, at(entry), entry.path, 'date-bound-invalid', 'must be a date written YYYY-MM-DD, or today');
  return undefined;
}

function belowMin(reader: Reader, maxEntry: Entry | undefined): undefined {
  report(
    reader,
    maxEntry === undefined ? null : at(maxEntry),
    maxEntry?.path ?? '',
    'range-invalid',
    'max is below min',
  );
  return undefined;
}

export function readCountry(reader: Reader, entry: Entry | undefined): TypeSpec | undefined {
  const extraCodes = readCodes(reader, entry, {
    example: 'XXA',
    accepts: isUserAssignedCountryCode,
    code: 'country-code-invalid',
    message:
      'must be a user-assigned alpha-3 code (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ); ISO codes are always accepted',
  });
  return extraCodes === undefined ? undefined : { type: 'country', extraCodes };
}

/** Extra language codes: local use (qaa–qtz) or a code newer than the ISO 639-3 table Haven ships. */
export function readLanguage(reader: Reader, entry: Entry | undefined): TypeSpec | undefined {
  const extraCodes = readCodes(reader, entry, {
    example: 'qaa',
    accepts: isLanguageCodeForm,
    code: 'language-code-invalid',
    message: 'must be three lower-case letters; ISO 639-3 codes are always accepted',
  });
  return extraCodes === undefined ? undefined : { type: 'language', extraCodes };
}

function readCodes(
  reader: Reader,
  entry: Entry | undefined,
  rule: { example: string; accepts: (code: string) => boolean; code: string; message: string },
): string[] | undefined {
  if (entry === undefined) return [];
  if (!isSeq(entry.value)) {
    report(
      reader,
      at(entry),
      entry.path,
      'value-wrong-kind',
      `must be a list of codes, e.g. [${rule.example}]`,
    );
    return undefined;
  }
  const codes: string[] = [];
  let valid = true;
  entry.value.items.forEach((item, index) => {
    const node = item as Node;
    const code = isScalar(node) ? node.value : undefined;
    if (typeof code !== 'string' || !rule.accepts(code)) {
      report(reader, node, `${entry.path}[${index}]`, rule.code, rule.message);
      valid = false;
    } else if (!codes.includes(code)) {
      codes.push(code);
    }
  });
  return valid ? codes : undefined;
}
