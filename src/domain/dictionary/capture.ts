/**
 * `checkCapture`: what a purpose may capture (MIN-1, MIN-2, PUR-2). Values for fields outside the
 * dictionary or outside the purpose's minimal data set are refused, every value is checked against its type,
 * and the normalised values come back grouped by field group, the unit of encryption.
 *
 * Problems name fields and codes, never values (ENC-1): a refusal can be logged and shown as it is.
 * Empty values (null, "", [], a record with nothing in it) count as not given.
 */
import { type FieldProblem, HavenError } from '../errors.ts';
import { isProhibitedPurposeName } from './prohibited.ts';
import type { Dictionary, Purpose, RecordSpec, TypeSpec } from './types.ts';
import { checkScalar, type ScalarValue, type ValueContext } from './values.ts';
import { isIdentifier } from './yaml-reader.ts';

export type CapturedRecord = { readonly [member: string]: ScalarValue };
export type CapturedValue = ScalarValue | CapturedRecord | readonly (ScalarValue | CapturedRecord)[];

export interface CaptureResult {
  readonly purpose: string;
  /** Normalised values by field group, then by field; groups with no value are left out. */
  readonly groups: Readonly<Record<string, Readonly<Record<string, CapturedValue>>>>;
}

export interface CaptureOptions {
  /** Enforce the purpose's `require` list: true when a record is created, false for a partial update. */
  readonly requireAll: boolean;
  /**
   * The calendar date (YYYY-MM-DD) of the capture, for date ranges such as "not after today"; the caller's
   * clock (the gate's ctx.now(), through todayAnywhere), since domain code reads none.
   */
  readonly today: string;
}

/** Enough to fix a form; more would only let a hostile request make a huge error. */
const MOST_PROBLEMS = 100;

type Checked =
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'value'; readonly value: CapturedValue };

const ABSENT: Checked = { kind: 'absent' };
const INVALID: Checked = { kind: 'invalid' };

export function checkCapture(
  dictionary: Dictionary,
  purposeName: string,
  values: Readonly<Record<string, unknown>>,
  options: CaptureOptions,
): CaptureResult {
  const purpose = capturingPurpose(dictionary, purposeName);
  const problems = new Problems();
  const groups: Record<string, Record<string, CapturedValue>> = {};
  const given = new Set<string>();
  if (!isPlainObject(values)) {
    problems.add('', 'value-invalid-type', 'The values must be an object of field names to values.');
  } else {
    for (const key of Object.keys(values)) {
      if (problems.full) break;
      const field = dictionary.field(key);
      if (field === undefined) {
        problems.add(
          fieldPath(key),
          'field-unknown',
          `${fieldPath(key)} is not a field of the data dictionary.`,
        );
        continue;
      }
      if (!purpose.collect.includes(field.name)) {
        problems.add(
          field.name,
          'field-not-in-purpose',
          `${field.name} is not in the data set of purpose ${purpose.name}; it cannot be captured for it.`,
        );
        continue;
      }
      const checked = checkValue(field.spec, values[key], field.name, problems, options);
      if (checked.kind === 'absent') continue;
      given.add(field.name);
      if (checked.kind === 'value') {
        // hasOwn: a group named like an Object.prototype member ("constructor") must not find that member.
        const group = Object.hasOwn(groups, field.group)
          ? (groups[field.group] as Record<string, CapturedValue>)
          : {};
        group[field.name] = checked.value;
        groups[field.group] = group;
      }
    }
  }
  if (options.requireAll && isPlainObject(values)) checkRequired(purpose, given, problems);
  if (problems.list.length > 0) {
    const count = problems.list.length === 1 ? 'a problem' : `${problems.list.length} problems`;
    throw new HavenError(
      'capture-refused',
      `The values for purpose ${purpose.name} were refused: ${count}, listed by field.`,
      { status: 422, fields: problems.list },
    );
  }
  return { purpose: purpose.name, groups };
}

/** PUR-2 before anything else: a prohibited purpose is refused even if no dictionary declares it. */
function capturingPurpose(dictionary: Dictionary, purposeName: string): Purpose {
  const name = typeof purposeName === 'string' ? purposeName : '';
  const purpose = dictionary.purpose(name);
  if (isProhibitedPurposeName(name) || purpose?.prohibited === true) {
    throw new HavenError(
      'capture-refused',
      `Purpose ${name} is prohibited: no data may be captured for it.`,
      {
        status: 403,
        reason: 'purpose-prohibited',
        fields: [
          { path: 'purpose', code: 'purpose-prohibited', message: 'This purpose is prohibited (PUR-2).' },
        ],
      },
    );
  }
  if (purpose === undefined) {
    throw new HavenError(
      'capture-refused',
      'The purpose is not in the purpose register of this dictionary.',
      {
        status: 422,
        reason: 'purpose-unknown',
        fields: [{ path: 'purpose', code: 'purpose-unknown', message: 'No purpose with this name.' }],
      },
    );
  }
  return purpose;
}

