import type { Dictionary, Purpose } from '../dictionary/index.ts';

/**
 * Whether a purpose needs a DPIA (GDPR 35, GOV-2), computed — never declared — from the nine criteria of the
 * European guidelines (Article 29 Working Party, WP248 rev.01): processing that meets two or more is likely to
 * be high risk and needs one. Biometric processing always does (BIO-1). Sensitive data, biometrics and
 * vulnerable people are read from the dictionary; the rest from the purpose's declared `processing` traits.
 */
export const WP248_CRITERIA = [
  'evaluation-or-scoring',
  'automated-decisions',
  'systematic-monitoring',
  'sensitive-data',
  'large-scale',
  'matching-data-sets',
  'vulnerable-people',
  'innovative-technology',
  'denial-of-service',
] as const;
export type Wp248Criterion = (typeof WP248_CRITERIA)[number];

export interface CriterionMet {
  criterion: Wp248Criterion;
  /** Why, as a stable code: `declared:scale`, `category:health`, `tier:3`, `dictionary:subjects`. */
  because: string;
}

/** Categories WP248 counts as sensitive or highly personal data (criterion 4), besides tiers 3 and 4. */
export const SENSITIVE_CATEGORIES = [
  'health',
  'biometric',
  'legal-status',
  'protection',
  'case-notes',
] as const;

export function dpiaCriteria(dictionary: Dictionary, purpose: Purpose): CriterionMet[] {
  const met: CriterionMet[] = [];
  const traits = purpose.processing;
  const fields = dictionary.fieldsReadableFor(purpose.name);
  if (traits.scoring) met.push({ criterion: 'evaluation-or-scoring', because: 'declared:scoring' });
  if (traits.automatedDecisions)
    met.push({ criterion: 'automated-decisions', because: 'declared:automatedDecisions' });
  if (traits.monitoring) met.push({ criterion: 'systematic-monitoring', because: 'declared:monitoring' });
  const sensitive = fields.find((f) => (SENSITIVE_CATEGORIES as readonly string[]).includes(f.category));
  const highTier = fields.find((f) => f.tier >= 3);
  if (sensitive) met.push({ criterion: 'sensitive-data', because: `category:${sensitive.category}` });
  else if (highTier) met.push({ criterion: 'sensitive-data', because: `tier:${highTier.tier}` });
  if (traits.scale === 'large') met.push({ criterion: 'large-scale', because: 'declared:scale' });
  if (traits.matching) met.push({ criterion: 'matching-data-sets', because: 'declared:matching' });
  if (dictionary.vulnerableSubjects)
    met.push({ criterion: 'vulnerable-people', because: 'dictionary:subjects' });
  if (fields.some((f) => f.category === 'biometric')) {
    met.push({ criterion: 'innovative-technology', because: 'category:biometric' });
  } else if (traits.newTechnology) {
    met.push({ criterion: 'innovative-technology', because: 'declared:newTechnology' });
  }
  if (traits.deniesService) met.push({ criterion: 'denial-of-service', because: 'declared:deniesService' });
  return met;
}

export interface DpiaNeed {
  required: boolean;
  criteria: CriterionMet[];
  /** Why it is required: `criteria` (two or more), `biometrics` (always, BIO-1), or null when not required. */
  rule: 'criteria' | 'biometrics' | null;
}

export function dpiaNeed(dictionary: Dictionary, purpose: Purpose): DpiaNeed {
  if (purpose.prohibited) return { required: false, criteria: [], rule: null };
  const criteria = dpiaCriteria(dictionary, purpose);
  if (dictionary.fieldsReadableFor(purpose.name).some((f) => f.category === 'biometric')) {
    return { required: true, criteria, rule: 'biometrics' };
  }
  return criteria.length >= 2
    ? { required: true, criteria, rule: 'criteria' }
    : { required: false, criteria, rule: null };
}
