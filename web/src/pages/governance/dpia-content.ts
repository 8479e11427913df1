/** A DPIA's content as the editor works on it (GOV-2), and the CNIL risk levels the server computes too. */
import {
  type DpiaContent,
  type DpiaRisk,
  FEARED_EVENTS,
  type Rating,
  type RiskLevel,
} from '../../api/governance.ts';

/** A risk not yet assessed: rated at its worst until the assessor says otherwise, so nothing looks safe by default. */
export function newRisk(event: string): DpiaRisk {
  return {
    event,
    description: '',
    rating: { likelihood: 4, severity: 4 },
    measures: [''],
    residual: { likelihood: 4, severity: 4 },
  };
}

/** A new draft: the three feared events to assess, consultation to describe, a review a year from now. */
export function emptyDpiaContent(now = new Date()): DpiaContent {
  const next = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  return {
    description: '',
    necessity: '',
    proportionality: '',
    risks: FEARED_EVENTS.map(newRisk),
    consultation: { sought: true, summary: '' },
    reviewDate: next,
  };
}

/** 1–2 low, 3–4 moderate, 6–8 high, 9–16 very high (src/domain/dpia/dpia.ts). */
export function riskLevel(rating: Rating): RiskLevel {
  const score = rating.likelihood * rating.severity;
  if (score <= 2) return 'low';
  if (score <= 4) return 'moderate';
  if (score <= 8) return 'high';
  return 'very-high';
}

/** The content as sent back: empty measures dropped, so a blank line left in the form is not a measure. */
export function cleanContent(content: DpiaContent): DpiaContent {
  return {
    ...content,
    risks: content.risks.map((r) => ({ ...r, measures: r.measures.filter((m) => m.trim() !== '') })),
  };
}
