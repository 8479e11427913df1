/** The shapes of the staff side of rights requests (RIG-1 – RIG-5); /api/openapi.json is the reference. */

export const RIGHTS_KINDS = ['access', 'portability', 'correction', 'erasure', 'restriction', 'objection'];
export const CHANNELS = ['in-person', 'oral', 'written', 'portal', 'representative'];
/** What staff may record; card and PIN are checked and recorded by the portal itself. */
export const IDENTITY_CHECKS = ['card', 'known-caseworker', 'document-seen'];
export const REFUSAL_REASONS = [
  'identity-not-established',
  'suspected-duress',
  'manifestly-unfounded',
  'excessive',
  'rights-of-others',
  'legal-obligation',
  'legal-hold',
];

export type RequestState =
  | 'received'
  | 'identity-checked'
  | 'in-progress'
  | 'extended'
  | 'answered'
  | 'refused';

export interface RightsRequest {
  id: string;
  personId: string;
  kind: string;
  channel: string;
  purpose: string | null;
  state: RequestState;
  receivedOn: string;
  dueOn: string;
  extended: boolean;
  overdue: boolean;
  identity: { check: string; strength: number } | null;
  assignee: string | null;
  refusalReason: string | null;
}

/** A month in counts, for the DPO and oversight. */
export interface RightsFigures {
  month: string;
  received: { total: number; byKind: Record<string, number>; byChannel: Record<string, number> };
  extended: number;
  answered: { total: number; late: number; medianDays: number | null };
  refused: { total: number; byReason: Record<string, number> };
  now: { on: string; open: number; overdue: number };
}