function checkRequired(purpose: Purpose, given: ReadonlySet<string>, problems: Problems): void {
  for (const requirement of purpose.require) {
    if (requirement.some((name) => given.has(name))) continue;
    const message =
      requirement.length === 1
        ? `${requirement[0]} is required for purpose ${purpose.name}.`
        : `One of ${requirement.join(', ')} is required for purpose ${purpose.name}.`;
    // One problem per alternative, so a form can mark each of them.
    for (const name of requirement) problems.add(name, 'field-required', message);
  }
}

function checkValue(
  spec: TypeSpec,
  raw: unknown,
  path: string,
  problems: Problems,
  context: ValueContext,
): Checked {
  if (isEmpty(raw)) return ABSENT;
  if (spec.type === 'list') {
    if (!Array.isArray(raw)) return problems.invalid(path, 'value-invalid-type', 'must be a list');
    if (raw.length > spec.maxItems) {
      return problems.invalid(path, 'too-many-items', `must have at most ${spec.maxItems} items`);
    }
    const items: (ScalarValue | CapturedRecord)[] = [];
    let valid = true;
    raw.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      const checked = checkValue(spec.of, item, itemPath, problems, context);
      if (checked.kind === 'value') items.push(checked.value as ScalarValue | CapturedRecord);
      else {
        if (checked.kind === 'absent') problems.invalid(itemPath, 'value-invalid-type', 'is empty');
        valid = false;
      }
    });
    return valid ? { kind: 'value', value: items } : INVALID;
  }
  if (spec.type === 'record') return checkRecord(spec, raw, path, problems, context);
  const checked = checkScalar(spec, raw, context);
  return checked.ok
    ? { kind: 'value', value: checked.value }
    : problems.invalid(path, checked.code, checked.detail);
}

function checkRecord(
  spec: RecordSpec,
  raw: unknown,
  path: string,
  problems: Problems,
  context: ValueContext,
): Checked {
  if (!isPlainObject(raw))
    return problems.invalid(path, 'value-invalid-type', 'must be a record of named values');
  const record: Record<string, ScalarValue> = {};
  let valid = true;
  for (const key of Object.keys(raw)) {
    const member = spec.fields.find((candidate) => candidate.name === key);
    const memberPath = `${path}.${fieldPath(key)}`;
    if (member === undefined) {
      problems.invalid(memberPath, 'field-unknown', 'is not a field of this record');
      valid = false;
      continue;
    }
    const checked = checkValue(member.spec, raw[key], memberPath, problems, context);
    if (checked.kind === 'value') record[member.name] = checked.value as ScalarValue;
    else if (checked.kind === 'invalid') valid = false;
  }
  if (!valid) return INVALID;
  if (Object.keys(record).length === 0) return ABSENT;
  for (const member of spec.fields) {
    if (member.required && !Object.hasOwn(record, member.name)) {
      problems.invalid(`${path}.${member.name}`, 'field-required', 'is required in this record');
      valid = false;
    }
  }
  return valid ? { kind: 'value', value: record } : INVALID;
}

function isEmpty(raw: unknown): boolean {
  return (
    raw === undefined ||
    raw === null ||
    (typeof raw === 'string' && raw.trim() === '') ||
    (Array.isArray(raw) && raw.length === 0)
  );
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A submitted key is named only if it looks like a field name; anything else could carry a value. */
function fieldPath(key: string): string {
  return isIdentifier(key) ? key : '(invalid field name)';
}

class Problems {
  readonly list: FieldProblem[] = [];

  get full(): boolean {
    return this.list.length >= MOST_PROBLEMS;
  }

  add(path: string, code: string, message: string): void {
    if (this.full) return;
    this.list.push({ path, code, message });
  }

  /** Records a problem of a value; returns INVALID so callers can `return problems.invalid(...)`. */
  invalid(path: string, code: string, detail: string): Checked {
    this.add(path, code, `${path} ${detail}.`);
    return INVALID;
  }
}
