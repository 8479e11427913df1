import { isCalendarDate } from '../dictionary/dates.ts';
import { HavenError } from '../errors.ts';

/**
 * A data protection impact assessment (GDPR 35, GOV-2): what the assessor writes. What Haven already knows — the
 * purposes, the data categories and tiers of the data set, the recipients, whether a DPIA is required and why —
 * is filled in from the dictionary and the registers when the DPIA is shown, never typed again.
 *
 * Risks follow the CNIL method: at least the three feared events (illegitimate access, unwanted change,
 * disappearance of data), each rated on 4-level scales of likelihood and severity, with the measures taken and
 * the residual rating after them.
 */
export const FEARED_EVENTS = ['illegitimate-access', 'unwanted-change', 'disappearance'] as const;
export type FearedEvent = (typeof FEARED_EVENTS)[number];

/** 1 negligible, 2 limited, 3 significant, 4 maximum (CNIL). */
export type Level = 1 | 2 | 3 | 4;

export interface Rating {
  likelihood: Level;
  severity: Level;
}

export interface DpiaRisk {
  /** One of the feared events, or an own risk (a short kebab-case code). */
  event: string;
  description: string;
  rating: Rating;
  measures: string[];
  residual: Rating;
}

export type Consultation = { sought: true; summary: string } | { sought: false; reason: string };

export interface DpiaContent {
  /** The processing, in words a person could follow. */
  description: string;
  necessity: string;
  proportionality: string;
  risks: DpiaRisk[];
  /** The views of the people concerned or their representatives, or why they were not sought (GDPR 35(9)). */
  consultation: Consultation;
  /** When it must be reviewed (YYYY-MM-DD): after that day the processing stops until it is approved again. */
  reviewDate: string;
}

/** The level of a rating, by the product of its two scales: 1–2 low, 3–4 moderate, 6–8 high, 9–16 very high. */
export function riskLevel(rating: Rating): 'low' | 'moderate' | 'high' | 'very-high' {
  const score = rating.likelihood * rating.severity;
  if (score <= 2) return 'low';
  if (score <= 4) return 'moderate';
  if (score <= 8) return 'high';
  return 'very-high';
}

const TEXT_MAX = 20_000;
/** Processing and its risks change: an assessment is reviewed at least this often. */
export const REVIEW_YEARS_MAX = 3;

const addYears = (day: string, years: number) => `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;
const LEVELS = [1, 2, 3, 4];

interface Problem {
  path: string;
  code: string;
  message: string;
}

function text(problems: Problem[], path: string, value: unknown, required: boolean): void {
  if (typeof value !== 'string' || (required && value.trim() === '')) {
    problems.push({ path, code: 'required', message: 'write this part of the assessment.' });
  } else if (value.length > TEXT_MAX) {
    problems.push({ path, code: 'too-long', message: `at most ${TEXT_MAX} characters.` });
  }
}

function rating(problems: Problem[], path: string, value: unknown): void {
  const r = value as Partial<Rating> | undefined;
  for (const scale of ['likelihood', 'severity'] as const) {
    if (!LEVELS.includes(r?.[scale] as number)) {
      problems.push({ path: `${path}/${scale}`, code: 'level-invalid', message: 'a level from 1 to 4.' });
    }
  }
}

/**
 * Checks a DPIA's content. A draft may be incomplete (`complete: false` checks only the shape); submitting and
 * approving need every part, the three feared events, measures for every risk, a residual rating no worse than
 * the first, and a review date in the future (`today`, YYYY-MM-DD).
 */
export function checkDpiaContent(content: DpiaContent, options: { complete: boolean; today: string }): void {
  const problems: Problem[] = [];
  const full = options.complete;
  text(problems, 'description', content.description, full);
  text(problems, 'necessity', content.necessity, full);
  text(problems, 'proportionality', content.proportionality, full);
  if (!Array.isArray(content.risks)) {
    problems.push({ path: 'risks', code: 'required', message: 'list the risks.' });
  } else {
    if (content.risks.length > 50)
      problems.push({ path: 'risks', code: 'too-many', message: 'at most 50 risks.' });
    content.risks.forEach((risk, i) => {
      const path = `risks/${i}`;
      if (typeof risk?.event !== 'string' || !/^[a-z][a-z0-9-]{0,62}$/.test(risk.event)) {
        problems.push({
          path: `${path}/event`,
          code: 'event-invalid',
          message: 'a short code, e.g. illegitimate-access.',
        });
      }
      text(problems, `${path}/description`, risk?.description, full);
      rating(problems, `${path}/rating`, risk?.rating);
      rating(problems, `${path}/residual`, risk?.residual);
      if (
        !Array.isArray(risk?.measures) ||
        risk.measures.some((m) => typeof m !== 'string' || m.length > 2000)
      ) {
        problems.push({ path: `${path}/measures`, code: 'measures-invalid', message: 'a list of measures.' });
      } else if (full && risk.measures.filter((m) => m.trim() !== '').length === 0) {
        problems.push({
          path: `${path}/measures`,
          code: 'measures-missing',
          message: 'say what is done about this risk.',
        });
      }
      if (
        full &&
        LEVELS.includes(risk?.rating?.likelihood) &&
        LEVELS.includes(risk?.residual?.likelihood) &&
        risk.residual.likelihood * risk.residual.severity > risk.rating.likelihood * risk.rating.severity
      ) {
        problems.push({
          path: `${path}/residual`,
          code: 'residual-above-risk',
          message: 'the risk after the measures cannot be higher than before them.',
        });
      }
    });
    if (full) {
      for (const event of FEARED_EVENTS) {
        if (!content.risks.some((r) => r?.event === event)) {
          problems.push({
            path: 'risks',
            code: 'feared-event-missing',
            message: `assess the risk of ${event}.`,
          });
        }
      }
    }
  }
  const c = content.consultation as Partial<{ sought: boolean; summary: string; reason: string }> | undefined;
  if (typeof c?.sought !== 'boolean') {
    if (full) {
      problems.push({
        path: 'consultation',
        code: 'required',
        message: 'give the views of the people concerned, or why they were not sought (GDPR 35(9)).',
      });
    }
  } else {
    text(
      problems,
      c.sought ? 'consultation/summary' : 'consultation/reason',
      c.sought ? c.summary : c.reason,
      full,
    );
  }
  if (typeof content.reviewDate !== 'string' || !isCalendarDate(content.reviewDate)) {
    if (full || content.reviewDate !== undefined) {
      problems.push({ path: 'reviewDate', code: 'date-invalid', message: 'a review date, YYYY-MM-DD.' });
    }
  } else if (full && content.reviewDate <= options.today) {
    problems.push({
      path: 'reviewDate',
      code: 'review-date-past',
      message: 'the review date must be in the future.',
    });
  } else if (content.reviewDate > addYears(options.today, REVIEW_YEARS_MAX)) {
    problems.push({
      path: 'reviewDate',
      code: 'review-date-too-far',
      message: `review the assessment at least every ${REVIEW_YEARS_MAX} years.`,
    });
  }
  if (problems.length > 0) {
    throw new HavenError(
      full ? 'dpia-incomplete' : 'dpia-invalid',
      `The DPIA is ${full ? 'not complete' : 'not valid'}: ${problems[0]!.path} — ${problems[0]!.message}`,
      { status: 422, fields: problems },
    );
  }
}
