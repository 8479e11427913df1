/** The shapes of the governance API (GOV-1 – GOV-4, ACC-2, PUR-6) the app uses; /api/openapi.json is the reference. */
import type { CriterionMet } from './types.ts';

export type WorkKind =
  | 'dpia-to-decide'
  | 'dpia-returned'
  | 'dpia-missing'
  | 'dpia-expiring'
  | 'dpia-expired'
  | 'processor-problem'
  | 'concern-to-acknowledge'
  | 'concern-to-answer'
  | 'policy-to-decide'
  | 'break-glass-to-review'
  | 'alert'
  | 'notice-unacknowledged'
  | 'rights-request-due'
  | 'correction-to-approve'
  | 'restore-drill-due'
  | 'retention-sweep-failed'
  | 'legal-hold-to-approve'
  | 'grants-to-review'
  | 'grants-lapsing'
  | 'training-overdue'
  | 'incident-to-notify'
  | 'breach-notices-to-issue'
  | 'breach-letters-to-print';

/** In the order the work list shows them: the person's rights, with their legal clocks, first. */
export const WORK_KINDS: WorkKind[] = [
  // BRE-2: the authority's 72 hours are the shortest legal clock of all.
  'incident-to-notify',
  // BRE-2: the people of a high-risk breach are told without undue delay.
  'breach-notices-to-issue',
  'breach-letters-to-print',
  'rights-request-due',

  'correction-to-approve',
  'legal-hold-to-approve',
  // ACC-7: access that lapses by itself unless a reviewer decides it.
  'grants-to-review',
  'grants-lapsing',
  'training-overdue',
  'notice-unacknowledged',
  'dpia-to-decide',
  'dpia-returned',
  'dpia-expired',
  'dpia-missing',
  'dpia-expiring',
  'policy-to-decide',
  'concern-to-acknowledge',
  'concern-to-answer',
  'processor-problem',
  'break-glass-to-review',
  'alert',
  'retention-sweep-failed',
  'restore-drill-due',
];

export interface WorkItem {
  kind: WorkKind;
  /** A purpose or processor name, a concern, policy version or grant id, a rights request's kind. */
  subject: string;
  /** The DPIA, processor, concern or grant to open, where there is one. */
  ref: string | null;
  due: string | null;
  overdue: boolean;
  /** Stable codes saying why. */
  details: string[];
  /** The exact due time where the clock runs in hours (an incident's 72 hours). */
  dueAt?: string;
}

export interface BreakGlassOverview {
  days: number;
  grants: {
    id: string;
    purpose: string;
    fieldGroups: string[];
    startsAt: string;
    endsAt: string;
    endedEarlyAt: string | null;
    reviewed: { outcome: string; at: string } | null;
    reviewOverdue: boolean;
  }[];
  unreviewed: number;
  reviewOverdue: number;
  notJustified: number;
}

/** 1 negligible, 2 limited, 3 significant, 4 maximum (CNIL). */
export type Level = 1 | 2 | 3 | 4;
export const LEVELS: Level[] = [1, 2, 3, 4];
export const FEARED_EVENTS = ['illegitimate-access', 'unwanted-change', 'disappearance'] as const;

export interface Rating {
  likelihood: Level;
  severity: Level;
}

export interface DpiaRisk {
  event: string;
  description: string;
  rating: Rating;
  measures: string[];
  residual: Rating;
}

export type Consultation = { sought: true; summary: string } | { sought: false; reason: string };

export interface DpiaContent {
  description: string;
  necessity: string;
  proportionality: string;
  risks: DpiaRisk[];
  consultation: Consultation;
  reviewDate: string;
}

export type DpiaStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'superseded';
export type RiskLevel = 'low' | 'moderate' | 'high' | 'very-high';

export interface DpiaVersion {
  id: string;
  version: number;
  subjectKind: 'purpose' | 'agreement';
  subject: string;
  status: DpiaStatus;
  content: DpiaContent & { migrated?: boolean };
  dpoOpinion: string | null;
  author: string | null;
  createdAt: string;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  reviewDate: string | null;
  riskLevels?: { event: string; before: RiskLevel | null; after: RiskLevel | null }[];
}

/** What Haven knows of the processing a DPIA assesses (the record of processing's entry for the purpose). */
export interface RecordPurpose {
  name: string;
  title: string;
  description: string;
  status: string;
  legalBases: string[];
  categories: { category: string; tier: number }[];
  recipients: { kind: 'role'; name: string }[];
  transfers: { country: string; processor: string; safeguard: string | null }[];
  retention: { purpose: string | null; categories: { category: string; rule: string }[] };
  dpia: {
    required: boolean;
    criteria: string[];
    state: string;
    version: number | null;
    reviewDate: string | null;
  };
  processors: { name: string; service: string; locations: string[]; problems: string[] }[];
}

