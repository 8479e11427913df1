/**
 * Restriction of processing (GDPR 18, RIG-1): why a restriction may be lifted. Each names the end of what the
 * restriction was asked for; `other` needs words. The person is told before any lift (GDPR 18(3)).
 */
export const LIFT_REASONS = [
  // 18(1)(a): the accuracy the person contested was verified (and corrected where it was wrong).
  'accuracy-verified',
  // 18(1)(d): it was decided whether the organisation's grounds override the person's objection.
  'objection-decided',
  // 18(1)(c): the person no longer needs the data kept for legal claims.
  'legal-claims-concluded',
  // The person asked for processing to resume.
  'person-asked',
  'other',
] as const;
export type LiftReason = (typeof LIFT_REASONS)[number];
