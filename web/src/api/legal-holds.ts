/**
 * Legal holds (RET-1, ACC-6): placed on a person by a supervisor or the DPO, approved by a second one, released early
 * with a reason. Ids, codes and dates; the words given come back only in the answer to the step itself.
 * /api/openapi.json is the reference (src/http/routes/legal-holds.ts).
 */
import { api } from './client.ts';

/** The reasons a hold is placed for and released early for (src/domain/retention/legal-holds.ts). */
export const HOLD_REASONS = ['litigation', 'investigation-by-oversight', 'court-order', 'other'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];
export const RELEASE_REASONS = [
  'proceedings-ended',
  'placed-in-error',
  'authority-withdrew',
  'other',
] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/** Longest note a hold or release keeps. */
export const HOLD_NOTE_MAX = 2000;
/** A hold not approved within this many days of being placed lapses (ACC-6). */
export const PENDING_HOLD_DAYS = 7;

export type HoldState = 'pending' | 'active' | 'lapsed' | 'expired' | 'released';

export interface LegalHold {
  id: string;
  scope: 'person';
  personId: string;
  /** The categories of the person's data it keeps; null: everything of them. */
  categories: string[] | null;
  reason: HoldReason;
  /** Only in the answer to a step, never in a list. */
  note: { hold?: string; release?: string } | null;
  untilOn: string | null;
  state: HoldState;
  /** Whether it stops an erasure today (pending or active). */
  blocks: boolean;
  placedBy: string;
  placedOn: string;
  placedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: ReleaseReason | null;
}

export interface PlaceHold {
  reason: HoldReason;
  note?: string;
  /** The last day it holds (YYYY-MM-DD). */
  until?: string;
  /** Absent: everything of the person. */
  categories?: string[];
}

/** The organisation's holds, those in force first (supervisors and the DPO). */
export const listLegalHolds = () => api.get<{ holds: LegalHold[] }>('/api/legal-holds').then((r) => r.holds);

export const placeLegalHold = (personId: string, hold: PlaceHold) =>
  api.post<LegalHold>(`/api/persons/${personId}/legal-holds`, hold);

/** ACC-6: by someone other than the placer; asks for the password and code again (ACC-4). */
export const approveLegalHold = (holdId: string) =>
  api.post<LegalHold>(`/api/legal-holds/${holdId}/approve`, {});

export const releaseLegalHold = (holdId: string, release: { reason: ReleaseReason; note?: string }) =>
  api.post<LegalHold>(`/api/legal-holds/${holdId}/release`, release);
