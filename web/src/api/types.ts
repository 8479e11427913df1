/** The shapes of the API responses the staff app uses (the OpenAPI description is the reference). */

export type Role = 'clerk' | 'caseworker' | 'supervisor' | 'dpo' | 'auditor' | 'admin' | 'oversight';
export const ROLES: Role[] = ['clerk', 'caseworker', 'supervisor', 'dpo', 'auditor', 'admin', 'oversight'];

export interface SessionInfo {
  signedIn: boolean;
  account?: { id: string; email: string; role: Role; tier: number; organisationId: string };
  assurance?: number;
  next?: 'second-factor' | 'enrol' | 'none';
  csrfToken?: string;
  expiresAt?: string;
  idleExpiresAt?: string;
}

export interface SignInResult {
  next: 'second-factor' | 'enrol';
  factors: ('totp' | 'passkey' | 'recovery-code')[];
  csrfToken: string;
}

export interface EnumValue {
  value: string;
  label: string;
}

export type Spec =
  | { type: 'string' | 'text' | 'name'; maxLength: number }
  | { type: 'date' | 'partial-date' | 'boolean' | 'language' | 'phone' | 'person-ref' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'enum'; values: EnumValue[] }
  | { type: 'country'; extraCodes: string[] }
  | { type: 'record'; fields: RecordField[] }
  | { type: 'list'; of: Spec; maxItems: number };

export interface RecordField {
  name: string;
  label: string;
  description?: string;
  spec: Spec;
  required: boolean;
}

export interface DictionaryField {
  name: string;
  label: string;
  description: string | null;
  group: string;
  tier: number;
  category: string;
  spec: Spec;
  purposes: string[];
  index: string;
}

export interface DictionaryGroup {
  name: string;
  label: string;
  tier: number;
  description: string | null;
}

export interface Dictionary {
  name: string;
  version: number;
  groups: DictionaryGroup[];
  fields: DictionaryField[];
}

/** A WP248 criterion a purpose meets, and why (a stable code such as `category:health` or `declared:scale`). */
export interface CriterionMet {
  criterion: string;
  because: string;
}

export interface Purpose {
  name: string;
  title: string;
  description: string;
  legalBases: string[];
  consentRequired: boolean;
  retention: string | null;
  collect: string[];
  require: string[][];
  status: string;
  /** PUR-6, GOV-2: whether it needs a DPIA (computed), and the state of its DPIA in the DPIA register. */
  dpia: {
    required: boolean;
    criteria: CriterionMet[];
    rule: 'criteria' | 'biometrics' | null;
    /** not-required, approved, none or expired. */
    state: string;
    inForce: { id: string; version: number; reviewDate: string } | null;
    latest: { id: string; version: number; status: string } | null;
  };
  usable: boolean;
}

export interface NoticeLanguage {
  tag: string;
  name: string;
  direction: 'ltr' | 'rtl';
}

export interface Notice {
  purpose: string;
  version: string;
  language: string;
  direction: 'ltr' | 'rtl';
  title: string;
  paragraphs: string[];
  languages: NoticeLanguage[];
}

export type Values = Record<string, unknown>;

export interface Withheld {
  group: string;
  reasons: string[];
  fields?: string[];
}

export interface PersonView {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  purpose: string;
  data: Record<string, Values>;
  withheld: Withheld[];
  breakGlass: boolean;
  /** Processing is restricted (GDPR 18): read only for the person's rights, legal claims or under break-glass. */
  restricted: boolean;
}

export interface SearchMatch {
  id: string;
  match: 'exact' | 'similar';
  data: Record<string, Values>;
  withheld: Withheld[];
}

export interface ConsentEntry {
  id: string;
  purpose: string;
  basis: string;
  action: 'grant' | 'withdraw';
  recordedAt: string;
  recordedBy: string | null;
  expiresAt: string | null;
  details: Record<string, unknown> | null;
}

export interface AccessEntry {
  time: string;
  organisation: { id: string; name: string } | null;
  role: Role | null;
  action: string;
  purpose: string | null;
  fieldGroups: string[];
  decision: 'allow' | 'deny';
  reason: string;
}

export interface Correction {
  id: string;
  personId: string;
  purpose: string;
  fieldGroups: string[];
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  proposedBy: string;
  proposedAt: string;
}

export interface BreakGlassGrant {
  id: string;
  accountId: string;
  personId: string;
  purpose: string;
  fieldGroups: string[];
  startsAt: string;
  endsAt: string;
  endedEarlyAt: string | null;
  active: boolean;
  reviewed: { outcome: string; at: string } | null;
}

export interface Account {
  id: string;
  organisationId: string;
  email: string;
  role: Role;
  tier: number;
  status: 'active' | 'disabled';
  /** Why it is disabled (ACC-7: a dormant or lapsed account needs a review before it is enabled). */
  disabledReason?: 'administrator' | 'dormant' | 'lapsed' | 'suspended' | null;
  locked: boolean;
  totpEnrolled: boolean;
  passkeys: number;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface Witness {
  name: string;
  verifierKey: string;
  addedAt: string;
  lastCosignedSize: number | null;
  lastCosignedAt: string | null;
}

/** The answer to an access or portability request (RIG-3), as src/rights/access-answer.ts composes it. */
export type RedactionReason = 'third-party' | 'protection-risk' | 'legal-privilege';
export const REDACTION_REASONS: RedactionReason[] = ['third-party', 'protection-risk', 'legal-privilege'];

export interface Redaction {
  /** `group.field`, e.g. `contact.phone`. */
  path: string;
  reason: RedactionReason;
}

export interface AccessAnswer {
  format: string;
  request: { id: string; kind: 'access' | 'portability'; receivedOn: string };
  composedOn: string;
  person: { id: string; registeredOn: string; organisation: string };
  data: {
    group: string;
    label: string;
    /** `value` is null and `redacted` set where a reviewer withheld it. */
    values: { field: string; label: string; category: string; value: unknown; redacted?: RedactionReason }[];
    sources: { on: string; action: string; organisation: string | null; role: string | null }[];
  }[];
  purposes: {
    name: string;
    title: string;
    description: string;
    legalBases: string[];
    history: {
      on: string;
      basis: string;
      action: 'grant' | 'withdraw';
      noticeVersion: string | null;
      language: string | null;
      method: string | null;
    }[];
    retention: string | null;
    automatedDecisions: boolean;
  }[];
  recipients: { organisation: string; roles: string[]; purposes: string[] }[];
  partners: { name: string; purposes: string[] }[];
  retention: { group: string; label: string; rules: string[] }[];
  automatedDecisions: { purpose: string | null; logic: string }[];
  redactions: Redaction[];
}

export interface AccessAnswerView {
  requestId: string;
  state: 'composed' | 'reviewed' | 'released';
  composedBy: string;
  composedAt: string;
  reviewedBy: string | null;
  /** Before release, the whole package with the reviewer's redactions listed; after, as the person received it. */
  answer: AccessAnswer;
  redactions: Redaction[];
  /** SHA-256 of the released answer, as the ledger keeps it. */
  digest: string | null;
}
