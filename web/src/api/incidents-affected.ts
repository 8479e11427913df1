/** The people a breach affected and the notices to them (BRE-3, BRE-2): mirrored from src/http/routes/incident-affected.ts. */
import { ApiError, api } from './client.ts';

export interface AffectedSummary {
  incidentId: string;
  source: { kind: 'account' | 'partner' | 'partner-credential'; id: string; key: string | null };
  window: { from: string; to: string };
  attribution: 'exact' | 'partner-wide';
  ledgerHead: number;
  firstSeq: number | null;
  lastSeq: number | null;
  people: number;
  events: number;
  denied: number;
  byCategory: Record<string, number>;
  byExposure: Record<string, number>;
  computedAt: string;
  computedBy: string;
  digest: string;
  notices: {
    issued: number;
    portal: number;
    letters: number;
    read: number;
    printed: number;
    issuedAt: string | null;
  };
}

export interface IssuedNotices {
  incidentId: string;
  drill: boolean;
  issued: number;
  portal: number;
  letters: number;
  skipped: number;
  byLanguage: Record<string, number>;
}

export interface BreachLetter {
  id: string;
  incidentId: string;
  reference: string;
  organisation: string;
  language: 'en' | 'fr' | 'es' | 'uk' | 'ar' | 'prs';
  channel: 'portal' | 'letter';
  sourceKind: 'account' | 'partner' | 'partner-credential';
  window: { from: string; to: string };
  categories: string[];
  onlyConfirmed: boolean;
  drill: boolean;
  issuedAt: string;
  contact: string | null;
  name: {
    given: string | null;
    family: string | null;
    givenLatin: string | null;
    familyLatin: string | null;
  } | null;
}

/** The counts, or null before the first computation. */
export const getAffected = (incidentId: string) =>
  api.get<AffectedSummary>(`/api/incidents/${incidentId}/affected`).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'affected-not-computed') return null;
    throw error;
  });
export const computeAffected = (incidentId: string) =>
  api.post<AffectedSummary>(`/api/incidents/${incidentId}/affected`, {});
export const issueNotices = (incidentId: string) =>
  api.post<IssuedNotices>(`/api/incidents/${incidentId}/notices`, {});
export const markPrinted = (incidentId: string, notices: string[]) =>
  api.post<{ printed: number }>(`/api/incidents/${incidentId}/letters/printed`, { notices });
export const getLetters = (incidentId: string, all: boolean) =>
  api.get<BreachLetter[]>(`/api/incidents/${incidentId}/letters`, { query: all ? { all: true } : {} });
