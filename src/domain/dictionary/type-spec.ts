/**
 * Reads a value type and its parameters (`type: list, of: language, maxItems: 10`) and the blind index
 * kind that suits it (ENC-3). Types nest at most two levels: a list of records of scalars.
 */

import type { Node } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import { readCountry, readDateRange, readLanguage, readRange } from './type-parameters.ts';
import {
  type EnumValue,
  INDEX_KINDS,
  type IndexKind,
  type RecordField,
  type RecordSpec,
  type ScalarSpec,
  type TypeSpec,
  VALUE_TYPES,
  type ValueType,
} from './types.ts';
import {
  at,
  checkKeys,
  closest,
  type Entry,
  isIdentifier,
  mapEntries,
  type Reader,
  readBoolean,
  readInteger,
  readString,
  report,
} from './yaml-reader.ts';

const TYPE_PARAMETERS: Readonly<Record<ValueType, readonly string[]>> = {
  string: ['maxLength'],
  text: ['maxLength'],
  name: ['maxLength'],
  date: ['min', 'max'],
  'partial-date': ['min', 'max'],
  integer: ['min', 'max'],
  boolean: [],
  enum: ['values'],
  country: ['extraCodes'],
  language: ['extraCodes'],
  phone: [],
  'person-ref': [],
  list: ['of', 'maxItems'],
  record: ['fields'],
};
const ALL_PARAMETERS = [...new Set(Object.values(TYPE_PARAMETERS).flat())];
const REQUIRED_PARAMETERS: Partial<Record<ValueType, readonly string[]>> = {
  enum: ['values'],
  list: ['of', 'maxItems'],
  record: ['fields'],
};
/** Text lengths when a dictionary names none: enough for any real name, bounded for storage. */
const DEFAULT_MAX_LENGTH = { string: 200, name: 200, text: 2000 } as const;
const LONGEST_TEXT = 100_000;
const MOST_ITEMS = 1000;

/** Where a type is written: a field, the items of a list, or a member of a record. */
export type TypeLevel = 'field' | 'item' | 'member';

export interface TypedEntries {
  readonly spec: TypeSpec | undefined;
  readonly byKey: Map<string, Entry>;
}

/**
 * Reads `type` and its parameters from a mapping's entries and checks every key against `baseKeys` plus the
 * parameters of that type. Returns the spec (undefined when it has problems) and the entries by key.
 */
export function readTyped(
  reader: Reader,
  entries: readonly Entry[],
  options: {
    level: TypeLevel;
    path: string;
    anchor: Node;
    baseKeys: readonly string[];
    required: readonly string[];
  },
): TypedEntries {
  const typeEntry = entries.find((entry) => entry.key === 'type');
  const type = typeEntry === undefined ? undefined : readType(reader, typeEntry, options.level);
  const parameters = type === undefined ? ALL_PARAMETERS : TYPE_PARAMETERS[type];
  const byKey = checkKeys(reader, entries, {
    known: [...options.baseKeys, 'type', ...parameters],
    required: [...options.required, 'type', ...(type === undefined ? [] : (REQUIRED_PARAMETERS[type] ?? []))],
    anchor: options.anchor,
    path: options.path,
    misplaced: (key) => {
      const owners = VALUE_TYPES.filter((candidate) => TYPE_PARAMETERS[candidate].includes(key));
      return owners.length > 0 && type !== undefined
        ? `"${key}" applies only to type ${owners.join(', ')}, not to ${type}`
        : undefined;
    },
  });
  return { spec: type === undefined ? undefined : readParameters(reader, type, byKey), byKey };
}

function readType(reader: Reader, entry: Entry, level: TypeLevel): ValueType | undefined {
  const name = readString(reader, entry);
  if (name === undefined) return undefined;
  if (!(VALUE_TYPES as readonly string[]).includes(name)) {
    const suggestion = closest(name, VALUE_TYPES);
    const hint =
      suggestion === undefined ? `one of ${VALUE_TYPES.join(', ')}` : `did you mean "${suggestion}"?`;
    report(reader, at(entry), entry.path, 'type-unknown', `unknown type; ${hint}`);
    return undefined;
  }
  const type = name as ValueType;
  if ((type === 'list' && level !== 'field') || (type === 'record' && level === 'member')) {
    report(
      reader,
      at(entry),
      entry.path,
      'type-nesting-invalid',
      level === 'item' ? 'a list holds scalars or records, not lists' : 'a record field holds a single value',
    );
    return undefined;
  }
  return type;
}

