/**
 * How long each step of a drill took (BRE-2, drills): from awareness to confirmed, affected people computed
 * (BRE-3), notices to them drafted (BRE-2), contained, authority notified, closed — in minutes, null for a step
 * not (yet) reached. Pure: the register, the breach-response records and the annual report's figures (issue 20)
 * feed it the step times.
 */

export const DRILL_STEPS = [
  'confirmed',
  'affectedComputed',
  'noticesDrafted',
  'contained',
  'notified',
  'closed',
] as const;
export type DrillStep = (typeof DRILL_STEPS)[number];

export interface StepTimes {
  awareAt: Date;
  confirmedAt: Date | null;
  affectedComputedAt: Date | null;
  /** When the notices to the affected people were first drafted (a drill's are never sent). */
  noticesDraftedAt: Date | null;
  containedAt: Date | null;
  notifiedAt: Date | null;
  closedAt: Date | null;
}

export type StepMinutes = Record<DrillStep, number | null>;

const minutes = (from: Date, to: Date | null) =>
  to === null ? null : Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));

/** Minutes from awareness to each step. */
export function drillSteps(times: StepTimes): StepMinutes {
  return {
    confirmed: minutes(times.awareAt, times.confirmedAt),
    affectedComputed: minutes(times.awareAt, times.affectedComputedAt),
    noticesDrafted: minutes(times.awareAt, times.noticesDraftedAt),

    contained: minutes(times.awareAt, times.containedAt),
    notified: minutes(times.awareAt, times.notifiedAt),
    closed: minutes(times.awareAt, times.closedAt),
  };
}

export interface StepSummary {
  /** Drills that reached the step. */
  reached: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Per step: how many drills reached it, the median and the longest time. */
export function summariseSteps(drills: readonly StepMinutes[]): Record<DrillStep, StepSummary> {
  const summary = {} as Record<DrillStep, StepSummary>;
  for (const step of DRILL_STEPS) {
    const values = drills.map((d) => d[step]).filter((v): v is number => v !== null);
    summary[step] = {
      reached: values.length,
      medianMinutes: median(values),
      maxMinutes: values.length === 0 ? null : Math.max(...values),
    };
  }
  return summary;
}

/** Whether the drill's notification would have been in time (within 72 hours of awareness). */
export const drillInTime = (steps: StepMinutes): boolean | null =>
  steps.notified === null ? null : steps.notified <= 72 * 60;
