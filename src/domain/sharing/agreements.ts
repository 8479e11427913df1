/**
 * Data-sharing agreements as rules (SHA-1, SHA-3, ACC-6): what a valid proposal is, which state changes are
 * allowed and by whom, and whether an agreement lets data out on a day. Pure: no I/O, the web app may use it too.
 */
import { isAssignedCountryCode, isCalendarDate } from '../dictionary/index.ts';
import type { Dictionary, LegalBasis } from '../dictionary/types.ts';
import { LEGAL_BASES } from '../dictionary/types.ts';
import { type FieldProblem, HavenError } from '../errors.ts';

export const PARTNER_KINDS = [
  'un-agency',
  'ngo',
  'service-provider',
  'host-state-authority',
  'origin-state-authority',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** Kinds that are the authority of a state: they name the state they act for (SHA-3 compares people with it). */
export const AUTHORITY_KINDS: readonly PartnerKind[] = ['host-state-authority', 'origin-state-authority'];

export const AGREEMENT_STATES = ['proposed', 'approved', 'suspended', 'terminated'] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];

/** The stored state and the dates together: what a person reads in the list. */
export type AgreementStatus =
  | 'proposed'
  | 'pending-start'
  | 'active'
  | 'expired'
  | 'suspended'
  | 'terminated';

/** What the release code needs of an agreement (src/sharing/agreements.ts `activeAgreement`). */
export type AgreementFacts = {
  id: string;
  partnerId: string;
  organisationId: string;
  purposes: string[];
  fields: string[];
  legalBasis: LegalBasis;
  state: AgreementState;
  /** First and last day it lets data out (YYYY-MM-DD, UTC), both included. */
  startsOn: string;
  endsOn: string;
};

/** Why an agreement lets nothing out on a day; each is a stable error code (docs/partners.md). */
export type AgreementRefusal =
  | 'agreement-not-approved'
  | 'agreement-suspended'
  | 'agreement-terminated'
  | 'agreement-expired'
  | 'agreement-not-started';

export function agreementStatus(
  a: Pick<AgreementFacts, 'state' | 'startsOn' | 'endsOn'>,
  today: string,
): AgreementStatus {
  if (a.state !== 'approved') return a.state;
  if (today < a.startsOn) return 'pending-start';
  // It ends by itself: the day after its last day nothing more goes out, with no job to run (SHA-1).
  if (today > a.endsOn) return 'expired';
  return 'active';
}

/** Why the agreement lets no data out today, or null when it is in force. */
export function agreementRefusal(
  a: Pick<AgreementFacts, 'state' | 'startsOn' | 'endsOn'>,
  today: string,
): AgreementRefusal | null {
  switch (agreementStatus(a, today)) {
    case 'active':
      return null;
    case 'proposed':
      return 'agreement-not-approved';
    case 'suspended':
      return 'agreement-suspended';
    case 'terminated':
      return 'agreement-terminated';
    case 'expired':
      return 'agreement-expired';
    case 'pending-start':
      return 'agreement-not-started';
  }
}

/** SHA-1: only an approved agreement, between its first and last day, lets data out. */
export function agreementInForce(
  a: Pick<AgreementFacts, 'state' | 'startsOn' | 'endsOn'>,
  today: string,
): boolean {
  return agreementRefusal(a, today) === null;
}

const REFUSAL_MESSAGES: Record<AgreementRefusal, string> = {
  'agreement-not-approved': 'This agreement has not been approved: nothing is shared under it.',
  'agreement-suspended': 'This agreement is suspended: nothing is shared under it until it is resumed.',
  'agreement-terminated': 'This agreement was terminated: nothing is shared under it any more.',
  'agreement-expired': 'This agreement has ended: nothing is shared under it any more.',
  'agreement-not-started':
    'This agreement has not started yet: nothing is shared under it before its first day.',
};

/** The refusal as an error: 403, a partner asking under an agreement not in force is not allowed (SHA-1). */
export function agreementRefusalError(code: AgreementRefusal): HavenError {
  return new HavenError(code, REFUSAL_MESSAGES[code], { status: 403, reason: 'SHA-1' });
}

/** A change of an agreement's state, by whom. */
export type AgreementAction = 'approve' | 'suspend' | 'resume' | 'terminate';

