import type { Role } from '../domain/roles.ts';

/**
 * The facts the gate gives the policy engine for one decision. They map one-to-one onto a Cedar request over the
 * schema in haven.cedarschema (see `toCedarRequest`).
 */

export type PersonDataAction = 'read' | 'write';
/** Actions on a person that read none of their field groups (the schema's "person-record" group). */
export const PERSON_RECORD_ACTIONS = [
  'give-consent',
  'withdraw-consent',
  'view-consents',
  'assign-caseload',
  'view-access-history',
  'erase',
  'request-break-glass',
  'receive-rights-request',
  'handle-rights-request',
  'place-legal-hold',
  'release-legal-hold',
  'lift-restriction',
  /** RET-1: a case's state (open, closed, resettled…), from which retention counts. */
  'change-case-state',
  'view-case-state',
] as const;
export type PersonRecordAction = (typeof PERSON_RECORD_ACTIONS)[number];
export type PolicyAction =
  | PersonDataAction
  | PersonRecordAction
  | 'search'
  | 'propose-correction'
  | 'approve-correction'
  | 'approve-legal-hold'
  | 'approve-policy-change'
  /** A person's record going out to a partner under an agreement (SHA-2), or a yes/no about them (SHA-4). */
  | 'release'
  | 'verify';

export interface StaffFacts {
  type: 'Staff';
  id: string;
  organisation: string;
  role: Role;
  tier: number;
}

export interface ImporterFacts {
  type: 'Importer';
  id: string;
  organisation: string;
}

/** A partner organisation's machine client, signed in with its key (SHA-1). */
export interface PartnerFacts {
  type: 'Partner';
  id: string;
  organisation: string;
  kind: string;
  /** The state whose authority it is or acts for (ISO 3166 alpha-3); empty for the other kinds. */
  actsFor: string;
}

export type PrincipalFacts = StaffFacts | ImporterFacts | PartnerFacts;

/** Who would receive a release: the partner's kind and the state it acts for (empty when none). */
export interface RecipientFacts {
  kind: string;
  actsFor: string;
}

export interface PersonFacts {
  id: string;
  organisation: string;
  /** Staff account ids holding the person in their caseload. */
  assignees: readonly string[];
  /** Processing is restricted (GDPR 18): only the rights purpose and legal claims go on until it is lifted. */
  restricted: boolean;
}

export type ResourceFacts =
  | { type: 'PersonGroup'; person: PersonFacts; group: string; tier: number; purposes: readonly string[] }
  | { type: 'Person'; person: PersonFacts }
  | { type: 'Organisation'; id: string }
  | { type: 'Correction'; id: string; person: PersonFacts; proposer: StaffFacts }
  | { type: 'PolicyChange'; id: string; proposer: StaffFacts }
  | { type: 'LegalHold'; id: string; person: PersonFacts; placer: StaffFacts }
  /**
   * One person's record as it would go to a partner (SHA-2 – SHA-4): with the countries that concern the person
   * (nationality, country of origin, asylum claim), read by the gate for this decision only, and the recipient.
   */
  | {
      type: 'PersonRelease';
      person: PersonFacts;
      countries: readonly string[];
      recipient: RecipientFacts;
    };

export type BasisState = 'active' | 'withdrawn' | 'expired' | 'none' | 'not-applicable';

/**
 * The state of a purpose's DPIA as the policies see it (PUR-6): none required, one approved and in force, none
 * approved (missing, in draft, submitted or rejected), or the approved one past its review date.
 */
export type DpiaState = 'not-required' | 'approved' | 'none' | 'expired';

export interface ContextFacts {
  purpose: {
    name: string;
    prohibited: boolean;
    /** In use: not suspended on the purpose register. */
    usable: boolean;
    dpia: DpiaState;
    legalBases: readonly string[];
  };

  basis: { state: BasisState; kind: string };
  assurance: number;
  breakGlass: boolean;
}

export interface DecisionRequest {
  principal: PrincipalFacts;
  action: PolicyAction;
  resource: ResourceFacts;
  context: ContextFacts;
}

export interface Decision {
  allowed: boolean;
  /** Stable reason codes of the rules that refused (ACC-9); empty when allowed. */
  reasons: string[];
}