function readParameters(reader: Reader, type: ValueType, byKey: Map<string, Entry>): TypeSpec | undefined {
  switch (type) {
    case 'string':
    case 'text':
    case 'name': {
      const entry = byKey.get('maxLength');
      const maxLength =
        entry === undefined
          ? DEFAULT_MAX_LENGTH[type]
          : readInteger(reader, entry, { min: 1, max: LONGEST_TEXT, code: 'max-length-invalid' });
      return maxLength === undefined ? undefined : { type, maxLength };
    }
    case 'integer':
      return readRange(reader, byKey);
    case 'date':
    case 'partial-date':
      return readDateRange(reader, type, byKey);
    case 'language':
      return readLanguage(reader, byKey.get('extraCodes'));
    case 'enum':
      return readEnum(reader, byKey.get('values'));
    case 'country':
      return readCountry(reader, byKey.get('extraCodes'));
    case 'list':
      return readList(reader, byKey);
    case 'record':
      return readRecord(reader, byKey.get('fields'));
    default:
      return { type };
  }
}

function readEnum(reader: Reader, entry: Entry | undefined): TypeSpec | undefined {
  if (entry === undefined) return undefined;
  if (!isSeq(entry.value) || entry.value.items.length === 0) {
    report(reader, at(entry), entry.path, 'enum-values-missing', 'must list at least one value');
    return undefined;
  }
  const values: EnumValue[] = [];
  let valid = true;
  entry.value.items.forEach((item, index) => {
    const node = item as Node;
    const path = `${entry.path}[${index}]`;
    const value = readEnumValue(reader, node, path);
    if (value === undefined) {
      valid = false;
    } else if (values.some((seen) => seen.value === value.value)) {
      report(reader, node, path, 'enum-value-duplicate', `"${value.value}" is listed twice`);
      valid = false;
    } else {
      values.push(value);
    }
  });
  return valid ? { type: 'enum', values } : undefined;
}

/** An enum value is a code (`female`) or a code with a label (`{ value: not-stated, label: "..." }`). */
function readEnumValue(reader: Reader, node: Node, path: string): EnumValue | undefined {
  let value: unknown;
  let label: unknown;
  if (isScalar(node)) {
    value = node.value;
    label = node.value;
  } else if (isMap(node)) {
    const entries = mapEntries(reader, node, node, path) ?? [];
    const byKey = checkKeys(reader, entries, {
      known: ['value', 'label'],
      required: ['value', 'label'],
      anchor: node,
      path,
    });
    const valueEntry = byKey.get('value');
    const labelEntry = byKey.get('label');
    if (valueEntry === undefined || labelEntry === undefined) return undefined;
    value = isScalar(valueEntry.value) ? valueEntry.value.value : undefined;
    label = readString(reader, labelEntry);
    if (label === undefined) return undefined;
  }
  if (typeof value !== 'string' || !isIdentifier(value)) {
    report(
      reader,
      node,
      path,
      'name-invalid',
      'an enum value must be a code in lower-case words joined by hyphens',
    );
    return undefined;
  }
  return { value, label: typeof label === 'string' ? label : value };
}

function readList(reader: Reader, byKey: Map<string, Entry>): TypeSpec | undefined {
  const maxItemsEntry = byKey.get('maxItems');
  const ofEntry = byKey.get('of');
  const maxItems =
    maxItemsEntry === undefined
      ? undefined
      : readInteger(reader, maxItemsEntry, { min: 1, max: MOST_ITEMS, code: 'max-items-invalid' });
  const of = ofEntry === undefined ? undefined : readItemType(reader, ofEntry);
  return maxItems === undefined || of === undefined ? undefined : { type: 'list', of, maxItems };
}

