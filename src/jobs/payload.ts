import { HavenError } from '../domain/errors.ts';

/**
 * What a job may carry: ids, codes, counts, flags and times — never a personal value. Job rows sit in the general
 * database schema in plaintext, readable by the general role and kept after the job ran; a name or a document
 * number put there would escape the gate, its encryption and erasure. A job that needs a person's data takes the
 * person's id and reads through the gate when it runs.
 */
export type JobValue = string | number | boolean | null;
export type JobPayload = { readonly [field: string]: JobValue | readonly JobValue[] };

const FIELD = /^[a-z][a-zA-Z0-9]{0,39}$/;
/** Codes as the ledger has them (lower case), ids (UUIDs are codes too). */
const CODE = /^[a-z0-9][a-z0-9.:_-]{0,79}$/;
/** RFC 3339 times and dates, as `toISOString()` writes them. */
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)?$/;
const MAX_FIELDS = 32;
const MAX_LIST = 1000;

export const JOB_NAME = /^[a-z][a-z0-9-]{0,47}$/;
/** Idempotency keys: built from ids and codes like the payload (they are stored beside it). */
export const JOB_KEY = /^[a-z0-9][a-z0-9.:_-]{0,199}$/;

function invalid(what: string): never {
  throw new HavenError('job-payload-invalid', `Job ${what} is not an id, code, number, flag or time.`, {
    status: 500,
  });
}

function checkValue(field: string, value: unknown): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(`field ${field}`);
    return;
  }
  if (typeof value === 'string' && (CODE.test(value) || TIME.test(value))) return;
  invalid(`field ${field}`);
}

/** Refuses a payload that could hold a typed value (free text, upper case, spaces, nested objects). */
export function checkJobPayload(payload: unknown): JobPayload {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) invalid('payload');
  const entries = Object.entries(payload);
  if (entries.length > MAX_FIELDS) invalid('payload');
  for (const [field, value] of entries) {
    if (!FIELD.test(field)) invalid('field name');
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST) invalid(`field ${field}`);
      for (const item of value) checkValue(field, item);
    } else {
      checkValue(field, value);
    }
  }
  return payload as JobPayload;
}

export function checkJobName(name: string): void {
  if (!JOB_NAME.test(name))
    throw new HavenError('job-name-invalid', 'A job name is lower-case letters, digits and hyphens.', {
      status: 500,
    });
}

export function checkJobKey(key: string): void {
  if (!JOB_KEY.test(key)) invalid('key');
}
