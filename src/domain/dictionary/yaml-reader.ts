/**
 * Reads a YAML document node by node, keeping positions, so every problem names its line and its path
 * (`fields.given-name.tier`). Problems are collected, not thrown: an author fixes the whole file in one pass.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, visit } from 'yaml';
import type { FieldProblem } from '../errors.ts';

/** A dictionary problem: `message` reads "<source> line <n>, <path>: <detail>"; line and column are 1-based. */
export interface DictionaryProblem extends FieldProblem {
  readonly line: number;
  readonly column: number;
}

export interface Reader {
  readonly source: string;
  /** What the file is, for messages and the empty-file code: `dictionary` or `notice`. */
  readonly kind: string;
  readonly lineCounter: LineCounter;
  readonly problems: DictionaryProblem[];
}

/** One `key: value` of a mapping. `value` is null for a key written without a value. */
export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | null;
  readonly path: string;
}

/** A value with where it was written, for checks that run after the structural pass. */
export interface Located<T> {
  readonly value: T;
  readonly node: Node;
  readonly path: string;
}

export function newReader(source: string, kind = 'dictionary'): Reader {
  return { source, kind, lineCounter: new LineCounter(), problems: [] };
}

export function report(
  reader: Reader,
  at: Node | null | undefined,
  path: string,
  code: string,
  detail: string,
): void {
  const offset = at?.range?.[0] ?? 0;
  const { line, col } = reader.lineCounter.linePos(offset);
  reportAt(reader, line, col, path, code, detail);
}

function reportAt(
  reader: Reader,
  line: number,
  column: number,
  path: string,
  code: string,
  detail: string,
): void {
  const where = path === '' ? `${reader.source} line ${line}` : `${reader.source} line ${line}, ${path}`;
  reader.problems.push({ path, code, message: `${where}: ${detail}`, line, column });
}

