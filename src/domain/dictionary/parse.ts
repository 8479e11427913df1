/**
 * `parseDictionary`: the text of a dictionary file (YAML, or JSON, which is YAML too; MIN-4) to a checked
 * `Dictionary`. Pure: it takes the text, so it runs in the offline browser client as well as on the server.
 */
import type { Node } from 'yaml';
import { HavenError } from '../errors.ts';
import { buildDictionary } from './build.ts';
import { crossCheck } from './cross-check.ts';
import { type ParsedField, type ParsedGroup, readFields, readGroups } from './read-fields.ts';
import { type ParsedPurpose, readPurposes } from './read-purposes.ts';
import { DICTIONARY_FORMAT, type Dictionary } from './types.ts';
import {
  at,
  checkKeys,
  type DictionaryProblem,
  type Entry,
  isIdentifier,
  mapEntries,
  newReader,
  type Reader,
  readBoolean,
  readDocument,
  readInteger,
  readString,
  report,
} from './yaml-reader.ts';

/**
 * Parses and checks a dictionary. Throws `HavenError('dictionary-invalid', status 422)` listing every
 * problem in `fields` (each a `DictionaryProblem` with path, code, line and a message naming line and path).
 */
export function parseDictionary(text: string, sourceName: string): Dictionary {
  const reader = newReader(sourceName);
  const root = readDocument(reader, text);
  const dictionary = root === undefined ? undefined : readDictionary(reader, root);
  if (dictionary !== undefined && reader.problems.length === 0) return dictionary;
  throw dictionaryInvalid(reader);
}

function readDictionary(reader: Reader, root: Node): Dictionary | undefined {
  const entries = mapEntries(reader, root, root, '');
  if (entries === undefined) return undefined;
  const byKey = checkKeys(reader, entries, {
    known: ['format', 'name', 'version', 'description', 'subjects', 'fieldGroups', 'fields', 'purposes'],
    required: ['format', 'name', 'version', 'fieldGroups', 'fields', 'purposes'],
    anchor: root,
    path: '',
  });
  const formatEntry = byKey.get('format');
  const format = formatEntry === undefined ? undefined : readString(reader, formatEntry);
  if (formatEntry !== undefined && format !== undefined && format !== DICTIONARY_FORMAT) {
    report(
      reader,
      at(formatEntry),
      formatEntry.path,
      'format-unsupported',
      `this Haven reads "${DICTIONARY_FORMAT}" dictionaries`,
    );
    return undefined;
  }
  const nameEntry = byKey.get('name');
  const name = nameEntry === undefined ? undefined : readString(reader, nameEntry);
  if (nameEntry !== undefined && name !== undefined && !isIdentifier(name)) {
    report(
      reader,
      at(nameEntry),
      nameEntry.path,
      'name-invalid',
      'must be lower-case words joined by hyphens',
    );
  }
  const versionEntry = byKey.get('version');
  const version =
    versionEntry === undefined
      ? undefined
      : readInteger(reader, versionEntry, { min: 1, max: Number.MAX_SAFE_INTEGER, code: 'version-invalid' });
  const descriptionEntry = byKey.get('description');
  const description = descriptionEntry === undefined ? undefined : readString(reader, descriptionEntry);
  const vulnerableSubjects = readSubjects(reader, byKey.get('subjects'));

  const groupsEntry = byKey.get('fieldGroups');
  const fieldsEntry = byKey.get('fields');
  const purposesEntry = byKey.get('purposes');
  const groups: ParsedGroup[] = groupsEntry === undefined ? [] : readGroups(reader, groupsEntry);
  const fields: ParsedField[] = fieldsEntry === undefined ? [] : readFields(reader, fieldsEntry);
  const purposes: ParsedPurpose[] = purposesEntry === undefined ? [] : readPurposes(reader, purposesEntry);
  crossCheck(reader, groups, fields, purposes);

  if (reader.problems.length > 0 || name === undefined || version === undefined) return undefined;
  return buildDictionary(
    { name, version, description, vulnerableSubjects, source: reader.source },
    groups,
    fields,
    purposes,
  );
}

/** `subjects: { vulnerable: true }` — who the data is about (WP248 criterion 7); vulnerable unless said otherwise. */
function readSubjects(reader: Reader, entry: Entry | undefined): boolean {
  if (entry === undefined) return true;
  const entries = mapEntries(reader, entry.value, entry.keyNode, entry.path);
  if (entries === undefined) return true;
  const byKey = checkKeys(reader, entries, {
    known: ['vulnerable', 'description'],
    required: ['vulnerable'],
    anchor: entry.keyNode,
    path: entry.path,
  });
  const vulnerable = byKey.get('vulnerable');
  const description = byKey.get('description');
  if (description !== undefined) readString(reader, description);
  return vulnerable === undefined ? true : (readBoolean(reader, vulnerable) ?? true);
}

function dictionaryInvalid(reader: Reader): HavenError {
  const problems: DictionaryProblem[] = [...reader.problems].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
  const message =
    first === undefined ? `${reader.source}: the dictionary is not valid` : `${first.message}${more}`;
  return new HavenError('dictionary-invalid', message, { status: 422, fields: problems });
}
