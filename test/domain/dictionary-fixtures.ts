/** Shared helpers for the data dictionary tests: the shipped dictionary, a small one, and problem capture. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type DictionaryProblem, parseDictionary } from '../../src/domain/dictionary/index.ts';
import { HavenError } from '../../src/domain/errors.ts';

export const SHIPPED_PATH = new URL('../../dictionaries/refugee-registration.yaml', import.meta.url);
export const shippedText = readFileSync(SHIPPED_PATH, 'utf8');
export const shipped = parseDictionary(shippedText, 'refugee-registration.yaml');

/** A small valid dictionary; tests change one line and look for the problem on that line. */
export const SMALL = `format: haven-dictionary/1
name: test
version: 1
fieldGroups:
  identity: { tier: 2, label: Identity }
  location: { tier: 3, label: Location }
fields:
  given-name:
    label: Given name
    type: name
    category: name
    group: identity
    tier: 2
    purposes: [registration]
    retention: case-closed + 5 years
  sex:
    label: Sex
    type: enum
    values:
      - female
      - male
      - other
    category: demographic
    group: identity
    tier: 2
    purposes: [registration, statistics]
    retention: case-closed + 5 years
purposes:
  registration:
    title: Registration
    description: We write down who you are.
    legalBases: [consent]
    consentRequired: true
    processing: { scale: large }
    retention: case-closed + 5 years
    collect: [given-name, sex]
    require: [given-name]
  statistics:
    title: Statistics
    description: We count people.
    legalBases: [public-interest]
    consentRequired: false
    retention: case-closed + 5 years
    collect: []
`;

/** SMALL with one exact piece of text replaced; fails loudly if the piece is not there. */
export function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The 1-based line of the first line containing `needle` (after `after`, when given). */
export function lineOf(text: string, needle: string, after?: string): number {
  const start = after === undefined ? 0 : text.indexOf(after);
  const index = text.indexOf(needle, start);
  assert.ok(index >= 0, `text has no ${JSON.stringify(needle)}`);
  return text.slice(0, index).split('\n').length;
}

/** The problems a dictionary text is refused with (fails if it parses). */
export function problemsOf(text: string, source = 'test.yaml'): DictionaryProblem[] {
  try {
    parseDictionary(text, source);
  } catch (error) {
    assert.ok(error instanceof HavenError, String(error));
    assert.equal(error.code, 'dictionary-invalid');
    assert.equal(error.status, 422);
    return (error.fields ?? []) as DictionaryProblem[];
  }
  assert.fail('expected the dictionary to be refused');
}

/** The single problem with `code`; asserts it is there exactly once. */
export function problem(text: string, code: string): DictionaryProblem {
  const problems = problemsOf(text);
  const matching = problems.filter((candidate) => candidate.code === code);
  assert.equal(matching.length, 1, `expected one ${code}, got ${JSON.stringify(problems, null, 2)}`);
  return matching[0] as DictionaryProblem;
}

/** The error thrown by `run`, which must be a HavenError. */
export function havenError(run: () => unknown): HavenError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof HavenError, `expected a HavenError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a HavenError');
}
