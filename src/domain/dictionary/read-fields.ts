/**
 * Reads `fieldGroups` and `fields` (MIN-1). Each part of a field that has a problem is left undefined, so
 * the cross-checks that follow still run on the rest and an author sees every problem at once.
 */
import type { Node } from 'yaml';
import type { Tier } from '../roles.ts';
import { type RetentionRule, readRetentionRule } from './retention.ts';
import { readIndex, readTyped } from './type-spec.ts';
import { CATEGORIES, type Category, type IndexKind, type TypeSpec } from './types.ts';
import {
  at,
  checkKeys,
  closest,
  type Entry,
  isIdentifier,
  type Located,
  mapEntries,
  type Reader,
  readInteger,
  readNameList,
  readString,
  report,
} from './yaml-reader.ts';

export interface ParsedGroup {
  readonly name: string;
  readonly keyNode: Node;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly tier: Tier | undefined;
}

export interface ParsedField {
  readonly name: string;
  readonly keyNode: Node;
  readonly path: string;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly spec: TypeSpec | undefined;
  readonly category: Category | undefined;
  readonly group: Located<string> | undefined;
  readonly tier: Located<Tier> | undefined;
  readonly purposes: readonly Located<string>[] | undefined;
  readonly retention: RetentionRule | undefined;
  readonly index: IndexKind | undefined;
}

const TIER = { min: 1, max: 4, code: 'tier-invalid' };

export function readGroups(reader: Reader, section: Entry): ParsedGroup[] {
  const groups: ParsedGroup[] = [];
  for (const entry of namedEntries(reader, section)) {
    const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
    if (entries === undefined) continue;
    const byKey = checkKeys(reader, entries, {
      known: ['label', 'description', 'tier'],
      required: ['label', 'tier'],
      anchor: entry.keyNode,
      path: entry.path,
    });
    groups.push({
      name: entry.key,
      keyNode: entry.keyNode,
      label: optional(byKey.get('label'), (value) => readString(reader, value)),
      description: optional(byKey.get('description'), (value) => readString(reader, value)),
      tier: optional(byKey.get('tier'), (value) => readInteger(reader, value, TIER) as Tier | undefined),
    });
  }
  return groups;
}

export function readFields(reader: Reader, section: Entry): ParsedField[] {
  const fields: ParsedField[] = [];
  for (const entry of namedEntries(reader, section)) {
    const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
    if (entries !== undefined) fields.push(readField(reader, entry, entries));
  }
  return fields;
}

function readField(reader: Reader, entry: Entry, entries: readonly Entry[]): ParsedField {
  const { spec, byKey } = readTyped(reader, entries, {
    level: 'field',
    path: entry.path,
    anchor: entry.keyNode,
    baseKeys: ['label', 'description', 'category', 'group', 'tier', 'purposes', 'retention', 'index'],
    required: ['label', 'category', 'group', 'purposes', 'retention'],
  });
  const get = (key: string) => byKey.get(key);
  const purposes = optional(get('purposes'), (value) => readPurposeNames(reader, value));
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    path: entry.path,
    label: optional(get('label'), (value) => readString(reader, value)),
    description: optional(get('description'), (value) => readString(reader, value)),
    spec,
    category: optional(get('category'), (value) => readCategory(reader, value)),
    group: optional(get('group'), (value) => located(value, readName(reader, value))),
    tier: optional(get('tier'), (value) =>
      located(value, readInteger(reader, value, TIER) as Tier | undefined),
    ),
    purposes,
    retention: optional(get('retention'), (value) => readRetention(reader, value)),
    index: spec === undefined ? undefined : readIndex(reader, get('index'), spec),
  };
}

/** The entries of a section whose keys are names (fields, groups, purposes); bad names are reported. */
export function namedEntries(reader: Reader, section: Entry): Entry[] {
  const entries = mapEntries(reader, section.value, section.keyNode, section.path) ?? [];
  return entries.filter((entry) => {
    if (isIdentifier(entry.key)) return true;
    report(
      reader,
      entry.keyNode,
      entry.path,
      'name-invalid',
      'must be lower-case words joined by hyphens (a-z, 0-9)',
    );
    return false;
  });
}

export function readRetention(reader: Reader, entry: Entry): RetentionRule | undefined {
  const text = readString(reader, entry);
  if (text === undefined) return undefined;
  const result = readRetentionRule(text);
  if (result.ok) return result.rule;
  report(reader, at(entry), entry.path, 'retention-invalid', result.detail);
  return undefined;
}

export function optional<T>(entry: Entry | undefined, read: (entry: Entry) => T | undefined): T | undefined {
  return entry === undefined ? undefined : read(entry);
}

function located<T>(entry: Entry, value: T | undefined): Located<T> | undefined {
  return value === undefined ? undefined : { value, node: at(entry), path: entry.path };
}

function readName(reader: Reader, entry: Entry): string | undefined {
  const name = readString(reader, entry);
  if (name === undefined || isIdentifier(name)) return name;
  report(reader, at(entry), entry.path, 'name-invalid', 'must be lower-case words joined by hyphens');
  return undefined;
}

function readCategory(reader: Reader, entry: Entry): Category | undefined {
  const name = readString(reader, entry);
  if (name === undefined) return undefined;
  if ((CATEGORIES as readonly string[]).includes(name)) return name as Category;
  const suggestion = closest(name, CATEGORIES);
  const hint = suggestion === undefined ? `one of ${CATEGORIES.join(', ')}` : `did you mean "${suggestion}"?`;
  report(reader, at(entry), entry.path, 'category-unknown', `unknown category; ${hint}`);
  return undefined;
}

function readPurposeNames(reader: Reader, entry: Entry): Located<string>[] | undefined {
  const names = readNameList(reader, entry);
  if (names !== undefined && names.length === 0) {
    report(
      reader,
      at(entry),
      entry.path,
      'purposes-empty',
      'list at least one purpose that may use this field',
    );
    return undefined;
  }
  return names;
}
