/**
 * Reads the purpose register (PUR-1): per purpose its plain-language description, allowed legal bases
 * (PUR-5), whether consent and a DPIA are required (PUR-6), and its minimal data set (MIN-2).
 */
import type { Node } from 'yaml';
import { isScalar, isSeq } from 'yaml';
import { isProhibitedPurposeName } from './prohibited.ts';
import { namedEntries, optional, readRetention } from './read-fields.ts';
import type { RetentionRule } from './retention.ts';
import { LEGAL_BASES, type LegalBasis, NO_PROCESSING_TRAITS, type ProcessingTraits } from './types.ts';

import {
  at,
  checkKeys,
  type Entry,
  isIdentifier,
  type Located,
  mapEntries,
  type Reader,
  readBoolean,
  readNameList,
  readString,
  report,
} from './yaml-reader.ts';

/** One `require` item: a field name, or a list of names of which at least one must be given. */
export interface ParsedRequirement {
  readonly node: Node;
  readonly path: string;
  readonly alternatives: readonly Located<string>[];
}

export interface ParsedPurpose {
  readonly name: string;
  readonly keyNode: Node;
  readonly path: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly legalBases: readonly LegalBasis[] | undefined;
  readonly consentRequired: Located<boolean> | undefined;
  readonly processing: ProcessingTraits | undefined;
  readonly retention: RetentionRule | undefined;
  readonly collect: readonly Located<string>[];
  readonly require: readonly ParsedRequirement[];
  readonly prohibited: Located<boolean> | undefined;
}

const KEYS = [
  'title',
  'description',
  'legalBases',
  'consentRequired',
  'processing',
  'retention',
  'collect',
  'require',
  'prohibited',
];
const REQUIRED_KEYS = ['title', 'description', 'legalBases', 'consentRequired', 'retention', 'collect'];
const PROCESSING_KEYS = [
  'scale',
  'scoring',
  'automatedDecisions',
  'monitoring',
  'matching',
  'deniesService',
  'newTechnology',
];

export function readPurposes(reader: Reader, section: Entry): ParsedPurpose[] {
  const purposes: ParsedPurpose[] = [];
  for (const entry of namedEntries(reader, section)) {
    const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
    if (entries !== undefined) purposes.push(readPurpose(reader, entry, entries));
  }
  return purposes;
}

function readPurpose(reader: Reader, entry: Entry, entries: readonly Entry[]): ParsedPurpose {
  // A prohibited purpose only needs a name and words that explain it; it has no basis and no data set.
  const prohibitedEntry = entries.find((candidate) => candidate.key === 'prohibited');
  const prohibited = optional(prohibitedEntry, (value) => locatedBoolean(reader, value));
  // A reserved prohibited name without `prohibited: true` gets one clear problem from the cross-check.
  const reserved = prohibited?.value === true || isProhibitedPurposeName(entry.key);
  // GOV-2: whether a DPIA is required is computed from the criteria, never declared.
  const declared = entries.find((candidate) => candidate.key === 'dpiaRequired');
  if (declared) {
    report(
      reader,
      declared.keyNode,
      declared.path,
      'dpia-required-computed',
      'Haven computes whether a DPIA is required (the WP248 criteria): remove dpiaRequired and describe the processing under `processing` (scale, scoring, automatedDecisions, monitoring, matching, deniesService, newTechnology)',
    );
  }
  const kept = entries.filter((candidate) => candidate !== declared);
  const byKey = checkKeys(reader, kept, {
    known: KEYS,
    required: reserved ? ['title', 'description'] : REQUIRED_KEYS,
    anchor: entry.keyNode,
    path: entry.path,
  });
  const get = (key: string) => byKey.get(key);
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    path: entry.path,
    title: optional(get('title'), (value) => readString(reader, value)),
    description: optional(get('description'), (value) => readString(reader, value)),
    legalBases: optional(get('legalBases'), (value) =>
      readLegalBases(reader, value, prohibited?.value === true),
    ),
    consentRequired: optional(get('consentRequired'), (value) => locatedBoolean(reader, value)),
    processing: optional(get('processing'), (value) => readProcessing(reader, value)),
    retention: optional(get('retention'), (value) => readRetention(reader, value)),
    collect: optional(get('collect'), (value) => readNameList(reader, value)) ?? [],
    require: optional(get('require'), (value) => readRequire(reader, value)) ?? [],
    prohibited,
  };
}

