/**
 * The authority's clock (BRE-2, GDPR 33(1)): the supervisory authority is told "without undue delay and, where
 * feasible, not later than 72 hours after having become aware"; later, with reasons for the delay. Pure
 * functions of the times and `now`, so tests move the clock and the web app shows the same answer.
 */

export const NOTIFY_WITHIN_HOURS = 72;
const HOUR = 3_600_000;

export interface ClockInput {
  awareAt: Date;
  notifiedAt: Date | null;
  /** Set when the DPO recorded that the authority is not to be told (GDPR 33(1)). */
  noNotificationReason: string | null;
}

export type ClockState =
  /** Not yet told, time left. */
  | 'running'
  /** Not yet told, past the 72 hours: a reason will be needed. */
  | 'overdue'
  | 'notified'
  | 'notified-late'
  /** The DPO recorded why the authority is not told. */
  | 'not-required';

export interface Clock {
  state: ClockState;
  /** Awareness + 72 hours. */
  dueAt: Date;
  /** Milliseconds to the deadline (negative once past); null once the clock stopped. */
  leftMs: number | null;
  /** How long after the deadline it was (or still is) — 0 when in time. */
  lateMs: number;
}

export function notificationDue(awareAt: Date): Date {
  return new Date(awareAt.getTime() + NOTIFY_WITHIN_HOURS * HOUR);
}

/** Whether a notification at `at` is late for awareness at `awareAt` (the deadline itself is in time). */
export function isLate(awareAt: Date, at: Date): boolean {
  return at.getTime() > notificationDue(awareAt).getTime();
}

export function clockOf(input: ClockInput, now: Date): Clock {
  const dueAt = notificationDue(input.awareAt);
  if (input.notifiedAt !== null) {
    const lateMs = Math.max(0, input.notifiedAt.getTime() - dueAt.getTime());
    return { state: lateMs > 0 ? 'notified-late' : 'notified', dueAt, leftMs: null, lateMs };
  }
  if (input.noNotificationReason !== null) return { state: 'not-required', dueAt, leftMs: null, lateMs: 0 };
  const leftMs = dueAt.getTime() - now.getTime();
  return { state: leftMs < 0 ? 'overdue' : 'running', dueAt, leftMs, lateMs: Math.max(0, -leftMs) };
}

/** Whether the clock still waits for the DPO (the work list and the banner show it). */
export const clockOpen = (clock: Clock): boolean => clock.state === 'running' || clock.state === 'overdue';
