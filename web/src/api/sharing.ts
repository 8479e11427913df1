/** Partners and data-sharing agreements as the API gives them (src/sharing, GET /api/partners, /api/agreements). */

export const PARTNER_KINDS = [
  'un-agency',
  'ngo',
  'service-provider',
  'host-state-authority',
  'origin-state-authority',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export const AUTHORITY_KINDS: readonly string[] = ['host-state-authority', 'origin-state-authority'];

export interface PartnerKey {
  kid: string;
  use: 'sig' | 'enc';
  alg: string;
  jwk: Record<string, unknown>;
  addedAt: string;
  retiredAt: string | null;
}

export interface Partner {
  id: string;
  name: string;
  jurisdiction: string;
  kind: PartnerKind;
  actsForCountry: string | null;
  contacts: { name: string; email: string; role?: string }[];
  webhookUrl: string | null;
  state: 'active' | 'suspended';
  suspensionReason: string | null;
  createdAt: string;
  keys: PartnerKey[];
}

export type AgreementStatus =
  | 'proposed'
  | 'pending-start'
  | 'active'
  | 'expired'
  | 'suspended'
  | 'terminated';

export interface Agreement {
  id: string;
  partnerId: string;
  partnerName: string;
  title: string;
  purposes: string[];
  fields: string[];
  legalBasis: string;
  startsOn: string;
  endsOn: string;
  partnerRetention: string;
  onwardSharingBanned: boolean;
  onwardSharingReason: string | null;
  dpias: { purpose: string; id: string; version: number; reviewDate: string }[] | null;
  state: 'proposed' | 'approved' | 'suspended' | 'terminated';
  status: AgreementStatus;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  suspensionReason: string | null;
  terminationReason: string | null;
}
