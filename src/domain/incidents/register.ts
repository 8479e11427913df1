import { CATEGORIES, type Category } from '../dictionary/types.ts';

/**
 * The vocabulary of the incident register (BRE-1, GDPR 33(3)): states, natures, the kinds of people, sources and
 * the codes for a late notification or none. Pure: the server, the CLI and the web app use the same lists.
 */

export const INCIDENT_STATES = ['suspected', 'confirmed', 'contained', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/**
 * Which state may follow which. A suspicion is confirmed or dismissed (closed); a confirmed breach is contained
 * before it is closed; containment that failed goes back to confirmed. Closed is final: a breach found again is
 * a new incident, so the register keeps what was known when.
 */
export const TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  suspected: ['confirmed', 'closed'],
  confirmed: ['contained'],
  contained: ['confirmed', 'closed'],
  closed: [],
};

export const canMove = (from: IncidentState, to: IncidentState): boolean => TRANSITIONS[from].includes(to);

/** The security property broken (the nature of the breach, GDPR 33(3)(a); EDPB guidelines 9/2022). */
export const NATURES = ['confidentiality', 'integrity', 'availability'] as const;
export type Nature = (typeof NATURES)[number];

/** The kinds of people concerned (GDPR 33(3)(a)). */
export const PEOPLE_CATEGORIES = [
  'registered-people',
  'children',
  'family-members',
  'staff',
  'partner-staff',
] as const;
export type PeopleCategory = (typeof PEOPLE_CATEGORIES)[number];

/** The data categories are the dictionary's field categories (MIN-1). */
export const DATA_CATEGORIES: readonly Category[] = CATEGORIES;

/** What was compromised (BRE-3 computes the affected people from it and the window). */
export const SOURCE_KINDS = ['account', 'partner', 'partner-credential', 'device'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Why the authority was told after 72 hours (GDPR 33(1): "accompanied by reasons for the delay"). */
export const LATE_REASONS = [
  'investigation-needed',
  'information-in-phases',
  'authority-unreachable',
  'processor-told-late',
  'other',
] as const;
export type LateReason = (typeof LATE_REASONS)[number];

/** Why the authority is not told at all (GDPR 33(1)); documented in the register (GDPR 33(5)). */
export const NO_NOTIFICATION_REASONS = ['unlikely-to-result-in-risk', 'not-a-personal-data-breach'] as const;
export type NoNotificationReason = (typeof NO_NOTIFICATION_REASONS)[number];

/** The free texts of an incident, each sealed (see docs/decisions/0016-incident-register.md). */
export const INCIDENT_TEXTS = [
  'description',
  'consequences',
  'measuresTaken',
  'measuresProposed',
  'contactPoint',
] as const;
export type IncidentText = (typeof INCIDENT_TEXTS)[number];

/** Longest free text the register keeps, and the notification text. */
export const INCIDENT_TEXT_MAX = 8000;
export const NOTIFICATION_TEXT_MAX = 20_000;
