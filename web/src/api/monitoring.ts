/**
 * Anomaly detection over the ledger (AUD-6), for the DPO: alerts with their evidence (ledger entries), their
 * acknowledgement with an outcome, the rules' thresholds, and the share of accesses the data explains. Ids, codes
 * and numbers only; /api/openapi.json is the reference.
 */
import { api } from './client.ts';

export const RULES = [
  'volume',
  'outside-caseload',
  'off-hours',
  'fishing',
  'bulk-export',
  'repeated-denials',
  'frequent-break-glass',
] as const;
export type Rule = (typeof RULES)[number];

export const OUTCOMES = ['misuse', 'justified', 'false-alarm'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface MonitoringAlert {
  id: string;
  /** `anomaly.<rule>`, or an older kind (`break-glass`, `verification-burst`). */
  kind: string;
  /** The staff account (or partner) it is about. */
  subject: string | null;
  raisedBy: string | null;
  raisedAt: string;
  evidence: number[];
  explanation: { code: string; params: Record<string, number> } | null;
  suspended: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  outcome: Outcome | null;
}

export interface EvidenceEntry {
  entry: number;
  time: string;
  action: string;
  purpose: string | null;
  fieldGroups: string[];
  decision: 'allow' | 'deny';
  reason: string;
}

export type Thresholds = Record<Exclude<keyof ThresholdShape, 'suspendOn'>, number> & { suspendOn: Rule[] };
interface ThresholdShape {
  volumePValue: number;
  volumeMinimum: number;
  volumeDefaultPerHour: number;
  outsideCaseloadPerDay: number;
  offHoursShare: number;
  offHoursMinimum: number;
  baselineMinimumDays: number;
  fishingHitsPerSearch: number;
  fishingSearchesPerHour: number;
  bulkPersonsPerHour: number;
  denialsPerHour: number;
  breakGlassPerWeek: number;
  suspendOn: Rule[];
}
export const THRESHOLD_NAMES = [
  'outsideCaseloadPerDay',
  'volumePValue',
  'volumeMinimum',
  'volumeDefaultPerHour',
  'offHoursShare',
  'offHoursMinimum',
  'baselineMinimumDays',
  'fishingHitsPerSearch',
  'fishingSearchesPerHour',
  'bulkPersonsPerHour',
  'denialsPerHour',
  'breakGlassPerWeek',
] as const;
export type ThresholdName = (typeof THRESHOLD_NAMES)[number];

export interface ExplainedShare {
  from: string;
  to: string;
  accesses: number;
  explained: number;
  share: number | null;
  byReason: Record<string, number>;
  days: { day: string; accesses: number; explained: number }[];
}

export const monitoringAlerts = (state: 'open' | 'acknowledged') =>
  api.get<{ alerts: MonitoringAlert[] }>('/api/monitoring/alerts', { query: { state } });

export const alertWithEvidence = (id: string) =>
  api.get<{ alert: MonitoringAlert; evidence: EvidenceEntry[] }>(`/api/monitoring/alerts/${id}`);

export const acknowledgeAlert = (id: string, outcome: Outcome) =>
  api.post<MonitoringAlert>(`/api/monitoring/alerts/${id}/acknowledge`, { outcome });

export const monitoringThresholds = () =>
  api.get<{ thresholds: Thresholds; defaults: Thresholds; rules: Rule[] }>('/api/monitoring/thresholds');

/** The DPO, recently re-authenticated (the app asks for it when needed). */
export const saveThresholds = (thresholds: Partial<Record<ThresholdName, number>> & { suspendOn: Rule[] }) =>
  api.request<{ thresholds: Thresholds }>('/api/monitoring/thresholds', { method: 'PUT', body: thresholds });

export const explainedShare = () => api.get<ExplainedShare>('/api/monitoring/explained');
