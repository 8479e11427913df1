/**
 * Retention rules (RET-1): `<event> + <n> <unit>` ("case-closed + 5 years") or `until-erasure`. The sweep
 * (RET-2) computes due dates from these; legal holds suspend them there, not here.
 */
import { HavenError } from '../errors.ts';

export const RETENTION_EVENTS = [
  'registration',
  'case-closed',
  'claim-decided',
  'consent-withdrawn',
  'last-contact',
] as const;
export type RetentionEvent = (typeof RETENTION_EVENTS)[number];

export const RETENTION_UNITS = ['days', 'months', 'years'] as const;
export type RetentionUnit = (typeof RETENTION_UNITS)[number];

/** The longest period a rule may name: a typo such as "5000 years" is an error, not a policy. */
export const MAX_RETENTION_AMOUNT = 999;

export type RetentionRule =
  | { readonly event: RetentionEvent; readonly amount: number; readonly unit: RetentionUnit }
  | { readonly event: 'until-erasure' };

const RULE = /^([a-z]+(?:-[a-z]+)*)\s*\+\s*(0|[1-9][0-9]{0,2})\s+(days?|months?|years?)$/;

/** Parses a rule; throws `HavenError('retention-invalid')` with a message that says what a rule looks like. */
export function parseRetentionRule(rule: string): RetentionRule {
  const result = readRetentionRule(rule);
  if (!result.ok) {
    throw new HavenError('retention-invalid', `A retention rule ${result.detail}.`, { status: 422 });
  }
  return result.rule;
}

/** Like `parseRetentionRule`, without throwing: the dictionary parser collects every problem. */
export function readRetentionRule(
  rule: string,
): { readonly ok: true; readonly rule: RetentionRule } | { readonly ok: false; readonly detail: string } {
  const text = rule.trim();
  if (text === 'until-erasure') return { ok: true, rule: { event: 'until-erasure' } };
  const match = RULE.exec(text);
  if (match === null) {
    return {
      ok: false,
      detail:
        'must read "<event> + <number> <days|months|years>" (e.g. "case-closed + 5 years") or "until-erasure"',
    };
  }
  const [, event = '', amount = '', unit = ''] = match;
  if (!isRetentionEvent(event)) {
    return { ok: false, detail: `must start with an event: ${RETENTION_EVENTS.join(', ')}` };
  }
  // Singular and plural are both accepted ("1 year"); the rule keeps the plural.
  const plural = (unit.endsWith('s') ? unit : `${unit}s`) as RetentionUnit;
  return { ok: true, rule: { event, amount: Number(amount), unit: plural } };
}

/** The canonical text of a rule, e.g. for a record of processing (GOV-1) or a rights answer (RIG-3). */
export function formatRetentionRule(rule: RetentionRule): string {
  return rule.event === 'until-erasure' ? 'until-erasure' : `${rule.event} + ${rule.amount} ${rule.unit}`;
}

function isRetentionEvent(value: string): value is RetentionEvent {
  return (RETENTION_EVENTS as readonly string[]).includes(value);
}
