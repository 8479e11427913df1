/**
 * Calendar days (YYYY-MM-DD) for legal clocks: a month is a calendar month and a month end is kept (31 January +
 * 1 month = 28 or 29 February), as deadlines in law are counted (GDPR 12(3), the EU whistle-blower directive).
 */

/** Adds days or calendar months to a day. */
export function addToDay(dayText: string, amount: { days?: number; months?: number }): string {
  const [y, m, d] = dayText.split('-').map(Number) as [number, number, number];
  if (amount.months) {
    const target = new Date(Date.UTC(y, m - 1 + amount.months, 1));
    const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d, last));
    return target.toISOString().slice(0, 10);
  }
  return new Date(Date.UTC(y, m - 1, d + (amount.days ?? 0))).toISOString().slice(0, 10);
}

/** The calendar day of an instant in UTC. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