function readProcessing(reader: Reader, entry: Entry): ProcessingTraits | undefined {
  const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
  if (entries === undefined) return undefined;
  const byKey = checkKeys(reader, entries, {
    known: PROCESSING_KEYS,
    required: [],
    anchor: entry.keyNode,
    path: entry.path,
  });
  const flag = (key: keyof Omit<ProcessingTraits, 'scale'>) =>
    optional(byKey.get(key), (value) => readBoolean(reader, value)) ?? NO_PROCESSING_TRAITS[key];
  const scaleEntry = byKey.get('scale');
  const scale = scaleEntry === undefined ? undefined : readString(reader, scaleEntry);
  if (scaleEntry !== undefined && scale !== undefined && scale !== 'large' && scale !== 'limited') {
    report(reader, at(scaleEntry), scaleEntry.path, 'scale-invalid', 'must be large or limited');
  }
  return {
    scale: scale === 'large' ? 'large' : 'limited',
    scoring: flag('scoring'),
    automatedDecisions: flag('automatedDecisions'),
    monitoring: flag('monitoring'),
    matching: flag('matching'),
    deniesService: flag('deniesService'),
    newTechnology: flag('newTechnology'),
  };
}

function locatedBoolean(reader: Reader, entry: Entry): Located<boolean> | undefined {
  const value = readBoolean(reader, entry);
  return value === undefined ? undefined : { value, node: at(entry), path: entry.path };
}

function readLegalBases(reader: Reader, entry: Entry, prohibited: boolean): LegalBasis[] | undefined {
  const names = readNameList(reader, entry);
  if (names === undefined) return undefined;
  const bases: LegalBasis[] = [];
  for (const name of names) {
    if ((LEGAL_BASES as readonly string[]).includes(name.value)) bases.push(name.value as LegalBasis);
    else
      report(reader, name.node, name.path, 'legal-basis-unknown', `must be one of ${LEGAL_BASES.join(', ')}`);
  }
  if (names.length === 0 && !prohibited) {
    report(reader, at(entry), entry.path, 'legal-bases-empty', 'list at least one legal basis (PUR-5)');
  }
  return bases;
}

function readRequire(reader: Reader, entry: Entry): ParsedRequirement[] | undefined {
  if (!isSeq(entry.value)) {
    report(reader, at(entry), entry.path, 'value-wrong-kind', 'must be a list of field names');
    return undefined;
  }
  const requirements: ParsedRequirement[] = [];
  entry.value.items.forEach((item, index) => {
    const node = item as Node;
    const path = `${entry.path}[${index}]`;
    if (isSeq(node)) {
      // [date-of-birth, estimated-age]: at least one of these must be given.
      const alternatives = readNameList(reader, { key: String(index), keyNode: node, value: node, path });
      if (alternatives !== undefined && alternatives.length < 2) {
        report(reader, node, path, 'value-wrong-kind', 'a list of alternatives names at least two fields');
      } else if (alternatives !== undefined) {
        requirements.push({ node, path, alternatives });
      }
      return;
    }
    const name = isScalar(node) ? node.value : undefined;
    if (typeof name !== 'string' || !isIdentifier(name)) {
      report(
        reader,
        node,
        path,
        'name-invalid',
        'must be a field name, or a list of field names (one of them)',
      );
      return;
    }
    requirements.push({ node, path, alternatives: [{ value: name, node, path }] });
  });
  return requirements;
}
