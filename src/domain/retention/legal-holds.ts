import { addToDay } from '../calendar.ts';
import { CATEGORIES, type Category } from '../dictionary/types.ts';
import { HavenError } from '../errors.ts';

/**
 * Legal holds (RET-1, GDPR 17(3)(e)): data that may be needed for legal claims, an investigation or a court order
 * is kept although it would otherwise be erased — by the person's request or by a retention rule. A hold is placed
 * by one person and approved by a second (ACC-6); it ends when released or when its until date has passed. Pure
 * rules, no I/O: the gate stores holds (they say something about a person) and asks these rules what blocks.
 */

export const HOLD_REASONS = ['litigation', 'investigation-by-oversight', 'court-order', 'other'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const RELEASE_REASONS = [
  'proceedings-ended',
  'placed-in-error',
  'authority-withdrew',
  'other',
] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/**
 * What a hold covers. Today one person; issue 18 adds a category scope (e.g. every biometric template of the
 * organisation) for the retention sweep — `holdCovers` is the one place that must learn it.
 */
export type HoldScope = { kind: 'person'; personId: string };
export const HOLD_SCOPES = ['person'] as const;

/**
 * A hold placed but not approved already blocks (erasure cannot be undone; the court order that prompts a hold
 * rarely waits for a second signature), but only for this many days: one person alone cannot suspend a right
 * for longer than it takes a second to look (ACC-6).
 */
export const PENDING_HOLD_DAYS = 7;

/** Longest note a hold or release keeps (sealed: it may describe the person). */
export const HOLD_NOTE_MAX = 2000;

export type HoldState = 'pending' | 'active' | 'lapsed' | 'expired' | 'released';

export interface HoldDates {
  /** Day placed (YYYY-MM-DD). */
  placedOn: string;
  approved: boolean;
  /** Last day the hold holds, if it has an end. */
  untilOn: string | null;
  released: boolean;
}

/**
 * The state of a hold on `today` — computed, so an expiry needs no job: past its until date a hold no longer
 * holds, and a pending hold not approved within PENDING_HOLD_DAYS lapses.
 */
export function holdState(hold: HoldDates, today: string): HoldState {
  if (hold.released) return 'released';
  if (hold.untilOn !== null && hold.untilOn < today) return 'expired';
  if (hold.approved) return 'active';
  return addToDay(hold.placedOn, { days: PENDING_HOLD_DAYS }) < today ? 'lapsed' : 'pending';
}

/** Whether a hold in this state stops an erasure (and, from issue 18, the sweep). */
export const holdBlocks = (state: HoldState): boolean => state === 'pending' || state === 'active';

/**
 * Whether a hold keeps data of these categories (RET-1, scope): a hold on everything keeps all; one on some
 * categories keeps an item that has one of them. A whole-person erasure (`null`) is kept by any hold.
 */
export const holdCovers = (
  holdCategories: readonly string[] | null,
  item: readonly string[] | null,
): boolean => holdCategories === null || item === null || item.some((c) => holdCategories.includes(c));

/** States that a second person may still approve, or anyone release. */
export const holdOpen = (state: HoldState): boolean => state === 'pending' || state === 'active';

export interface HoldInput {
  reason: HoldReason;
  /** The categories it keeps; null: everything of the person. */
  categories: Category[] | null;
  /** Trimmed; required for `other`. */
  note: string | null;
  untilOn: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (day: string): boolean => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
};

function oneOf<T extends string>(list: readonly T[], value: unknown, code: string, what: string): T {
  if (typeof value !== 'string' || !list.includes(value as T))
    throw new HavenError(code, `${what}: one of ${list.join(', ')}.`, { status: 422 });
  return value as T;
}

function noteOf(value: unknown, required: boolean): string | null {
  const note = typeof value === 'string' ? value.trim() : '';
  if (value !== undefined && value !== null && typeof value !== 'string')
    throw new HavenError('legal-hold-note-invalid', 'A note is text.', { status: 422 });
  if (note.length > HOLD_NOTE_MAX)
    throw new HavenError('legal-hold-note-invalid', `A note has at most ${HOLD_NOTE_MAX} characters.`, {
      status: 422,
    });
  if (required && note === '')
    throw new HavenError('legal-hold-note-required', 'For the reason "other", say what it is in a note.', {
      status: 422,
    });
  return note === '' ? null : note;
}

/** Checks what is asked when a hold is placed; `today` bounds the until date (a hold ending in the past is none). */
export function checkHold(
  input: { reason?: unknown; note?: unknown; until?: unknown; categories?: unknown },
  today: string,
): HoldInput {
  const reason = oneOf(HOLD_REASONS, input.reason, 'legal-hold-reason-invalid', 'The reason for the hold');
  let categories: Category[] | null = null;
  if (input.categories !== undefined && input.categories !== null) {
    const list = input.categories;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((c) => typeof c !== 'string' || !(CATEGORIES as readonly string[]).includes(c))
    ) {
      throw new HavenError(
        'legal-hold-categories-invalid',
        `The categories a hold keeps: a non-empty list of ${CATEGORIES.join(', ')}; none for everything.`,
        { status: 422 },
      );
    }
    categories = [...new Set(list as Category[])].sort();
  }
  const note = noteOf(input.note, reason === 'other');
  let untilOn: string | null = null;
  if (input.until !== undefined && input.until !== null) {
    const until = input.until;
    if (typeof until !== 'string' || !DAY.test(until) || !realDay(until)) {
      throw new HavenError('legal-hold-until-invalid', 'The until date is a day (YYYY-MM-DD).', {
        status: 422,
      });
    }
    if (until < today)
      throw new HavenError('legal-hold-until-invalid', 'The until date cannot be in the past.', {
        status: 422,
      });
    untilOn = until;
  }
  return { reason, categories, note, untilOn };
}

/** Checks an early release: a listed reason, and a note for `other`. */
export function checkRelease(input: { reason?: unknown; note?: unknown }): {
  reason: ReleaseReason;
  note: string | null;
} {
  const reason = oneOf(
    RELEASE_REASONS,
    input.reason,
    'legal-hold-release-reason-invalid',
    'The reason for the release',
  );
  return { reason, note: noteOf(input.note, reason === 'other') };
}
