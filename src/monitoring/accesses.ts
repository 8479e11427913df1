import type { AuditEvent } from '../ledger/events.ts';

/**
 * What an audit event is to the monitor (AUD-6): an access to a person's data by a staff member or partner, a
 * search, a break-glass start, a refusal — or nothing it looks at (system jobs, the person in their portal, sign-ins
 * without an account).
 */
export type AccessKind = 'read' | 'search-hit' | 'search' | 'export' | 'verify' | 'break-glass' | 'other';

export interface Access {
  /** The staff account id, or `partner:<id>` for a partner's machine client. */
  actor: string;
  organisation: string;
  role: string | null;
  kind: AccessKind;
  /** The person whose data was reached, where the event names one. */
  person: string | null;
  denied: boolean;
  /** Ties the events of one request (a search and its hits; the groups of one read). */
  requestId: string | null;
  time: Date;
}

export { EXPLANATIONS, type Explanation } from '../gate/access-explanation.ts';

const KINDS: Record<string, AccessKind> = {
  'person.read': 'read',
  'person.read-break-glass': 'read',
  'person.search-result': 'search-hit',
  'person.search': 'search',
  'sharing.release': 'export',
  'sharing.verify': 'verify',
  'break-glass.start': 'break-glass',
};

export function accessOf(event: AuditEvent): Access | null {
  const { actor } = event;
  let who: string;
  if (actor.kind === 'staff' && actor.account) who = actor.account;
  else if (actor.kind === 'partner' && actor.partner) who = `partner:${actor.partner}`;
  else return null;
  if (!actor.organisation) return null;
  const kind = KINDS[event.action] ?? (event.action.endsWith('.export') ? 'export' : 'other');
  return {
    actor: who,
    organisation: actor.organisation,
    role: actor.role ?? null,
    kind,
    person: event.subjectType === 'person' ? (event.subject ?? null) : null,
    denied: event.decision === 'deny',
    requestId: event.requestId ?? null,
    time: new Date(event.time),
  };
}

/**
 * An access the explanation step judges: a staff member reaching a person's data (read, search hit, export or
 * release) and allowed to. Partners' questions are bounded by their agreement and judged on volume only.
 */
export function needsExplanation(access: Access | null): access is Access & { person: string } {
  return (
    access !== null &&
    !access.denied &&
    access.person !== null &&
    !access.actor.startsWith('partner:') &&
    (access.kind === 'read' || access.kind === 'search-hit' || access.kind === 'export')
  );
}

/** Counted in an actor's volume and hours: what reaches a person's data. */
export function countsAsAccess(access: Access): boolean {
  return (
    !access.denied &&
    (access.kind === 'read' ||
      access.kind === 'search-hit' ||
      access.kind === 'export' ||
      access.kind === 'verify')
  );
}

/**
 * Counted by the repeated-denials rule: a refusal about a person's data (a read, search, release or break-glass
 * refused). Refusals of the staff member's own paperwork — an incident form with a mistake, a review refused — are
 * ledgered too (AUD-1), but a DPO correcting a form ten times is not probing for anyone.
 */
export function countsAsDenial(access: Access): boolean {
  return access.denied && (access.person !== null || access.kind !== 'other');
}
