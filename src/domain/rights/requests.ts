import { addToDay } from '../calendar.ts';
import { HavenError } from '../errors.ts';

/**
 * A person's rights request (RIG-1 – RIG-5): what is asked, how it came in, how the person's identity was checked,
 * and where it stands against its legal deadline. Free of charge and without limit of number: nothing here
 * counts or prices them. This module is the rules alone; storage and the gate use it.
 */
export const RIGHTS_KINDS = [
  'access',
  'portability',
  'correction',
  'erasure',
  'restriction',
  'objection',
] as const;
export type RightsKind = (typeof RIGHTS_KINDS)[number];

export const CHANNELS = ['in-person', 'oral', 'written', 'portal', 'representative'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * How identity was checked, and how strong that is. 1: enough to be told about one's own request or to ask for a
 * change; 2: enough to receive one's data or have it erased (RIG-1): the card with its PIN, or a staff member who
 * stepped their sign-in up to a passkey and saw a document or knows the person.
 */
export const IDENTITY_CHECKS = ['card', 'known-caseworker', 'document-seen', 'card-and-pin'] as const;
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number];
/**
 * What staff may record. Card and PIN together are recorded only by the portal, which checked both: a staff
 * member cannot see a PIN, so claiming it would be strength 2 on their word alone.
 */
export const STAFF_IDENTITY_CHECKS = ['card', 'known-caseworker', 'document-seen'] as const;

export function identityStrength(check: IdentityCheck, staffAssurance: number | null): 1 | 2 {
  if (check === 'card-and-pin') return 2;
  if ((check === 'document-seen' || check === 'known-caseworker') && (staffAssurance ?? 0) >= 3) return 2;
  return 1;
}

/** The strength each kind needs before it may be worked on. */
export const STRENGTH_NEEDED: Readonly<Record<RightsKind, 1 | 2>> = {
  access: 2,
  portability: 2,
  erasure: 2,
  correction: 1,
  restriction: 1,
  objection: 1,
};

/** RIG-5: a refusal names one of these, and says more in words. */
export const REFUSAL_REASONS = [
  'identity-not-established',
  'suspected-duress',
  'manifestly-unfounded',
  'excessive',
  'rights-of-others',
  'legal-obligation',
  'legal-hold',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type RequestState =
  | 'received'
  | 'identity-checked'
  | 'in-progress'
  | 'extended'
  | 'answered'
  | 'refused';

/**
 * The moves a request may make. A request reaches `in-progress` only from `identity-checked`, and is answered only
 * from `in-progress` or `extended`: one whose identity was never checked can never be answered.
 */
const MOVES: Readonly<Record<RequestState, readonly RequestState[]>> = {
  received: ['identity-checked', 'refused'],
  'identity-checked': ['in-progress', 'refused'],
  'in-progress': ['extended', 'answered', 'refused'],
  extended: ['answered', 'refused'],
  answered: [],
  refused: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return MOVES[from].includes(to);
}

export function move(from: RequestState, to: RequestState): RequestState {
  if (!canMove(from, to)) {
    throw new HavenError('request-state-invalid', `A request that is ${from} cannot become ${to}.`, {
      status: 409,
    });
  }
  return to;
}

/** GDPR 12(3): one calendar month from receipt. */
export function dueDate(receivedOn: string): string {
  return addToDay(receivedOn, { months: 1 });
}

/** The longest extension, in further months. */
export const EXTENSION_MONTHS_MAX = 2;

/**
 * One extension of one or two further months (counted from receipt), only while the first month runs, only with
 * a reason, and only once the person has been told (`personNotified`).
 */
export function extendedDueDate(
  request: { receivedOn: string; extended: boolean },
  extension: { months: number; reason: string; personNotified: boolean },
  today: string,
): string {
  if (request.extended)
    throw new HavenError('extension-used', 'A request can be extended once.', { status: 409 });
  if (today > dueDate(request.receivedOn)) {
    throw new HavenError('extension-too-late', 'A request can be extended only within its first month.', {
      status: 409,
    });
  }
  if (
    !Number.isInteger(extension.months) ||
    extension.months < 1 ||
    extension.months > EXTENSION_MONTHS_MAX
  ) {
    throw new HavenError('extension-months-invalid', 'An extension is one or two further months.', {
      status: 422,
    });
  }
  if (extension.reason.trim() === '')
    throw new HavenError('extension-reason-required', 'Say why the request needs more time.', {
      status: 422,
    });
  if (!extension.personNotified) {
    throw new HavenError('extension-notice-required', 'The person must be told of the extension and why.', {
      status: 422,
    });
  }
  return addToDay(request.receivedOn, { months: 1 + extension.months });
}

/** Whether a request still open is past its deadline on `today`. */
export function isOverdue(request: { state: RequestState; dueOn: string }, today: string): boolean {
  return request.state !== 'answered' && request.state !== 'refused' && today > request.dueOn;
}

/** A refusal: a reason from the fixed list and words (RIG-5). */
export function checkRefusal(reason: unknown, note: unknown): { reason: RefusalReason; note: string } {
  if (!REFUSAL_REASONS.includes(reason as RefusalReason)) {
    throw new HavenError('refusal-reason-invalid', `A refusal names one of: ${REFUSAL_REASONS.join(', ')}.`, {
      status: 422,
    });
  }
  if (typeof note !== 'string' || note.trim() === '') {
    throw new HavenError('refusal-note-required', 'A refusal says in words why.', { status: 422 });
  }
  return { reason: reason as RefusalReason, note };
}

/** Whether the identity checked is enough for the kind of request (RIG-1). */
export function identityEnough(kind: RightsKind, strength: number): boolean {
  return strength >= STRENGTH_NEEDED[kind];
}