export interface DpiaDetail {
  versions: DpiaVersion[];
  context: RecordPurpose & {
    fields: { name: string; label: string; category: string; tier: number }[];
    need: { required: boolean; rule: string | null; criteria: CriterionMet[] };
  };
}

export type PolicyStatus = 'proposed' | 'active' | 'superseded' | 'rejected';

export interface PolicyVersion {
  version: number;
  sha256: string;
  status: PolicyStatus;
  proposedBy: string | null;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  rollbackOf: number | null;
  files?: Record<string, string>;
}

export interface PolicyList {
  active: number;
  builtin: Record<string, string>;
  versions: PolicyVersion[];
}

export interface FileChange {
  file: string;
  change: 'added' | 'removed' | 'changed';
  hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }[];
}

export interface ImpactGroup {
  direction: 'to-allow' | 'to-deny';
  who: string;
  action: string;
  purpose: string;
  what: string;
  cells: number;
  examples: string[];
  reasons: string[];
}

export interface PolicyImpact {
  base: number;
  proposed: number;
  cells: number;
  toAllow: number;
  toDeny: number;
  reasonsChanged: number;
  groups: ImpactGroup[];
  truncated: boolean;
  files: FileChange[];
  sha256: string;
}

export type ImpactAnswer =
  | { state: 'ready'; impact: PolicyImpact }
  | { state: 'computing'; cells?: number }
  | { state: 'queued'; ahead?: number };

export interface ProcessorInput {
  name: string;
  service: string;
  parentId: string | null;
  categories: string[];
  purposes: string[];
  locations: string[];
  transferSafeguard: string | null;
  contractSigned: string | null;
  contractExpires: string | null;
  dpaSigned: string | null;
  dpaExpires: string | null;
  lastAudit: string | null;
  nextAudit: string | null;
  endedOn: string | null;
}

export interface Processor extends ProcessorInput {
  id: string;
  /** contract-lapsed, dpa-missing, dpa-lapsed or audit-overdue, as of today. */
  problems: string[];
  updatedAt: string;
}

/** The data categories of the dictionary (processors say which they handle). */
export const CATEGORIES = [
  'name',
  'contact',
  'civil-status',
  'family',
  'health',
  'legal-status',
  'biometric',
  'location',
  'documents',
  'case-notes',
  'protection',
  'language',
  'nationality',
  'demographic',
] as const;

export interface ConcernMessage {
  author: 'sender' | 'dpo' | 'oversight';
  text: string;
  sentOn: string;
}

export interface ConcernClocks {
  receivedOn: string;
  acknowledgedOn: string | null;
  answeredOn: string | null;
  closedOn: string | null;
  acknowledgeBy: string;
  answerBy: string;
}

export interface ConcernSummary extends ConcernClocks {
  id: string;
  organisation: string | null;
  aboutDpo: boolean;
  language: string;
}

export interface Concern extends ConcernSummary {
  messages: ConcernMessage[];
}

/** What the sender reads with their follow-up code: the clocks and the exchange, nothing about who read it. */
export interface SenderConcern extends ConcernClocks {
  messages: ConcernMessage[];
}

export interface ConcernChallenge {
  challenge: string;
  difficulty: number;
  acknowledgeDays: number;
  answerMonths: number;
}

export interface RaisedConcern {
  followUpCode: string;
  receivedOn: string;
  acknowledgeBy: string;
  answerBy: string;
}

export interface OrganisationProfile {
  id: string;
  slug: string;
  name: string;
  contact: string | null;
  dpoContact: string | null;
  country: string | null;
}

export interface PublicProcessor {
  id: string;
  name: string;
  service: string;
  parent: string | null;
  categories: string[];
  purposes: string[];
  locations: string[];
  transferSafeguard: string | null;
  contractInForce: boolean;
  dpaInForce: boolean;
  ended: string | null;
  problems: string[];
}

export interface ProcessingRecord {
  controller: {
    name: string;
    slug: string;
    contact: string | null;
    dpoContact: string | null;
    country: string | null;
  };
  subjects: { vulnerable: boolean; description: string | null };
  purposes: RecordPurpose[];
  /** Absent in records published before it was added. */
  retention?: { person: string; caseStates: { name: string; closesCase: boolean; decidesClaim: boolean }[] };
  security: string[];
  processors: PublicProcessor[];
  sources: { dictionary: string; dictionaryVersion: number; policyVersion: number };
}

export interface PublishedRecord {
  version: number;
  publishedAt: string;
  sha256: string;
  record: ProcessingRecord;
}
