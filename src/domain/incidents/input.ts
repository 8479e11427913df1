import { CATEGORIES, type Category } from '../dictionary/types.ts';
import { type FieldProblem, HavenError } from '../errors.ts';
import { textFault } from '../text.ts';
import {
  INCIDENT_TEXT_MAX,
  INCIDENT_TEXTS,
  type IncidentText,
  LATE_REASONS,
  type LateReason,
  NATURES,
  type Nature,
  NO_NOTIFICATION_REASONS,
  NOTIFICATION_TEXT_MAX,
  type NoNotificationReason,
  PEOPLE_CATEGORIES,
  type PeopleCategory,
  SOURCE_KINDS,
  type SourceKind,
} from './register.ts';

/**
 * What staff send to open or change an incident, checked before anything is written (BRE-1): each refusal has a
 * stable code and names the field, never its value. Shared by HTTP, the CLI and tests.
 */

export interface SourceInput {
  kind: SourceKind;
  accountId?: string;
  partnerId?: string;
  keyId?: string;
  deviceId?: string;
}

/** The fields an incident's details may set; absent: unchanged (on update) or empty (on open). */
export interface IncidentDetails {
  nature?: Nature[];
  dataCategories?: Category[];
  peopleCategories?: PeopleCategory[];
  peopleApprox?: number | null;
  recordsApprox?: number | null;
  highRisk?: boolean;
  texts?: Partial<Record<IncidentText, string | null>>;
  /** null: unknown (clears it). */
  source?: SourceInput | null;
  window?: { from: Date | null; to: Date | null };
  awareAt?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_ID = /^[A-Za-z0-9._:~-]{1,128}$/;
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const refuse = (code: string, path: string, message: string, status: 409 | 422 = 422) =>
  new HavenError(code, message, { status, fields: [{ path, code, message } satisfies FieldProblem] });

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether the text names a moment that exists: JavaScript's Date rolls 2026-02-31 over to March 3 and 24:00 to the
 * next day, which would move the 72-hour clock without a word; such a date is refused instead.
 */
function realMoment(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = m
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    calendar.getUTCMonth() === month! - 1 &&
    calendar.getUTCDate() === day! &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHour! <= 23 &&
    offsetMinute! <= 59
  );
}

/** A time sent as text (RFC 3339) or a Date; refused when it is not one, or names a day that does not exist. */
export function checkTime(value: unknown, path: string): Date {
  const time =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime()) || (typeof value === 'string' && !realMoment(value))) {
    throw refuse('incident-time-invalid', path, 'A date and time with its zone, e.g. 2026-12-07T09:30:00Z.');
  }
  return time;
}

/** Awareness (GDPR 33(1)) cannot be in the future: the clock would start from a time that has not come. */
export function checkAwareAt(value: unknown, now: Date): Date {
  const at = checkTime(value, 'awareAt');
  if (at.getTime() > now.getTime()) {
    throw refuse(
      'incident-awareness-in-future',
      'awareAt',
      'The time you became aware cannot be in the future.',
    );
  }
  return at;
}

function subset<T extends string>(value: unknown, allowed: readonly T[], path: string, code: string): T[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !allowed.includes(v as T))) {
    throw refuse(code, path, `A list of: ${allowed.join(', ')}.`);
  }
  return [...new Set(value as T[])];
}

function approx(value: unknown, path: string, max: number): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw refuse(
      'incident-number-invalid',
      path,
      `A whole number from 0 to ${max}, or nothing while unknown.`,
    );
  }
  return value;
}

/** A free text: plain words within the limit, line breaks allowed, no characters that are not text. */
export function checkIncidentText(value: unknown, path: string, max = INCIDENT_TEXT_MAX): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw refuse('incident-text-invalid', path, 'Text, or nothing.');
  const text = value.trim();
  if (text.length > max) throw refuse('incident-text-too-long', path, `At most ${max} characters.`);
  if (textFault(text, true))
    throw refuse('text-invalid', path, 'The text holds characters that are not text.');
  return text === '' ? null : text;
}

export function checkSource(value: unknown): SourceInput | null {
  if (value === null) return null;
  const bad = () =>
    refuse(
      'incident-source-invalid',
      'source',
      'A source is an account (accountId), a partner (partnerId), a partner credential (partnerId and keyId) or a device (deviceId).',
    );
  if (typeof value !== 'object' || Array.isArray(value)) throw bad();
  const s = value as Record<string, unknown>;
  const kind = s.kind as SourceKind;
  if (!SOURCE_KINDS.includes(kind)) throw bad();
  const wanted: Record<SourceKind, string[]> = {
    account: ['accountId'],
    partner: ['partnerId'],
    'partner-credential': ['partnerId', 'keyId'],
    device: ['deviceId'],
  };
  const given = Object.keys(s).filter((k) => k !== 'kind' && s[k] !== undefined);
  if (given.length !== wanted[kind].length || !wanted[kind].every((k) => given.includes(k))) throw bad();
  if (s.accountId !== undefined && !(typeof s.accountId === 'string' && UUID.test(s.accountId))) throw bad();
  if (s.partnerId !== undefined && !(typeof s.partnerId === 'string' && UUID.test(s.partnerId))) throw bad();
  if (s.keyId !== undefined && !(typeof s.keyId === 'string' && KEY_ID.test(s.keyId))) throw bad();
  if (s.deviceId !== undefined && !(typeof s.deviceId === 'string' && DEVICE_ID.test(s.deviceId)))
    throw bad();
  return { kind, ...Object.fromEntries(given.map((k) => [k, s[k] as string])) };
}

