/**
 * Access recertification (ACC-7): the grants a reviewer decides with what each was used for (from the ledger),
 * approving and revoking (re-authenticated), campaigns, training records, break-glass eligibility and who reviews
 * whom. Staff emails and ids, never a registered person; /api/openapi.json is the reference.
 */

import { api } from './client.ts';
import type { Role } from './types.ts';

export type GrantKind = 'role' | 'tier' | 'caseload' | 'break-glass' | 'agreement';
export type GrantState = 'active' | 'lapsed' | 'revoked' | 'replaced';

export interface AccessGrant {
  id: string;
  kind: GrantKind;
  accountId: string | null;
  account: string | null;
  accountRole: Role | null;
  agreementId: string | null;
  agreement: string | null;
  scope: string;
  grantedAt: string;
  reviewDue: string;
  reviewedAt: string | null;
  state: GrantState;
  reviewerId: string | null;
}

export interface GrantUsage {
  since: string;
  until: string;
  lastUse: string | null;
  volume: number;
  people: number;
  actions: { action: string; count: number }[];
}

export interface ReviewEntry {
  grant: AccessGrant;
  usage: GrantUsage | null;
  campaign: { id: string; decision: 'approved' | 'revoked' | null } | null;
  trainingCurrent: boolean | null;
}

export interface Campaign {
  id: string;
  startedBy: string;
  startedAt: string;
  dueBy: string;
  state: 'open' | 'closed';
  items: number;
  decided: number;
  approved: number;
  revoked: number;
}

export interface TrainingRecord {
  id: string;
  accountId: string;
  course: string;
  completedOn: string;
  expiresOn: string;
  recordedAt: string;
}

export interface StaffTraining {
  accountId: string;
  account: string;
  role: Role;
  tier: number;
  latest: TrainingRecord | null;
  state: 'current' | 'expired' | 'missing';
  needed: boolean;
  reviewerId: string | null;
}

/** The server's default review period (HAVEN_REVIEW_DAYS' default), offered as the next review date. */
export const DEFAULT_REVIEW_DAYS = 90;

export const reviewGrants = () => api.get<{ entries: ReviewEntry[] }>('/api/reviews/grants');
export const approveGrant = (id: string, reviewDue: string) =>
  api.post<AccessGrant>(`/api/reviews/grants/${id}/approve`, { reviewDue });
export const revokeGrant = (id: string) => api.post<AccessGrant>(`/api/reviews/grants/${id}/revoke`);
export const reviewCampaigns = () => api.get<{ campaigns: Campaign[] }>('/api/reviews/campaigns');
export const startCampaign = (dueBy: string | undefined) =>
  api.post<Campaign>('/api/reviews/campaigns', dueBy ? { dueBy } : {});
export const staffTraining = () => api.get<{ staff: StaffTraining[] }>('/api/reviews/training');
export const recordTraining = (input: {
  accountId: string;
  course: string;
  completedOn: string;
  expiresOn: string;
}) => api.post<TrainingRecord>('/api/reviews/training', input);
export const grantBreakGlass = (accountId: string) =>
  api.post<AccessGrant>('/api/reviews/break-glass-eligibility', { accountId });
export const setReviewer = (accountId: string, reviewerId: string | null) =>
  api.request<null>(`/api/reviews/reviewers/${accountId}`, { method: 'PUT', body: { reviewerId } });
