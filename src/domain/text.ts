/**
 * What any text Haven is sent may hold, checked once for every request and every import line (issue 13):
 * no control character (C0, DEL, C1) — tab, line feed and carriage return only where a field allows line
 * breaks —, no lone surrogate half and no non-character (U+FFFE, U+FFFF, U+FDD0–U+FDEF and their kin in
 * every plane). PostgreSQL refuses NUL in text, and the others show as nothing, or as something else, to staff.
 *
 * A refusal names where the text is (a JSON path) and what kind of character it holds, never the text (ENC-1).
 */
import { type FieldProblem, HavenError } from './errors.ts';

export type TextFault = 'control-character' | 'broken-character' | 'non-character';

/** Where in a value strings may hold line breaks; mirrors the value's schema. */
export interface TextShape {
  /** Strings here and below may hold tab, line feed and carriage return. */
  readonly multiline?: boolean;
  readonly properties?: Readonly<Record<string, TextShape>>;
  /** Array items, and object members not named in `properties`. */
  readonly items?: TextShape;
}

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_BREAKS = /[^\P{Cc}\t\n\r]/u;
const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
/** A path segment is shown only when it looks like a name or an index: any other key could carry a value. */
const SHOWN_SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/;

const FAULT_MESSAGES: Readonly<Record<TextFault, string>> = {
  'control-character': 'holds a control character (such as NUL) that this field does not accept',
  'broken-character': 'holds a broken character (half of a surrogate pair)',
  'non-character': 'holds a Unicode non-character (such as U+FFFF)',
};

/** The first thing wrong with a text, or undefined when it may be stored. */
export function textFault(text: string, multiline: boolean): TextFault | undefined {
  if (!text.isWellFormed()) return 'broken-character';
  if ((multiline ? CONTROL_BUT_BREAKS : CONTROL).test(text)) return 'control-character';
  if (NONCHARACTER.test(text)) return 'non-character';
  return undefined;
}

/**
 * The first string or object key in `value` that `textFault` refuses, as a field problem at `root` + JSON path.
 * Walks with its own stack, so a deeply nested body cannot overflow the call stack.
 */
export function findTextProblem(
  value: unknown,
  shape: TextShape | undefined,
  root: string,
): FieldProblem | undefined {
  const stack: { value: unknown; shape: TextShape | undefined; path: string; multiline: boolean }[] = [
    { value, shape, path: root, multiline: shape?.multiline === true },
  ];
  while (stack.length > 0) {
    const next = stack.pop() as (typeof stack)[number];
    if (typeof next.value === 'string') {
      const fault = textFault(next.value, next.multiline);
      if (fault !== undefined) return problem(next.path, fault, 'text');
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    const entries = Array.isArray(next.value)
      ? next.value.map((item, index) => [String(index), item] as const)
      : Object.entries(next.value);
    for (const [key, member] of entries) {
      const keyFault = textFault(key, false);
      if (keyFault !== undefined) return problem(join(next.path, '(key)'), keyFault, 'key');
      const named = Array.isArray(next.value) ? undefined : next.shape?.properties;
      const child = named !== undefined && Object.hasOwn(named, key) ? named[key] : next.shape?.items;
      stack.push({
        value: member,
        shape: child,
        path: join(next.path, SHOWN_SEGMENT.test(key) ? key : '*'),
        multiline: next.multiline || child?.multiline === true,
      });
    }
  }
  return undefined;
}

/** Refuses `value` with `text-invalid` (400) if any string or key in it holds a character Haven refuses. */
export function checkText(value: unknown, shape: TextShape | undefined, root: string): void {
  const found = findTextProblem(value, shape, root);
  if (found === undefined) return;
  throw new HavenError('text-invalid', `The text at ${found.path || 'the top'} ${found.message}.`, {
    status: 400,
    fields: [found],
  });
}

function problem(path: string, fault: TextFault, what: 'text' | 'key'): FieldProblem {
  return { path, code: fault, message: `${what === 'key' ? 'has a key that ' : ''}${FAULT_MESSAGES[fault]}` };
}

function join(path: string, segment: string): string {
  return path === '' ? segment : `${path}/${segment}`;
}
