/**
 * Calendar dates and their plausible ranges (issue 13). A date field's range is `min` and `max`, each a date
 * or `today`; "today" comes in as a parameter, never from a clock (domain code has no I/O).
 */

/** A bound of a date range: a calendar date (YYYY-MM-DD) or the day of the check. */
export type DateBound = string;
export const TODAY = 'today';
/** Before 1900 a birth or arrival date is a typing slip, not a person. */
export const DEFAULT_EARLIEST = '1900-01-01';
/** Most dates about a person are of what has happened (birth, arrival); a field for later dates says so. */
export const DEFAULT_LATEST = TODAY;

/**
 * The latest calendar date anywhere on Earth at `now` (UTC+14), so no office's own today is refused as
 * "after today" because the server's clock is in another time zone.
 */
export function todayAnywhere(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
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

/** A bound as written in a dictionary: `today` or a calendar date. */
export function isDateBound(text: string): boolean {
  return text === TODAY || isCalendarDate(text);
}

/**
 * Why a (partial) date is outside [min, max], in words without the value, or undefined when inside. A partial
 * date is outside only when every day it may stand for is: 1990 is after 1990-06-01 only in part.
 */
export function dateOutOfRange(
  text: string,
  range: { readonly min: DateBound; readonly max: DateBound },
  today: string,
): string | undefined {
  const [first, last] = span(text);
  const min = range.min === TODAY ? today : range.min;
  const max = range.max === TODAY ? today : range.max;
  if (last < min) return `must not be before ${range.min === TODAY ? 'today' : range.min}`;
  if (first > max) return `must not be after ${range.max === TODAY ? 'today' : range.max}`;
  return undefined;
}

/** The first and last day a YYYY, YYYY-MM or YYYY-MM-DD date may stand for. */
function span(text: string): [string, string] {
  if (text.length === 4) return [`${text}-01-01`, `${text}-12-31`];
  if (text.length === 7) {
    const last = daysInMonth(Number(text.slice(0, 4)), Number(text.slice(5, 7)));
    return [`${text}-01`, `${text}-${String(last).padStart(2, '0')}`];
  }
  return [text, text];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
