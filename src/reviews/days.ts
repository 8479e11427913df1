import { dayOf } from '../domain/calendar.ts';

/**
 * A real calendar day written YYYY-MM-DD: 2027-02-30 or 9999-99-99 is not (and never reaches Date's RangeError).
 * Review dates and training dates are days, compared as text once they are known to be real.
 */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && dayOf(at) === value;
}