/** `of: language` is short for `of: { type: language }`. */
function readItemType(reader: Reader, entry: Entry): ScalarSpec | RecordSpec | undefined {
  const node = at(entry);
  let spec: TypeSpec | undefined;
  if (isScalar(entry.value)) {
    const type = readType(reader, entry, 'item');
    if (type === undefined) return undefined;
    if (REQUIRED_PARAMETERS[type] !== undefined) {
      report(
        reader,
        node,
        entry.path,
        'key-missing',
        `type ${type} needs parameters: write of: { type: ${type}, ... }`,
      );
      return undefined;
    }
    spec = readParameters(reader, type, new Map());
  } else {
    const entries = mapEntries(reader, entry.value, node, entry.path);
    if (entries === undefined) return undefined;
    spec = readTyped(reader, entries, {
      level: 'item',
      path: entry.path,
      anchor: node,
      baseKeys: [],
      required: [],
    }).spec;
  }
  return spec === undefined || spec.type === 'list' ? undefined : spec;
}

function readRecord(reader: Reader, entry: Entry | undefined): TypeSpec | undefined {
  if (entry === undefined) return undefined;
  const entries = mapEntries(reader, entry.value, at(entry), entry.path);
  if (entries === undefined) return undefined;
  if (entries.length === 0) {
    report(reader, at(entry), entry.path, 'record-fields-missing', 'a record needs at least one field');
    return undefined;
  }
  const fields: RecordField[] = [];
  let valid = true;
  for (const member of entries) {
    const field = readRecordField(reader, member);
    if (field === undefined) valid = false;
    else fields.push(field);
  }
  return valid ? { type: 'record', fields } : undefined;
}

function readRecordField(reader: Reader, entry: Entry): RecordField | undefined {
  if (!isIdentifier(entry.key)) {
    report(reader, entry.keyNode, entry.path, 'name-invalid', 'must be lower-case words joined by hyphens');
    return undefined;
  }
  const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
  if (entries === undefined) return undefined;
  const { spec, byKey } = readTyped(reader, entries, {
    level: 'member',
    path: entry.path,
    anchor: entry.keyNode,
    baseKeys: ['label', 'description', 'required', 'index'],
    required: ['label'],
  });
  const labelEntry = byKey.get('label');
  const descriptionEntry = byKey.get('description');
  const requiredEntry = byKey.get('required');
  const label = labelEntry === undefined ? undefined : readString(reader, labelEntry);
  const description = descriptionEntry === undefined ? undefined : readString(reader, descriptionEntry);
  const required = requiredEntry === undefined ? false : readBoolean(reader, requiredEntry);
  if (spec === undefined || spec.type === 'list' || spec.type === 'record') return undefined;
  const index = readIndex(reader, byKey.get('index'), spec);
  if (label === undefined || required === undefined || index === undefined) return undefined;
  if (descriptionEntry !== undefined && description === undefined) return undefined;
  return { name: entry.key, label, description, spec, required, index };
}

/** The index kind written (or the default: name fields are indexed by name), if it suits the type. */
export function readIndex(reader: Reader, entry: Entry | undefined, spec: TypeSpec): IndexKind | undefined {
  const target = spec.type === 'list' ? spec.of : spec;
  if (entry === undefined) return target.type === 'name' ? 'name' : 'none';
  const kind = readString(reader, entry);
  if (kind === undefined) return undefined;
  if (!(INDEX_KINDS as readonly string[]).includes(kind)) {
    report(reader, at(entry), entry.path, 'index-invalid', `must be one of ${INDEX_KINDS.join(', ')}`);
    return undefined;
  }
  const fits: Readonly<Record<IndexKind, readonly string[]>> = {
    none: VALUE_TYPES,
    name: ['name', 'string'],
    date: ['date', 'partial-date'],
    phone: ['phone'],
    document: ['string'],
  };
  const index = kind as IndexKind;
  if (!fits[index].includes(target.type)) {
    const hint = target.type === 'record' ? '; put the index on the record field that is searched' : '';
    report(
      reader,
      at(entry),
      entry.path,
      'index-invalid',
      `a ${index} index needs type ${fits[index].join(' or ')}${hint}`,
    );
    return undefined;
  }
  return index;
}
