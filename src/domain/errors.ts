/**
 * Errors that cross a boundary carry a stable code (what callers and tests match on), a message a person can
 * act on, an HTTP status, and for denials the reason. Messages never contain a submitted or personal value.
 */

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 414 | 415 | 422 | 423 | 429 | 500 | 503;

export interface HavenErrorOptions {
  status?: ErrorStatus;
  /** For denials: the rule or missing condition, as a stable code (ACC-9). */
  reason?: string;
  /** Field-level problems: paths and problem codes, never the values. */
  fields?: readonly FieldProblem[];
  /** Seconds after which a retry may succeed (throttling). */
  retryAfter?: number;
  /** For refusals of personal data: each field group withheld and why (ACC-9). */
  withheld?: readonly Withheld[];
  cause?: unknown;
}

export interface Withheld {
  group: string;
  /** Stable reason codes, e.g. `no-consent-or-legal-basis`, `not-in-caseload`, `tier-too-low`. */
  reasons: readonly string[];
  /** Fields of an otherwise readable group that the purpose may not use. */
  fields?: readonly string[];
}

export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

export class HavenError extends Error {
  readonly code: string;
  readonly status: ErrorStatus;
  readonly reason: string | undefined;
  readonly fields: readonly FieldProblem[] | undefined;
  readonly retryAfter: number | undefined;
  readonly withheld: readonly Withheld[] | undefined;

  constructor(code: string, message: string, options: HavenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HavenError';
    this.code = code;
    this.status = options.status ?? 400;
    this.reason = options.reason;
    this.fields = options.fields;
    this.retryAfter = options.retryAfter;
    this.withheld = options.withheld;
  }
}

/** A refusal by a rule: always carries the reason (ACC-9). */
export function denied(code: string, reason: string, message: string, status: ErrorStatus = 403): HavenError {
  return new HavenError(code, message, { status, reason });
}

export function notFound(what: string): HavenError {
  return new HavenError('not-found', `No ${what} with that id is visible to you.`, { status: 404 });
}
