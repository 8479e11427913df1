/** The incident register and the authority's clock (BRE-1, BRE-2): types mirrored from src/incidents/view.ts. */
import { api } from './client.ts';

export const INCIDENT_STATES = ['suspected', 'confirmed', 'contained', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
/** Mirrors src/domain/incidents/register.ts TRANSITIONS (the server decides; this only offers the buttons). */
export const TRANSITIONS: Record<IncidentState, IncidentState[]> = {
  suspected: ['confirmed', 'closed'],
  confirmed: ['contained'],
  contained: ['confirmed', 'closed'],
  closed: [],
};
/** The dictionary's field categories (MIN-1), as src/domain/dictionary/types.ts lists them. */
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
export const NATURES = ['confidentiality', 'integrity', 'availability'] as const;
export const PEOPLE_CATEGORIES = [
  'registered-people',
  'children',
  'family-members',
  'staff',
  'partner-staff',
] as const;
export const SOURCE_KINDS = ['account', 'partner', 'partner-credential', 'device'] as const;
export const LATE_REASONS = [
  'investigation-needed',
  'information-in-phases',
  'authority-unreachable',
  'processor-told-late',
  'other',
] as const;
export const NO_NOTIFICATION_REASONS = ['unlikely-to-result-in-risk', 'not-a-personal-data-breach'] as const;
export const INCIDENT_TEXTS = [
  'description',
  'consequences',
  'measuresTaken',
  'measuresProposed',
  'contactPoint',
] as const;
export type IncidentText = (typeof INCIDENT_TEXTS)[number];

export interface IncidentClock {
  state: 'running' | 'overdue' | 'notified' | 'notified-late' | 'not-required';
  dueAt: string;
  leftMs: number | null;
  lateMs: number;
}

export interface IncidentSource {
  kind: (typeof SOURCE_KINDS)[number];
  accountId?: string;
  partnerId?: string;
  keyId?: string;
  deviceId?: string;
}

export interface Incident {
  id: string;
  reference: string;
  drill: boolean;
  state: IncidentState;
  version: number;
  awareAt: string;
  recordedAt: string;
  recordedBy: string;
  nature: string[];
  dataCategories: string[];
  peopleCategories: string[];
  peopleApprox: number | null;
  recordsApprox: number | null;
  highRisk: boolean;
  texts: Record<IncidentText, string | null> | null;
  source: IncidentSource | null;
  window: { from: string | null; to: string | null };
  steps: {
    confirmedAt: string | null;
    containedAt: string | null;
    closedAt: string | null;
    affectedComputedAt: string | null;
  };
  notification: {
    at: string;
    to: string;
    text: string | null;
    by: string;
    lateReason: string | null;
    lateNote: string | null;
    drill: boolean;
  } | null;
  noNotificationReason: string | null;
  clock: IncidentClock;
}

export interface OpenClock {
  id: string;
  reference: string;
  awareAt: string;
  clock: IncidentClock;
}

export interface StepSummary {
  reached: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
}
export const DRILL_STEPS = [
  'confirmed',
  'affectedComputed',
  'noticesDrafted',
  'contained',
  'notified',
  'closed',
] as const;

export interface DrillFigures {
  year: number;
  drills: {
    id: string;
    reference: string;
    awareAt: string;
    state: string;
    steps: Record<(typeof DRILL_STEPS)[number], number | null>;
    inTime: boolean | null;
  }[];
  summary: { drills: number; inTime: number; steps: Record<(typeof DRILL_STEPS)[number], StepSummary> };
}

export const listIncidents = () =>
  api.get<{ incidents: Incident[] }>('/api/incidents').then((r) => r.incidents);
export const openClocks = () => api.get<{ open: OpenClock[] }>('/api/incidents/clock').then((r) => r.open);
export const getIncident = (id: string) => api.get<Incident>(`/api/incidents/${id}`);
export const getDraft = (id: string) =>
  api.get<{ text: string }>(`/api/incidents/${id}/draft`).then((r) => r.text);
export const getDrillFigures = (year: number) =>
  api.get<DrillFigures>('/api/incidents/drills/figures', { query: { year: String(year) } });
export const openIncident = (body: Record<string, unknown>) => api.post<Incident>('/api/incidents', body);
export const updateIncident = (id: string, body: Record<string, unknown>) =>
  api.patch<Incident>(`/api/incidents/${id}`, body);
export const moveIncident = (id: string, to: IncidentState, version: number) =>
  api.post<Incident>(`/api/incidents/${id}/state`, { to, version });
export const notifyAuthority = (id: string, body: Record<string, unknown>) =>
  api.post<Incident>(`/api/incidents/${id}/notification`, body);
export const recordNoNotification = (id: string, reason: string, version: number) =>
  api.post<Incident>(`/api/incidents/${id}/no-notification`, { reason, version });

/** Tells the banner to look again after a change (open, notify). */
export const announceIncidentChange = () => window.dispatchEvent(new Event('haven:incidents'));

/** A local date-time input's value (YYYY-MM-DDTHH:mm, the reader's zone) for a moment, and back. */
export function toLocalInput(iso: string | Date): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export const fromLocalInput = (value: string): string => new Date(value).toISOString();