const TRANSITIONS: Record<AgreementAction, { from: readonly AgreementState[]; to: AgreementState }> = {
  approve: { from: ['proposed'], to: 'approved' },
  suspend: { from: ['approved'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'approved' },
  // A proposal is withdrawn or rejected by terminating it; terminated is final.
  terminate: { from: ['proposed', 'approved', 'suspended'], to: 'terminated' },
};

/**
 * The state an action leads to, or a refusal: `agreement-state-invalid` for a change the state does not allow,
 * `own-agreement` when the proposer would approve (ACC-6), `agreement-expired` for approving one already ended.
 */
export function nextAgreementState(
  a: Pick<AgreementFacts, 'state' | 'endsOn'> & { proposedBy: string },
  action: AgreementAction,
  by: string,
  today: string,
): AgreementState {
  const step = TRANSITIONS[action];
  if (!step.from.includes(a.state)) {
    throw new HavenError(
      'agreement-state-invalid',
      `An agreement that is ${a.state} cannot be changed that way (${action}).`,
      {
        status: 409,
      },
    );
  }
  if (action === 'approve' && a.proposedBy === by) {
    throw new HavenError(
      'own-agreement',
      'Someone other than its proposer must approve this agreement (ACC-6).',
      {
        status: 403,
        reason: 'own-proposal',
      },
    );
  }
  if ((action === 'approve' || action === 'resume') && a.endsOn < today) {
    throw agreementRefusalError('agreement-expired');
  }
  return step.to;
}

/** What a person proposes. */
export interface AgreementProposal {
  title: string;
  purposes: string[];
  fields: string[];
  legalBasis: string;
  startsOn: string;
  endsOn: string;
  /** How long the partner may keep what it receives: `<n> days|months|years`. */
  partnerRetention: string;
  onwardSharingBanned: boolean;
  /** Required when onward sharing is not banned: why it may not be. */
  onwardSharingReason?: string | null;
}

/** The partner as the proposal's rules see it. */
export interface PartnerFacts {
  kind: PartnerKind;
  actsForCountry: string | null;
  state: 'active' | 'suspended';
}

/** The longest an agreement may run: it must end by itself and be looked at again (SHA-1). */
export const MAX_AGREEMENT_YEARS = 5;

const PERIOD = /^([1-9][0-9]{0,2})\s+(day|month|year)s?$/;

/** A period such as `6 months` in its canonical form, or undefined when it is not one. */
export function canonicalPeriod(text: string): string | undefined {
  const match = PERIOD.exec(text.trim());
  return match ? `${match[1]} ${match[2]}s` : undefined;
}

/**
 * SHA-3, the rule Haven implements at creation: an agreement with the authority of a country of origin
 * (`origin-state-authority`) is refused, whatever its purposes and fields. Such an authority acts for the state
 * people fled; every person of that nationality or origin is refused one by one at release (SHA-3), and no purpose
 * of the register serves it for anyone else (identification by the country of origin is a prohibited purpose,
 * PUR-2). Such an agreement could only ever release people it must not get, so it is refused before it exists.
 * Other authorities (a host state) are checked per person at release against the state they act for.
 */
export function originStateRefusal(partner: Pick<PartnerFacts, 'kind'>): HavenError | null {
  if (partner.kind !== 'origin-state-authority') return null;
  return new HavenError(
    'agreement-origin-state',
    'Haven never shares with the authorities of a country people fled (non-refoulement, SHA-3): no agreement can be made with this partner.',
    { status: 422, reason: 'SHA-3' },
  );
}

/**
 * Checks a proposal against the dictionary and the partner (SHA-1, MIN-1): known, usable purposes; each field
 * readable by every purpose; a legal basis every purpose accepts; sensible dates; a retention period; the
 * onward-sharing ban or its reason; and SHA-3. Returns the proposal in canonical form.
 */
export function checkAgreementProposal(
  dictionary: Dictionary,
  partner: PartnerFacts,
  input: AgreementProposal,
  today: string,
): AgreementProposal {
  const origin = originStateRefusal(partner);
  if (origin) throw origin;
  if (partner.state !== 'active') {
    throw new HavenError(
      'partner-suspended',
      'This partner is suspended: resume it before proposing an agreement.',
      {
        status: 409,
      },
    );
  }
  const problems: FieldProblem[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title === '' || title.length > 200) add('title', 'required', '1 to 200 characters.');

  const purposes = [...new Set(Array.isArray(input.purposes) ? input.purposes : [])];
  if (purposes.length === 0 || purposes.length > 20) add('purposes', 'required', 'one to 20 purposes.');
  purposes.forEach((name, i) => {
    const purpose = dictionary.purpose(name);
    if (!purpose) add(`purposes/${i}`, 'purpose-unknown', 'not a purpose of the register.');
    else if (purpose.prohibited) add(`purposes/${i}`, 'purpose-prohibited', 'a prohibited purpose (PUR-2).');
  });

  const fields = [...new Set(Array.isArray(input.fields) ? input.fields : [])];
  if (fields.length === 0 || fields.length > 500) add('fields', 'required', 'one field at least.');
  fields.forEach((name, i) => {
    const field = dictionary.field(name);
    if (!field) {
      add(`fields/${i}`, 'field-unknown', 'not a field of the dictionary.');
      return;
    }
    // MIN-1: the data set of an agreement is within the data set of each of its purposes.
    const outside = purposes.filter((p) => dictionary.purpose(p) && !field.purposes.includes(p));
    if (outside.length > 0)
      add(`fields/${i}`, 'field-not-in-purpose', `not readable for ${outside.join(', ')}.`);
  });

  if (!(LEGAL_BASES as readonly string[]).includes(input.legalBasis)) {
    add('legalBasis', 'basis-unknown', `one of ${LEGAL_BASES.join(', ')}.`);
  } else {
    const refusing = purposes.filter((p) => {
      const purpose = dictionary.purpose(p);
      return purpose && !purpose.legalBases.includes(input.legalBasis as LegalBasis);
    });
    if (refusing.length > 0)
      add('legalBasis', 'basis-not-accepted', `not a basis of ${refusing.join(', ')}.`);
  }

  const datesValid = isCalendarDate(input.startsOn) && isCalendarDate(input.endsOn);
  if (!isCalendarDate(input.startsOn)) add('startsOn', 'date-invalid', 'a date, YYYY-MM-DD.');
  if (!isCalendarDate(input.endsOn)) add('endsOn', 'date-invalid', 'a date, YYYY-MM-DD.');
  if (datesValid) {
    if (input.endsOn < input.startsOn) add('endsOn', 'date-order', 'ends before it starts.');
    else if (input.endsOn < today) add('endsOn', 'date-past', 'has already ended.');
    const [y, rest] = [Number(input.startsOn.slice(0, 4)), input.startsOn.slice(4)];
    if (input.endsOn > `${y + MAX_AGREEMENT_YEARS}${rest}`) {
      add('endsOn', 'too-long', `at most ${MAX_AGREEMENT_YEARS} years after it starts.`);
    }
  }

  const retention = canonicalPeriod(typeof input.partnerRetention === 'string' ? input.partnerRetention : '');
  if (!retention)
    add('partnerRetention', 'period-invalid', 'a period such as "6 months" (days, months or years).');

  const banned = input.onwardSharingBanned !== false;
  const reason = typeof input.onwardSharingReason === 'string' ? input.onwardSharingReason.trim() : '';
  if (!banned && reason === '') {
    add('onwardSharingReason', 'required', 'why the partner may share onward.');
  }
  if (reason.length > 2000) add('onwardSharingReason', 'too-long', 'at most 2000 characters.');

  if (problems.length > 0) {
    throw new HavenError(
      'agreement-invalid',
      `The agreement is not valid: ${problems[0]!.path} — ${problems[0]!.message}`,
      {
        status: 422,
        fields: problems,
      },
    );
  }
  return {
    title,
    purposes,
    fields,
    legalBasis: input.legalBasis,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    partnerRetention: retention!,
    onwardSharingBanned: banned,
    onwardSharingReason: banned ? null : reason,
  };
}

/** A partner's state and country rules (SHA-3): authority kinds name a real state, the others none. */
export function checkPartnerCountries(
  kind: PartnerKind,
  jurisdiction: string,
  actsForCountry: string | null | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isAssignedCountryCode(jurisdiction)) {
    problems.push({ path: 'jurisdiction', code: 'country-unknown', message: 'an ISO 3166-1 alpha-3 code.' });
  }
  if (AUTHORITY_KINDS.includes(kind)) {
    if (!actsForCountry || !isAssignedCountryCode(actsForCountry)) {
      problems.push({
        path: 'actsForCountry',
        code: 'required',
        message: 'the state whose authority this is (ISO 3166-1 alpha-3).',
      });
    }
  } else if (actsForCountry) {
    problems.push({
      path: 'actsForCountry',
      code: 'not-an-authority',
      message: 'only an authority acts for a state.',
    });
  }
  return problems;
}
