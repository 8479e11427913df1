/**
 * When data falls due (RET-1): the day each retention class of a person may be erased, from the person's dated
 * events and the dictionary's rules. Pure and total: the sweep (RET-2) and the preview ask the same function,
 * so what the preview shows is what the sweep will do. Legal holds are not weighed here (the gate asks them).
 */
import { addToDay } from '../calendar.ts';
import { formatRetentionRule, type RetentionEvent, type RetentionRule } from '../dictionary/retention.ts';
import type { Category } from '../dictionary/types.ts';
import type { RetentionRules } from './rules.ts';

export interface PersonRetentionFacts {
  /** Day of registration (YYYY-MM-DD). */
  readonly registeredOn: string;
  /** Latest contact: registration, a change to the record, a case-state change (docs/retention.md). */
  readonly lastContactOn: string;
  readonly events: {
    readonly caseClosedOn?: string | undefined;
    readonly claimDecidedOn?: string | undefined;
    readonly consentWithdrawnOn?: string | undefined;
  };
}

/** The day of an event for this person, or undefined while it has not happened. */
export function eventDay(facts: PersonRetentionFacts, event: RetentionEvent): string | undefined {
  switch (event) {
    case 'registration':
      return facts.registeredOn;
    case 'last-contact':
      return facts.lastContactOn;
    case 'case-closed':
      return facts.events.caseClosedOn;
    case 'claim-decided':
      return facts.events.claimDecidedOn;
    case 'consent-withdrawn':
      return facts.events.consentWithdrawnOn;
  }
}

/** The first day data under `rule` may be erased; null while its event has not happened, or never (until-erasure). */
export function dueOn(rule: RetentionRule, facts: PersonRetentionFacts): string | null {
  if (rule.event === 'until-erasure') return null;
  const from = eventDay(facts, rule.event);
  if (from === undefined) return null;
  switch (rule.unit) {
    case 'days':
      return addToDay(from, { days: rule.amount });
    case 'months':
      return rule.amount === 0 ? from : addToDay(from, { months: rule.amount });
    case 'years':
      return rule.amount === 0 ? from : addToDay(from, { months: rule.amount * 12 });
  }
}

export interface DueItem {
  readonly group: string;
  readonly fields: readonly string[];
  readonly categories: readonly Category[];
  /** The rule that makes it due: the class's own, or the person-wide backstop when that comes first. */
  readonly rule: string;
  readonly by: 'class' | 'person';
  /** First day it may be erased; null: not due on any day known yet. */
  readonly dueOn: string | null;
}

const earlier = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a <= b ? a : b;

/**
 * Per retention class, the day it falls due: the earlier of its own rule and the person-wide rule. Both are
 * monotone in every event day, so a later event never makes data due earlier.
 */
export function dueDates(facts: PersonRetentionFacts, rules: RetentionRules): DueItem[] {
  const person = dueOn(rules.person, facts);
  const personText = formatRetentionRule(rules.person);
  return rules.classes.map((c) => {
    const own = c.rule.event === 'until-erasure' ? null : dueOn(c.rule, facts);
    const day = c.rule.event === 'until-erasure' ? null : earlier(own, person);
    const byPerson = day !== null && day !== own;
    return {
      group: c.group,
      fields: c.fields,
      categories: c.categories,
      rule: byPerson ? personText : c.ruleText,
      by: byPerson ? 'person' : 'class',
      dueOn: day,
    };
  });
}

/**
 * The latest event day from which data under `rule` is due on `today` (`dueOn ≤ today`); null for until-erasure.
 * `dueOn` is monotone in the event day, so the sweep (RET-2) compares each person's event day with this one day in
 * SQL instead of computing every person's due day: the same answer as `dueDates`, without a per-person scan.
 */
export function latestDueEventDay(rule: RetentionRule, today: string): string | null {
  if (rule.event === 'until-erasure') return null;
  const due = (day: string) =>
    dueOn(rule, {
      registeredOn: day,
      lastContactOn: day,
      events: { caseClosedOn: day, claimDecidedOn: day, consentWithdrawnOn: day },
    });
  const back =
    rule.unit === 'days'
      ? { days: -rule.amount }
      : { months: -(rule.unit === 'years' ? 12 : 1) * rule.amount };
  // An estimate a little late, then back a day at a time (month ends clamp, so at most a few steps).
  let day = addToDay(addToDay(today, back), { days: 4 });
  while ((due(day) ?? today) > today) day = addToDay(day, { days: -1 });
  return day;
}