/** Checks the details sent (any subset of them) against the rules that need no database. */
export function checkDetails(body: Record<string, unknown>, now: Date): IncidentDetails {
  const details: IncidentDetails = {};
  if (body.awareAt !== undefined) details.awareAt = checkAwareAt(body.awareAt, now);
  if (body.nature !== undefined) {
    details.nature = subset(body.nature, NATURES, 'nature', 'incident-nature-invalid');
    if (details.nature.length === 0) {
      throw refuse(
        'incident-nature-invalid',
        'nature',
        'Say what was broken: confidentiality, integrity or availability.',
      );
    }
  }
  if (body.dataCategories !== undefined) {
    details.dataCategories = subset(
      body.dataCategories,
      CATEGORIES,
      'dataCategories',
      'incident-category-unknown',
    );
  }
  if (body.peopleCategories !== undefined) {
    details.peopleCategories = subset(
      body.peopleCategories,
      PEOPLE_CATEGORIES,
      'peopleCategories',
      'incident-people-category-unknown',
    );
  }
  if (body.peopleApprox !== undefined)
    details.peopleApprox = approx(body.peopleApprox, 'peopleApprox', 100_000_000);
  if (body.recordsApprox !== undefined) {
    details.recordsApprox = approx(body.recordsApprox, 'recordsApprox', 1_000_000_000);
  }
  if (body.highRisk !== undefined) {
    if (typeof body.highRisk !== 'boolean')
      throw refuse('incident-high-risk-invalid', 'highRisk', 'True or false.');
    details.highRisk = body.highRisk;
  }
  if (body.texts !== undefined) {
    if (typeof body.texts !== 'object' || body.texts === null || Array.isArray(body.texts)) {
      throw refuse('incident-text-invalid', 'texts', `An object with any of: ${INCIDENT_TEXTS.join(', ')}.`);
    }
    const texts: Partial<Record<IncidentText, string | null>> = {};
    for (const [key, value] of Object.entries(body.texts)) {
      if (!(INCIDENT_TEXTS as readonly string[]).includes(key)) {
        throw refuse(
          'incident-text-invalid',
          'texts',
          `An object with any of: ${INCIDENT_TEXTS.join(', ')}.`,
        );
      }
      texts[key as IncidentText] = checkIncidentText(value, `texts.${key}`);
    }
    details.texts = texts;
  }
  if (body.source !== undefined) details.source = checkSource(body.source);
  if (body.window !== undefined) {
    const w = body.window as { from?: unknown; to?: unknown } | null;
    if (typeof w !== 'object' || w === null) {
      throw refuse(
        'incident-window-invalid',
        'window',
        'A window has a start (from) and an end (to), either may be unknown.',
      );
    }
    const from = w.from == null ? null : checkTime(w.from, 'window.from');
    const to = w.to == null ? null : checkTime(w.to, 'window.to');
    if (from && to && to.getTime() <= from.getTime()) {
      throw refuse('incident-window-invalid', 'window', 'The window must end after it starts.');
    }
    if (from && from.getTime() > now.getTime()) {
      throw refuse('incident-window-invalid', 'window.from', 'The window cannot start in the future.');
    }
    details.window = { from, to };
  }
  return details;
}

export interface NotificationInput {
  at: Date;
  to: string;
  text: string;
  lateReason: LateReason | null;
  lateNote: string | null;
}

/** The notification to the authority as sent; the lateness rule needs the incident's awareness (BRE-2). */
export function checkNotification(
  body: Record<string, unknown>,
  awareAt: Date,
  now: Date,
  late: (at: Date) => boolean,
): NotificationInput {
  const at = checkTime(body.at, 'at');
  if (at.getTime() > now.getTime()) {
    throw refuse(
      'incident-notified-in-future',
      'at',
      'The time the authority was told cannot be in the future.',
    );
  }
  if (at.getTime() < awareAt.getTime()) {
    throw refuse(
      'incident-notified-before-awareness',
      'at',
      'The authority cannot have been told before you became aware of the breach.',
    );
  }
  if (
    typeof body.to !== 'string' ||
    body.to.trim() === '' ||
    body.to.length > 200 ||
    textFault(body.to, false)
  ) {
    throw refuse(
      'incident-authority-required',
      'to',
      'Name the supervisory authority told (at most 200 characters).',
    );
  }
  const text = checkIncidentText(body.text, 'text', NOTIFICATION_TEXT_MAX);
  if (text === null)
    throw refuse('incident-notification-text-required', 'text', 'Write what was told to the authority.');
  const lateReason = body.lateReason ?? null;
  if (lateReason !== null && !LATE_REASONS.includes(lateReason as LateReason)) {
    throw refuse('incident-late-reason-invalid', 'lateReason', `One of: ${LATE_REASONS.join(', ')}.`);
  }
  const lateNote = body.lateNote === undefined ? null : checkIncidentText(body.lateNote, 'lateNote');
  if (late(at)) {
    if (lateReason === null) {
      throw refuse(
        'incident-late-reason-required',
        'lateReason',
        'More than 72 hours after awareness: say why the notification is late (GDPR 33(1)).',
      );
    }
    if (lateReason === 'other' && lateNote === null) {
      throw refuse('incident-late-note-required', 'lateNote', 'For another reason, write it in the note.');
    }
  } else if (lateReason !== null || lateNote !== null) {
    throw refuse(
      'incident-not-late',
      'lateReason',
      'Told within 72 hours: no reason for lateness is recorded.',
    );
  }
  return { at, to: body.to.trim(), text, lateReason: lateReason as LateReason | null, lateNote };
}

export function checkNoNotificationReason(value: unknown): NoNotificationReason {
  if (!NO_NOTIFICATION_REASONS.includes(value as NoNotificationReason)) {
    throw refuse(
      'incident-no-notification-reason-invalid',
      'reason',
      `One of: ${NO_NOTIFICATION_REASONS.join(', ')}.`,
    );
  }
  return value as NoNotificationReason;
}
