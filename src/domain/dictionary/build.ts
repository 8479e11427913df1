/**
 * Turns checked parts into the `Dictionary` object with its lookups. Runs only when the parser found no
 * problem, so every part is present; the prohibited purposes of PUR-2 are always part of the register.
 */
import { HavenError } from '../errors.ts';
import { PROHIBITED_PURPOSES } from './prohibited.ts';
import type { ParsedField, ParsedGroup } from './read-fields.ts';
import type { ParsedPurpose } from './read-purposes.ts';
import {
  type BlindIndexSpec,
  DICTIONARY_FORMAT,
  type Dictionary,
  type FieldDefinition,
  type FieldGroup,
  NO_PROCESSING_TRAITS,
  type Purpose,
} from './types.ts';

export interface DictionaryHeader {
  readonly name: string;
  readonly version: number;
  readonly description: string | undefined;
  readonly vulnerableSubjects: boolean;
  readonly source: string;
}

export function buildDictionary(
  header: DictionaryHeader,
  parsedGroups: readonly ParsedGroup[],
  parsedFields: readonly ParsedField[],
  parsedPurposes: readonly ParsedPurpose[],
): Dictionary {
  const groups = parsedGroups.map(toGroup);
  const groupByName = new Map(groups.map((group) => [group.name, group]));
  const fields = parsedFields.map((field) => toField(field, groupByName));
  const declared = parsedPurposes.map(toPurpose);
  const purposes = [
    ...declared,
    ...PROHIBITED_PURPOSES.filter((purpose) => !declared.some((own) => own.name === purpose.name)),
  ];
  // Maps, not objects, so that a name such as "constructor" finds nothing (no prototype lookups).
  const fieldByName = new Map(fields.map((field) => [field.name, field]));
  const purposeByName = new Map(purposes.map((purpose) => [purpose.name, purpose]));
  const fieldsByGroup = new Map(
    groups.map((group) => [group.name, fields.filter((field) => field.group === group.name)]),
  );
  const dictionary: Dictionary = {
    format: DICTIONARY_FORMAT,
    name: header.name,
    version: header.version,
    description: header.description,
    vulnerableSubjects: header.vulnerableSubjects,
    source: header.source,
    groups,
    fields,
    purposes,
    blindIndexes: fields.flatMap(blindIndexesOf),
    field: (name) => fieldByName.get(name),
    group: (name) => groupByName.get(name),
    groupOf: (fieldName) => {
      const field = fieldByName.get(fieldName);
      return field === undefined ? undefined : groupByName.get(field.group);
    },
    fieldsOfGroup: (groupName) => fieldsByGroup.get(groupName) ?? [],
    purpose: (name) => purposeByName.get(name),
    fieldsReadableFor: (purposeName) => fields.filter((field) => field.purposes.includes(purposeName)),
  };
  return Object.freeze(dictionary);
}

function toGroup(group: ParsedGroup): FieldGroup {
  return Object.freeze({
    name: group.name,
    label: required(group.label),
    description: group.description,
    tier: required(group.tier),
  });
}

function toField(field: ParsedField, groups: ReadonlyMap<string, FieldGroup>): FieldDefinition {
  const group = required(groups.get(required(field.group).value));
  return Object.freeze({
    name: field.name,
    label: required(field.label),
    description: field.description,
    spec: required(field.spec),
    category: required(field.category),
    group: group.name,
    tier: field.tier?.value ?? group.tier,
    purposes: Object.freeze(required(field.purposes).map((purpose) => purpose.value)),
    retention: required(field.retention),
    index: required(field.index),
  });
}

function toPurpose(purpose: ParsedPurpose): Purpose {
  const prohibited = purpose.prohibited?.value === true;
  return Object.freeze({
    name: purpose.name,
    title: required(purpose.title),
    description: required(purpose.description),
    legalBases: Object.freeze(prohibited ? [] : [...required(purpose.legalBases)]),
    consentRequired: prohibited ? false : required(purpose.consentRequired).value,
    processing: prohibited ? NO_PROCESSING_TRAITS : (purpose.processing ?? NO_PROCESSING_TRAITS),

    retention: purpose.retention,
    collect: Object.freeze(purpose.collect.map((name) => name.value)),
    require: Object.freeze(
      purpose.require.map((requirement) => Object.freeze(requirement.alternatives.map((name) => name.value))),
    ),
    prohibited,
  });
}

function blindIndexesOf(field: FieldDefinition): BlindIndexSpec[] {
  if (field.index !== 'none') return [{ field: field.name, path: field.name, kind: field.index }];
  const record = field.spec.type === 'list' ? field.spec.of : field.spec;
  if (record.type !== 'record') return [];
  const prefix = field.spec.type === 'list' ? `${field.name}[]` : field.name;
  return record.fields.flatMap((member) =>
    member.index === 'none'
      ? []
      : [{ field: field.name, path: `${prefix}.${member.name}`, kind: member.index }],
  );
}

/** The parser only builds when it reported no problem, so a missing part here is a bug in the parser. */
function required<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new HavenError('internal-error', 'The dictionary parser built an incomplete dictionary.', {
      status: 500,
    });
  }
  return value;
}
