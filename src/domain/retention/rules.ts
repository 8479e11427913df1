/**
 * Case states and retention rules (RET-1). A person's case moves through states (open, closed, claim rejected,
 * resettled, returned, deceased); each state sets the dated events that retention rules count from
 * (case-closed, claim-decided). The rules themselves are the dictionary's, per field: grouped here by field group
 * and rule, the unit the sweep erases (a field group is one ciphertext). Pure: no I/O.
 */
import { formatRetentionRule, type RetentionRule } from '../dictionary/retention.ts';
import type { Category, Dictionary } from '../dictionary/types.ts';
import { HavenError } from '../errors.ts';

/** The events a case state can set; the other rule events (registration, last contact, consent) come from elsewhere. */
export const CASE_EVENTS = ['case-closed', 'claim-decided'] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export interface CaseState {
  readonly name: string;
  readonly label: string;
  /** Events entering this state sets. A state that does not set case-closed reopens the case. */
  readonly sets: readonly CaseEvent[];
}

/**
 * The default lifecycle. A rejected claim closes the case too: "biometric templates: 30 days after the case is
 * closed or the claim rejected" is then one rule, `case-closed + 30 days`.
 */
export const DEFAULT_CASE_STATES: readonly CaseState[] = Object.freeze([
  { name: 'open', label: 'Open', sets: [] },
  { name: 'closed', label: 'Closed', sets: ['case-closed'] },
  { name: 'claim-rejected', label: 'Claim rejected', sets: ['claim-decided', 'case-closed'] },
  { name: 'resettled', label: 'Resettled', sets: ['case-closed'] },
  { name: 'returned', label: 'Returned', sets: ['case-closed'] },
  { name: 'deceased', label: 'Deceased', sets: ['case-closed'] },
]);

/** Every person starts here (registration opens the case); a person with no recorded transition is in it. */
export const INITIAL_CASE_STATE = 'open';

/** Reasons a transition may give, as codes (the ledger keeps codes, never words). */
export const TRANSITION_REASONS = [
  'decision-received',
  'person-left',
  'person-asked',
  'no-contact',
  'reopened',
  'correction',
  'other',
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

/** The dated events of a case, as the state history has set them. */
export interface CaseEvents {
  readonly caseClosedOn: string | null;
  readonly claimDecidedOn: string | null;
}

export const NO_CASE_EVENTS: CaseEvents = Object.freeze({ caseClosedOn: null, claimDecidedOn: null });

export function caseStateOf(states: readonly CaseState[], name: string): CaseState | undefined {
  return states.find((s) => s.name === name);
}

/**
 * The events after entering `to` on day `on`. A closure keeps its first day while the case stays closed (closed →
 * deceased does not restart the clock); reopening clears it. A claim decision stays made; a new one dates it anew.
 */
export function applyTransition(events: CaseEvents, to: CaseState, on: string): CaseEvents {
  const closes = to.sets.includes('case-closed');
  return {
    caseClosedOn: closes ? (events.caseClosedOn ?? on) : null,
    claimDecidedOn: to.sets.includes('claim-decided') ? on : events.claimDecidedOn,
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const isDay = (day: unknown): day is string =>
  typeof day === 'string' &&
  DAY.test(day) &&
  !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
  new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;

export interface TransitionInput {
  state: string;
  reason: TransitionReason | null;
  on: string;
}

/**
 * Checks a requested transition: a known state other than the current one, a listed reason, a day not in the
 * future and not before the current state began (the history stays in order).
 */
export function checkTransition(
  states: readonly CaseState[],
  current: { state: string; sinceOn: string },
  input: { state?: unknown; reason?: unknown; on?: unknown },
  today: string,
): TransitionInput {
  const target = typeof input.state === 'string' ? caseStateOf(states, input.state) : undefined;
  if (!target) {
    throw new HavenError(
      'case-state-invalid',
      `The case state: one of ${states.map((s) => s.name).join(', ')}.`,
      { status: 422 },
    );
  }
  if (target.name === current.state) {
    throw new HavenError('case-state-unchanged', `The case is already ${target.name}.`, { status: 409 });
  }
  let reason: TransitionReason | null = null;
  if (input.reason !== undefined && input.reason !== null) {
    if (
      typeof input.reason !== 'string' ||
      !(TRANSITION_REASONS as readonly string[]).includes(input.reason)
    ) {
      throw new HavenError(
        'case-state-reason-invalid',
        `The reason: one of ${TRANSITION_REASONS.join(', ')}.`,
        {
          status: 422,
        },
      );
    }
    reason = input.reason as TransitionReason;
  }
  const on = input.on ?? today;
  if (!isDay(on) || on > today || on < current.sinceOn) {
    throw new HavenError(
      'case-state-day-invalid',
      `The day of the change is a day (YYYY-MM-DD) from ${current.sinceOn} to today.`,
      { status: 422 },
    );
  }
  return { state: target.name, reason, on };
}

/**
 * Everything of a person goes when nobody has been in contact for this long, whatever the field rules say
 * ("everything: 10 years after last contact"): a case never closed is not kept forever.
 */
export const PERSON_RULE: RetentionRule = Object.freeze({
  event: 'last-contact',
  amount: 10,
  unit: 'years',
});

/** A retention class: the fields of one field group under one rule — what falls due together. */
export interface RetentionClass {
  readonly group: string;
  readonly rule: RetentionRule;
  /** `formatRetentionRule(rule)`, also the class's key within its group. */
  readonly ruleText: string;
  readonly fields: readonly string[];
  readonly categories: readonly Category[];
}

export interface RetentionRules {
  readonly classes: readonly RetentionClass[];
  /** The backstop over everything (PERSON_RULE unless given). */
  readonly person: RetentionRule;
}

/** The dictionary's per-field rules as retention classes, in group then rule order. */
export function retentionRules(dictionary: Dictionary, person: RetentionRule = PERSON_RULE): RetentionRules {
  const classes = new Map<
    string,
    { group: string; rule: RetentionRule; fields: string[]; cats: Set<Category> }
  >();
  for (const field of dictionary.fields) {
    const ruleText = formatRetentionRule(field.retention);
    const key = `${field.group}\u0000${ruleText}`;
    const entry = classes.get(key) ?? {
      group: field.group,
      rule: field.retention,
      fields: [],
      cats: new Set<Category>(),
    };
    entry.fields.push(field.name);
    entry.cats.add(field.category);
    classes.set(key, entry);
  }
  return {
    person,
    classes: [...classes.values()]
      .map((c) => ({
        group: c.group,
        rule: c.rule,
        ruleText: formatRetentionRule(c.rule),
        fields: c.fields.sort(),
        categories: [...c.cats].sort(),
      }))
      .sort((x, y) =>
        x.group === y.group ? (x.ruleText < y.ruleText ? -1 : 1) : x.group < y.group ? -1 : 1,
      ),
  };
}