/** Parses the text; returns the root node, or undefined after reporting syntax problems. */
export function readDocument(reader: Reader, text: string): Node | undefined {
  const document = parseDocument(text, {
    lineCounter: reader.lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  // After the first syntax error the parser's view of the file is off, so later ones are mostly echoes of
  // it; duplicate keys are independent and all reported.
  const firstSyntaxError = document.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  for (const error of document.errors) {
    if (error.code !== 'DUPLICATE_KEY' && error !== firstSyntaxError) continue;
    const { line, col } = reader.lineCounter.linePos(error.pos[0]);
    const code = error.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    // The library's message quotes no source text when prettyErrors is off; keep only its first sentence.
    const detail =
      error.code === 'MULTIPLE_DOCS'
        ? `a ${reader.kind} is one document; remove the "---" line`
        : (error.message.split('\n')[0] ?? 'not valid YAML');
    reportAt(reader, line, col, '', code, `YAML syntax: ${detail}`);
  }
  if (document.errors.length > 0) return undefined;
  // Aliases could make one node appear in many places (or in itself); these files are written out plainly.
  let aliases = 0;
  visit(document, {
    Alias(_key, node) {
      aliases += 1;
      report(
        reader,
        node,
        '',
        'yaml-alias',
        'anchors and aliases (*name) are not supported; write the value out',
      );
    },
  });
  if (aliases > 0) return undefined;
  if (document.contents === null) {
    report(reader, null, '', `${reader.kind}-empty`, `the ${reader.kind} is empty`);
    return undefined;
  }
  return document.contents;
}

export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The entries of a mapping, or undefined (reported) if the node is not one. */
export function mapEntries(
  reader: Reader,
  node: Node | null,
  anchor: Node,
  path: string,
): Entry[] | undefined {
  if (!isMap(node)) {
    report(reader, node ?? anchor, path, 'value-wrong-kind', 'must be a mapping of names to values');
    return undefined;
  }
  const entries: Entry[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      report(reader, keyNode ?? node, path, 'key-invalid', 'every key must be a plain name');
      continue;
    }
    const value = pair.value as Node | null;
    entries.push({ key: keyNode.value, keyNode, value, path: childPath(path, keyNode.value) });
  }
  return entries;
}

/**
 * Reports keys outside `known` (typos are errors, with a suggestion) and `required` keys that are missing.
 * `misplaced` explains keys that are known elsewhere, e.g. "maxLength applies to types string, text, name".
 */
export function checkKeys(
  reader: Reader,
  entries: readonly Entry[],
  options: {
    known: readonly string[];
    required: readonly string[];
    anchor: Node;
    path: string;
    misplaced?: (key: string) => string | undefined;
  },
): Map<string, Entry> {
  const byKey = new Map<string, Entry>();
  const suggested = new Set<string>();
  for (const entry of entries) {
    if (options.known.includes(entry.key)) {
      byKey.set(entry.key, entry);
      continue;
    }
    const explanation = options.misplaced?.(entry.key);
    const suggestion = closest(entry.key, options.known);
    if (suggestion !== undefined) suggested.add(suggestion);
    const detail =
      explanation ??
      (suggestion === undefined
        ? `unknown key; expected one of ${options.known.join(', ')}`
        : `unknown key; did you mean "${suggestion}"?`);
    report(reader, entry.keyNode, entry.path, 'key-unknown', detail);
  }
  for (const key of options.required) {
    // A typo of a required key is reported once, as the typo.
    if (!byKey.has(key) && !suggested.has(key)) {
      report(reader, options.anchor, options.path, 'key-missing', `"${key}" is required`);
    }
  }
  return byKey;
}

/** The node to blame for an entry's value: the value, or the key when the value is missing. */
export function at(entry: Entry): Node {
  return entry.value ?? entry.keyNode;
}

function scalarValue(node: Node | null): unknown {
  return isScalar(node) ? (node as Scalar).value : undefined;
}

export function readString(reader: Reader, entry: Entry): string | undefined {
  const value = scalarValue(entry.value);
  if (typeof value !== 'string' || value.trim() === '') {
    report(reader, at(entry), entry.path, 'value-wrong-kind', 'must be a non-empty text');
    return undefined;
  }
  return value.trim();
}

export function readInteger(
  reader: Reader,
  entry: Entry,
  bounds: { min: number; max: number; code: string },
): number | undefined {
  const value = scalarValue(entry.value);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    report(
      reader,
      at(entry),
      entry.path,
      bounds.code,
      `must be an integer from ${bounds.min} to ${bounds.max}`,
    );
    return undefined;
  }
  return value;
}

export function readBoolean(reader: Reader, entry: Entry): boolean | undefined {
  const value = scalarValue(entry.value);
  if (typeof value !== 'boolean') {
    report(reader, at(entry), entry.path, 'value-wrong-kind', 'must be true or false');
    return undefined;
  }
  return value;
}

const IDENTIFIER = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Names of fields, groups, purposes and enum codes: lower-case words joined by hyphens, at most 64. */
export function isIdentifier(name: string): boolean {
  return name.length <= 64 && IDENTIFIER.test(name);
}

/** A list of names; each item keeps its node. Duplicates are reported once each. */
export function readNameList(reader: Reader, entry: Entry): Located<string>[] | undefined {
  if (!isSeq(entry.value)) {
    report(reader, at(entry), entry.path, 'value-wrong-kind', 'must be a list of names, e.g. [a, b]');
    return undefined;
  }
  const items: Located<string>[] = [];
  entry.value.items.forEach((item, index) => {
    const node = item as Node;
    const path = `${entry.path}[${index}]`;
    const value = scalarValue(node);
    if (typeof value !== 'string' || !isIdentifier(value)) {
      report(reader, node, path, 'name-invalid', 'must be a name in lower-case words joined by hyphens');
      return;
    }
    if (items.some((seen) => seen.value === value)) {
      report(reader, node, path, 'duplicate-entry', `"${value}" is listed twice`);
      return;
    }
    items.push({ value, node, path });
  });
  return items;
}

/** The closest candidate within two edits (or differing only in case), to suggest for a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance =
      candidate.toLowerCase() === word.toLowerCase()
        ? 0
        : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 3;
}
