/**
 * Which tables hold personal data, and which database role may touch them. One list, read by the role grants
 * (src/store/roles.ts) and by the boundary test's SQL check (test/gate/boundary.test.ts), so the two cannot drift.
 */

/** The role the gate's pool runs as: the only one with privileges on the protected tables. */
export const GATE_ROLE = 'haven_gate';
/** The role every other pool runs as (identity, ledger jobs, policies, purposes, health): none on them. */
export const GENERAL_ROLE = 'haven_general';

/**
 * Tables that hold personal data or say something about one person (their existence and organisation, sealed
 * values, tokens, the basis of processing, who works them, sealed justifications). Only src/records and src/gate
 * run SQL on them; the key vault's two tables live in a database of their own that only the key vault opens.
 */
export const PROTECTED_TABLES = {
  person: 'the person: organisation, status, dictionary, import key',
  person_group: 'field groups sealed under the person’s data key',
  person_token: 'blind-index tokens of names, dates, numbers',
  processing_basis: 'consent and legal bases, details sealed: how and when the person agreed',
  caseload_assignment: 'which caseworker works which person',
  correction: 'proposed corrections, values sealed',
  break_glass: 'emergency access to one person, justification sealed',
  rights_request: 'what a person asked for (access, erasure…), notes sealed',
  change_outbox: 'changes to a person partners must hear of: kinds and ids, no values',
  access_answer: 'the answer to an access request: every value, sealed; redactions sealed',
  person_card: 'the person’s portal card: keyed hash of its code, PIN hash, failures',
  person_session: 'the person’s portal sessions',
  release: 'what went to a partner: the JWE as sent (encrypted to the partner), counts, field groups',
  release_person: 'who a release was about',
  partner_pseudonym: 'the pseudonym each partner knows a person by',

  legal_hold: 'a hold on a person’s data (that they are party to proceedings), words sealed',
  erasure_receipt: 'what an erasure took and kept, for the tombstone: categories and counts, no values',
  restriction: 'restriction of processing of a person (GDPR 18): when, by whom, why; words sealed',
  case_state:
    'where a person’s case stands (open, closed, resettled, deceased…) and its dated events (RET-1)',
  case_transition: 'each change of a person’s case state: from, to, day, by whom, a reason code (RET-1)',
  group_erasure: 'a field group of a person erased by retention (RET-2): which group, which rule, when',

  partner_notice:
    'a change told to a partner: the person’s id and partner pseudonym, kinds, delivery, no values',
  incident_affected:
    'the people a breach affected, per incident: source, window, ledger range, counts by category (BRE-3)',
  incident_affected_person: 'which person a breach affected, with the categories exposed and how (BRE-3)',
  breach_notice:
    'the notice to each person a breach affected: language, channel, when issued and read (BRE-2)',
  vault_key: 'key vault (own database): vault keys wrapped by the KEK',

  person_key: 'key vault (own database): each person’s data key, wrapped',
} as const;

/**
 * Tables that hold no personal values of registered people: the general role may use them. A table in no list
 * gets only the gate's role (fail closed), and the boundary test fails until it is classified here.
 */
export const GENERAL_TABLES = {
  schema_migration: 'which migrations ran',
  organisation: 'the tenants',
  staff_account: 'staff, not registered people (identity)',
  recovery_code: 'staff second factor (identity)',
  passkey: 'staff second factor (identity)',
  staff_session: 'staff sessions (identity)',
  sign_in_throttle: 'keyed hashes of client addresses (identity)',
  setup_code: 'first-admin code hash (identity)',
  audit_event: 'the ledger: ids, purposes, decisions, never values (AUD-1)',
  ledger_tile: 'the ledger tree, in tiles',
  ledger_leaf: 'the ledger tree: view of each leaf and its event',
  ledger_head: 'the ledger tree',
  ledger_checkpoint: 'signed checkpoints',
  ledger_witness: 'witnesses of checkpoints',
  ledger_cosignature: 'witnesses of checkpoints',
  purpose: 'the purpose register (governance)',
  dpia: 'DPIAs: assessments of processing, not of people (governance)',
  processor: 'the processor register (governance)',
  concern: 'anonymous concerns: no sender details; texts sealed (governance)',
  concern_message: 'anonymous concerns: texts sealed (governance)',
  processing_record: 'published record of processing (governance)',
  policy_version: 'Cedar policy versions (governance)',
  policy_impact: 'what a proposed policy version changes in the authorization matrix (governance)',
  alert: 'DPO alerts: kind and ids, like the ledger',
  partner: 'partner organisations and their staff contacts, not registered people (sharing)',
  partner_key: 'partners’ public keys (sharing)',
  partner_assertion: 'jti of partners’ client assertions seen, against replay (sharing)',
  partner_token: 'SHA-256 of partners’ access tokens (sharing)',
  agreement: 'data-sharing agreements: rules, no personal data (sharing, SHA-1)',
  partner_webhook_secret: 'partners’ webhook signing secrets, sealed (sharing, pushes)',
  retention_sweep: 'retention sweeps: when, how they ended, counts (RET-2)',
  retention_disposal: 'the disposal record in figures: organisation, group, rule, how many (RET-2)',
  backup_drill: 'restore drills: when, pass or fail, digest of the report (RES-1)',
  access_grant: 'staff grants and their review dates (ACC-7): accounts, roles, agreements, no person',
  training_record: 'staff data-protection training: course and dates (ACC-7)',
  review_campaign: 'access review campaigns: who started one, when, due by (ACC-7)',
  review_item: 'each grant a review campaign put before a reviewer, and the decision (ACC-7)',
  incident:
    'the incident register: codes, numbers, times; free texts sealed (they may name someone) (BRE-1, BRE-2)',
  monitoring_threshold: 'the anomaly rules’ thresholds per organisation (AUD-6)',
  monitoring_cursor: 'how far the anomaly monitor has read the ledger (AUD-6)',
  monitoring_hourly: 'accesses per staff member or partner per hour: counts, no person (AUD-6)',
  monitoring_baseline: 'each staff member’s or partner’s baseline: counts per hour of the day (AUD-6)',
  monitoring_figure: 'accesses explained per organisation and day: counts by reason (AUD-6)',
} as const;

export type ProtectedTable = keyof typeof PROTECTED_TABLES;
