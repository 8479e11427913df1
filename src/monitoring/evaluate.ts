import { accessOf, countsAsAccess, needsExplanation } from './accesses.ts';
import { BASELINE_DAYS, type Baseline, computeBaseline, type HourCount } from './baseline.ts';
import { type AlertDraft, Detector } from './detector.ts';
import { INTENDED, type Injected, SCENARIOS, type Scenario, SyntheticWorld } from './synthetic.ts';
import { DEFAULT_THRESHOLDS, type Rule, type Thresholds } from './thresholds.ts';

/**
 * `haven monitoring evaluate` (AUD-6): runs synthetic staff work with injected insider scenarios through the same
 * Detector the monitor runs, with baselines recomputed every day by the same function the daily job uses, and
 * reports the detection rate and the false alerts per 1,000 staff-days. The first WARM_UP_DAYS build baselines
 * and are not counted.
 */
export const WARM_UP_DAYS = 14;

export interface EvaluationOptions {
  seed: number | string;
  staff: number;
  /** Days measured, after the warm-up. */
  days: number;
  /** Injected scenarios of each kind, spread over the measured days. */
  perScenario?: number;
  thresholds?: Thresholds;
  onDay?: (done: number, total: number) => void;
}

export interface Evaluation {
  seed: string;
  staff: number;
  partners: number;
  days: number;
  staffDays: number;
  entries: number;
  accesses: number;
  explained: number;
  injected: number;
  detected: number;
  detectionRate: number;
  /** Per scenario: injected, and how many raised their intended alert. */
  scenarios: Record<Scenario, { injected: number; detected: number }>;
  falseAlerts: number;
  falseAlertsPer1000StaffDays: number;
  /** False alerts by rule. */
  falseByRule: Partial<Record<Rule, number>>;
  /** Each injected scenario with the rules that fired on it (the test checks the intended one is there). */
  outcomes: (Injected & { rules: Rule[] })[];
}

const HOUR = 3_600_000;

export function evaluate(options: EvaluationOptions): Evaluation {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const perScenario = options.perScenario ?? 4;
  const world = new SyntheticWorld({ seed: options.seed, staff: options.staff });
  const baselines = new Map<string, Baseline>();
  const hourly = new Map<string, Map<number, number>>();
  const detector = new Detector({ thresholds: () => thresholds, baseline: (a) => baselines.get(a) });

  // Which measured day plays which scenario: spread evenly, the same for a given seed.
  const plan = new Map<number, Scenario[]>();
  SCENARIOS.forEach((scenario, s) => {
    for (let i = 0; i < perScenario; i++) {
      const day = WARM_UP_DAYS + Math.floor(((i + s / SCENARIOS.length) * options.days) / perScenario);
      // Scenarios play on weekdays, when the staff they need are at work.
      const weekday = (day + 1) % 7; // day 0 is a Monday (2026-01-05)
      const shifted = weekday === 6 ? day + 2 : weekday === 0 ? day + 1 : day;
      const at = Math.min(shifted, WARM_UP_DAYS + options.days - 1);
      plan.set(at, [...(plan.get(at) ?? []), scenario]);
    }
  });

  const outcomes: (Injected & { rules: Rule[] })[] = [];
  const alerts: AlertDraft[] = [];
  let entries = 0;
  let accesses = 0;
  let explained = 0;
  let staffDays = 0;
  const total = WARM_UP_DAYS + options.days;
  for (let d = 0; d < total; d++) {
    // The daily job: each actor's baseline from the last BASELINE_DAYS days of hourly counts.
    const dayStart = world.dayStart(d);
    for (const [actor, hours] of hourly) {
      const window: HourCount[] = [];
      for (const [hour, n] of hours) {
        if (hour < dayStart - BASELINE_DAYS * 24 * HOUR) hours.delete(hour);
        else window.push({ hour: new Date(hour), accesses: n });
      }
      baselines.set(actor, computeBaseline(window));
    }
    const measured = d >= WARM_UP_DAYS;
    const today = world.day(d, measured ? (plan.get(d) ?? []) : []);
    if (measured) staffDays += today.staffWorking;
    for (const x of today.injected) outcomes.push({ ...x, rules: [] });
    for (const { event, explanation } of today.entries) {
      entries++;
      const access = accessOf(event);
      if (access && countsAsAccess(access)) {
        const hour = Math.floor(access.time.getTime() / HOUR) * HOUR;
        let hours = hourly.get(access.actor);
        if (!hours) {
          hours = new Map();
          hourly.set(access.actor, hours);
        }
        hours.set(hour, (hours.get(hour) ?? 0) + 1);
      }
      if (measured && needsExplanation(access)) {
        accesses++;
        if (explanation) explained++;
      }
      const raised = detector.observe({ entry: entries, event }, explanation);
      if (measured) alerts.push(...raised.filter((a) => a.first));
    }
    options.onDay?.(d + 1, total);
  }

  const falseByRule: Partial<Record<Rule, number>> = {};
  let falseAlerts = 0;
  for (const alert of alerts) {
    const t = alert.time.getTime();
    // An alert on an injected scenario's actor while it plays (or within the hour after) is the scenario's.
    const hit = outcomes.find((o) => o.actor === alert.actor && t >= o.from && t <= o.to + HOUR);
    if (hit) {
      if (!hit.rules.includes(alert.rule)) hit.rules.push(alert.rule);
    } else {
      falseAlerts++;
      falseByRule[alert.rule] = (falseByRule[alert.rule] ?? 0) + 1;
    }
  }
  const scenarios = Object.fromEntries(
    SCENARIOS.map((s) => [s, { injected: 0, detected: 0 }]),
  ) as Evaluation['scenarios'];
  let detected = 0;
  for (const o of outcomes) {
    scenarios[o.scenario].injected++;
    if (o.rules.includes(INTENDED[o.scenario])) {
      scenarios[o.scenario].detected++;
      detected++;
    }
  }
  return {
    seed: String(options.seed),
    staff: options.staff,
    partners: world.partners.length,
    days: options.days,
    staffDays,
    entries,
    accesses,
    explained,
    injected: outcomes.length,
    detected,
    detectionRate: outcomes.length === 0 ? 0 : detected / outcomes.length,
    scenarios,
    falseAlerts,
    falseAlertsPer1000StaffDays: staffDays === 0 ? 0 : (falseAlerts * 1000) / staffDays,
    falseByRule,
    outcomes,
  };
}
