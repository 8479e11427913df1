/**
 * Retention (RET-1, RET-2): what the rules make due, the sweeps that erased it and the last restore drill, for
 * supervisors and the DPO. Ids, groups, rules, days and counts only, never a value; /api/openapi.json is the
 * reference.
 */
import { api } from './client.ts';

/** The preview looks this far ahead at most (src/gate/retention-preview.ts). */
export const PREVIEW_MAX_DAYS = 3660;
export const PREVIEW_DEFAULT_DAYS = 30;

export interface PreviewItem {
  personId: string;
  group: string;
  categories: string[];
  fields: string[];
  rule: string;
  /** `person`: the person-wide rule (last contact + 10 years) made it due before the class's own. */
  by: 'class' | 'person';
  dueOn: string;
  /** The day the sweep takes it: its due day, or the next sweep's when already past. */
  goesOn: string;
  /** The legal holds that keep it then; empty when none. */
  heldBy: string[];
}

export interface RetentionPreview {
  today: string;
  days: number;
  until: string;
  counts: { goesOn: string; category: string; items: number; held: number }[];
  totals: { persons: number; items: number; held: number };
  items: PreviewItem[];
  truncated: boolean;
}

export type SweepTrigger = 'schedule' | 'staff' | 'command';
export type SweepState = 'running' | 'done' | 'failed';

/** What one sweep erased, per field group (`*`: the whole person) and rule. */
export interface Disposal {
  group: string;
  rule: string;
  categories: string[];
  items: number;
}

export interface RetentionSweep {
  id: string;
  onDay: string;
  trigger: SweepTrigger;
  startedAt: string;
  finishedAt: string | null;
  state: SweepState;
  personsErased: number;
  groupsErased: number;
  held: number;
  disposals: Disposal[];
}

/** The restore drill's latest outcome (RES-1), with the digest of its report. */
export interface RestoreDrill {
  at: string;
  pass: boolean;
  digest: string;
}

export interface RetentionSweeps {
  /** Newest first, 20 at most. */
  sweeps: RetentionSweep[];
  lastDrill: RestoreDrill | null;
}

export const retentionPreview = (days: number) =>
  api.get<RetentionPreview>('/api/retention/preview', { query: { days } });

export const retentionSweeps = () => api.get<RetentionSweeps>('/api/retention/sweeps');

/** RET-2, the DPO only: the sweep runs now through the job queue; its row appears in the sweeps. */
export const runSweep = () => api.post<{ sweepId: string }>('/api/retention/sweeps', {});
