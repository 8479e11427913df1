import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { NO_PROCESSING_TRAITS, parseDictionary } from '../../src/domain/dictionary/index.ts';
import { edit, havenError, lineOf, problem, problemsOf, SMALL } from './dictionary-fixtures.ts';

describe('data dictionary parsing (MIN-1, MIN-2)', () => {
  test('a valid dictionary gives fields with their group and tier, and purposes with their data sets', () => {
    const dictionary = parseDictionary(SMALL, 'test.yaml');
    assert.equal(dictionary.name, 'test');
    assert.equal(dictionary.version, 1);
    assert.equal(dictionary.field('given-name')?.tier, 2);
    assert.equal(dictionary.groupOf('sex')?.name, 'identity');
    assert.deepEqual(
      dictionary.fieldsOfGroup('identity').map((field) => field.name),
      ['given-name', 'sex'],
    );
    assert.deepEqual(dictionary.purpose('registration')?.require, [['given-name']]);
    assert.deepEqual(
      dictionary.fieldsReadableFor('statistics').map((field) => field.name),
      ['sex'],
    );
  });

  test('a field without a tier takes its group tier', () => {
    const dictionary = parseDictionary(
      edit(SMALL, '    tier: 2\n    purposes: [registration]\n', '    purposes: [registration]\n'),
      't',
    );
    assert.equal(dictionary.field('given-name')?.tier, 2);
  });

  test('a dictionary written as JSON is read the same way (MIN-4)', () => {
    const json = JSON.stringify(parseYaml(SMALL), null, 2);
    const dictionary = parseDictionary(json, 'test.json');
    assert.deepEqual(
      dictionary.fields.map((field) => field.name),
      ['given-name', 'sex'],
    );
  });

  test('the prohibited purposes are always in the register, even when the file leaves them out (PUR-2)', () => {
    const dictionary = parseDictionary(SMALL, 'test.yaml');
    for (const name of [
      'law-enforcement',
      'immigration-enforcement',
      'commercial-use',
      'country-of-origin-identification',
    ]) {
      assert.equal(dictionary.purpose(name)?.prohibited, true, name);
      assert.deepEqual(dictionary.purpose(name)?.collect, []);
    }
  });

  test('lookups of names that are not there find nothing, including Object.prototype names', () => {
    const dictionary = parseDictionary(SMALL, 'test.yaml');
    for (const name of ['nothing', 'constructor', '__proto__', 'toString']) {
      assert.equal(dictionary.field(name), undefined);
      assert.equal(dictionary.purpose(name), undefined);
      assert.equal(dictionary.group(name), undefined);
      assert.equal(dictionary.groupOf(name), undefined);
      assert.deepEqual(dictionary.fieldsOfGroup(name), []);
    }
  });
});

describe('data dictionary problems name the line and the path', () => {
  test('an unknown key (a typo) is an error, with a suggestion', () => {
    const text = edit(SMALL, '    type: name\n', '    type: name\n    maxLenght: 100\n');
    const found = problem(text, 'key-unknown');
    assert.equal(found.line, lineOf(text, 'maxLenght'));
    assert.equal(found.path, 'fields.given-name.maxLenght');
    assert.match(found.message, /did you mean "maxLength"\?/);
  });

  test('a key that belongs to another type says so', () => {
    const text = edit(SMALL, '    type: name\n', '    type: name\n    values: [a]\n');
    const found = problem(text, 'key-unknown');
    assert.equal(found.line, lineOf(text, 'values: [a]'));
    assert.match(found.message, /applies only to type enum/);
  });

  test('tier 5 is refused with the message an author can act on', () => {
    const text = edit(
      SMALL,
      '    tier: 2\n    purposes: [registration]\n',
      '    tier: 5\n    purposes: [registration]\n',
    );
    const found = problem(text, 'tier-invalid');
    const line = lineOf(text, 'tier: 5');
    assert.equal(found.line, line);
    assert.equal(found.path, 'fields.given-name.tier');
    assert.equal(
      found.message,
      `test.yaml line ${line}, fields.given-name.tier: must be an integer from 1 to 4`,
    );
  });

  test('a field whose group does not exist', () => {
    const text = edit(
      SMALL,
      '    group: identity\n    tier: 2\n    purposes: [registration]\n',
      '    group: identiti\n    tier: 2\n    purposes: [registration]\n',
    );
    const found = problem(text, 'group-unknown');
    assert.equal(found.line, lineOf(text, 'group: identiti'));
    assert.equal(found.path, 'fields.given-name.group');
    assert.match(found.message, /did you mean "identity"/);
  });

  test('a field whose tier differs from its group tier', () => {
    const text = edit(
      SMALL,
      '    tier: 2\n    purposes: [registration]\n',
      '    tier: 3\n    purposes: [registration]\n',
    );
    const found = problem(text, 'group-tier-mismatch');
    assert.equal(found.line, lineOf(text, 'tier: 3', 'given-name:'));
    assert.equal(found.path, 'fields.given-name.tier');
  });

  test('a field kept longer than the other fields of its group (RET-2: a group is erased whole)', () => {
    const text = edit(
      SMALL,
      '    purposes: [registration, statistics]\n    retention: case-closed + 5 years\n',
      '    purposes: [registration, statistics]\n    retention: case-closed + 30 days\n',
    );
    const found = problem(text, 'group-retention-mismatch');
    assert.equal(found.line, lineOf(text, 'group: identity', 'sex:'));
    assert.equal(found.path, 'fields.sex.group');
    assert.match(
      found.message,
      /"case-closed \+ 30 days", but "given-name" in group "identity" is kept "case-closed \+ 5 years"/,
    );
  });

  test('a purpose collecting a field that does not list the purpose', () => {
    const text = edit(SMALL, 'purposes: [registration, statistics]', 'purposes: [statistics]');
    const found = problem(text, 'collect-not-in-field-purposes');
    assert.equal(found.line, lineOf(text, 'collect: [given-name, sex]'));
    assert.equal(found.path, 'purposes.registration.collect[1]');
  });

  test('a purpose collecting a field that does not exist', () => {
    const text = edit(SMALL, 'collect: [given-name, sex]', 'collect: [given-name, sex, phone]');
    const found = problem(text, 'field-unknown');
    assert.equal(found.path, 'purposes.registration.collect[2]');
  });

  test('a required field that the purpose does not collect', () => {
    const text = edit(SMALL, 'require: [given-name]', 'require: [given-name, [sex, date-of-birth]]');
    const found = problem(text, 'require-not-collected');
    assert.equal(found.line, lineOf(text, 'require: [given-name'));
    assert.equal(found.path, 'purposes.registration.require[1][1]');
  });

  test('a retention rule that does not follow "<event> + <n> <unit>"', () => {
    for (const rule of [
      'case-closed plus 5 years',
      'closed + 5 years',
      'case-closed + 5 weeks',
      'case-closed + -1 days',
    ]) {
      const text = edit(
        SMALL,
        '    retention: case-closed + 5 years\n  sex:',
        `    retention: ${rule}\n  sex:`,
      );
      const found = problem(text, 'retention-invalid');
      assert.equal(found.line, lineOf(text, rule), rule);
      assert.equal(found.path, 'fields.given-name.retention');
    }
  });

  test('bad YAML syntax is reported with its line', () => {
    const text = edit(SMALL, '    category: name\n', '    category: name\n\tgroup: x\n');
    const found = problem(text, 'yaml-syntax');
    assert.equal(found.line, lineOf(text, '\tgroup'));
  });

  test('a key written twice is a YAML error on the second one', () => {
    const text = edit(SMALL, '    category: name\n', '    category: name\n    category: contact\n');
    assert.equal(problem(text, 'yaml-duplicate-key').line, lineOf(text, 'category: contact'));
  });

  test('duplicate enum values', () => {
    const text = edit(SMALL, '      - other\n', '      - other\n      - male\n');
    const found = problem(text, 'enum-value-duplicate');
    assert.equal(found.line, lineOf(text, '- male', '- other'));
    assert.equal(found.path, 'fields.sex.values[3]');
  });

  test('an index kind that does not suit the type', () => {
    const text = edit(SMALL, '    type: name\n', '    type: name\n    index: phone\n');
    assert.equal(problem(text, 'index-invalid').line, lineOf(text, 'index: phone'));
  });

  test('an unknown type and an unknown category, with suggestions', () => {
    const text = edit(
      edit(SMALL, 'type: name', 'type: nmae'),
      'category: demographic',
      'category: demografic',
    );
    assert.match(problem(text, 'type-unknown').message, /did you mean "name"/);
    assert.match(problem(text, 'category-unknown').message, /did you mean "demographic"/);
  });

  test('a field that names a purpose that does not exist', () => {
    const text = edit(SMALL, 'purposes: [registration]', 'purposes: [registration, registraton]');
    const found = problem(text, 'purpose-unknown');
    assert.equal(found.path, 'fields.given-name.purposes[1]');
    assert.match(found.message, /did you mean "registration"/);
  });

  test('a prohibited purpose must collect nothing and no field may list it (PUR-2)', () => {
    const prohibited =
      '  law-enforcement:\n    prohibited: true\n    title: Law enforcement\n    description: Never.\n    collect: [sex]\n';
    const text =
      edit(SMALL, 'purposes: [registration]', 'purposes: [registration, law-enforcement]') + prohibited;
    assert.equal(problem(text, 'prohibited-purpose-collects').line, lineOf(text, 'collect: [sex]'));
    assert.equal(problem(text, 'prohibited-purpose-used').path, 'fields.given-name.purposes[1]');
  });

  test('a prohibited purpose is used even when the file does not declare it', () => {
    const text = edit(SMALL, 'purposes: [registration]', 'purposes: [registration, immigration-enforcement]');
    assert.equal(problem(text, 'prohibited-purpose-used').path, 'fields.given-name.purposes[1]');
  });

  test('a reserved prohibited purpose cannot be declared as allowed', () => {
    const text = `${SMALL}  commercial-use:\n    title: Selling data\n    description: No.\n    prohibited: false\n`;
    const found = problem(text, 'purpose-must-be-prohibited');
    assert.equal(found.line, lineOf(text, 'commercial-use:'));
  });

  test('the purposes Haven sets itself cannot be defined by a dictionary', () => {
    for (const name of ['rights-request', 'legal-hold', 'retention']) {
      const text = `${SMALL}  ${name}:\n    title: Mine\n    description: Mine.\n    legalBases: [consent]\n    consentRequired: true\n`;
      assert.equal(problem(text, 'purpose-name-reserved').path, `purposes.${name}`);
    }
  });

  test('consent required without consent among the legal bases (PUR-5)', () => {
    const text = edit(SMALL, 'legalBases: [consent]', 'legalBases: [public-interest]');
    assert.equal(problem(text, 'consent-basis-missing').path, 'purposes.registration.consentRequired');
  });

  test('an unknown legal basis', () => {
    const text = edit(SMALL, 'legalBases: [consent]', 'legalBases: [consent, because]');
    assert.equal(problem(text, 'legal-basis-unknown').path, 'purposes.registration.legalBases[1]');
  });

  test('a declared dpiaRequired is refused: whether a DPIA is required is computed (GOV-2)', () => {
    const text = edit(
      SMALL,
      '    consentRequired: true\n',
      '    consentRequired: true\n    dpiaRequired: false\n',
    );
    assert.equal(problem(text, 'dpia-required-computed').path, 'purposes.registration.dpiaRequired');
  });

  test('processing traits: read with their defaults; an unknown scale or trait is refused', () => {
    const parsed = parseDictionary(SMALL, 'test.yaml');
    assert.deepEqual(parsed.purpose('registration')?.processing, { ...NO_PROCESSING_TRAITS, scale: 'large' });
    assert.deepEqual(parsed.purpose('statistics')?.processing, NO_PROCESSING_TRAITS);
    assert.equal(parsed.vulnerableSubjects, true);
    const scale = edit(SMALL, 'processing: { scale: large }', 'processing: { scale: huge }');
    assert.equal(problem(scale, 'scale-invalid').path, 'purposes.registration.processing.scale');
    const trait = edit(SMALL, 'processing: { scale: large }', 'processing: { profiling: true }');
    assert.equal(problem(trait, 'key-unknown').path, 'purposes.registration.processing.profiling');
  });

  test('a list inside a list and a record inside a record are refused', () => {
    const text = edit(SMALL, '    type: name\n', '    type: list\n    maxItems: 2\n    of: { type: list }\n');
    assert.equal(problem(text, 'type-nesting-invalid').path, 'fields.given-name.of.type');
    const records = edit(
      SMALL,
      '    type: name\n',
      '    type: record\n    fields:\n      inner: { label: Inner, type: record }\n',
    );
    assert.equal(problem(records, 'type-nesting-invalid').path, 'fields.given-name.fields.inner.type');
  });

  test('anchors and aliases are refused', () => {
    const text = edit(
      edit(SMALL, 'purposes: [registration]', 'purposes: &p [registration]'),
      '    purposes: [registration, statistics]',
      '    purposes: *p',
    );
    assert.equal(problem(text, 'yaml-alias').line, lineOf(text, 'purposes: *p'));
  });

  test('an unsupported format, an empty file and a file that is not a mapping', () => {
    assert.equal(
      problem(edit(SMALL, 'haven-dictionary/1', 'haven-dictionary/9'), 'format-unsupported').line,
      1,
    );
    assert.equal(problem('', 'dictionary-empty').line, 1);
    assert.equal(problem('- a\n- b\n', 'value-wrong-kind').line, 1);
  });

  test('a missing key is reported on the line of what needs it', () => {
    const text = edit(SMALL, '    retention: case-closed + 5 years\n  sex:', '  sex:');
    const found = problem(text, 'key-missing');
    assert.equal(found.line, lineOf(text, 'given-name:'));
    assert.match(found.message, /"retention" is required/);
  });

  test('every problem is reported at once, sorted by line, and the message counts the rest', () => {
    const text = edit(edit(SMALL, 'type: name', 'type: nmae'), 'collect: []', 'collect: [nothing]');
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((found) => found.code),
      ['type-unknown', 'field-unknown'],
    );
    const error = havenError(() => parseDictionary(text, 'test.yaml'));
    assert.match(error.message, /^test\.yaml line \d+, fields\.given-name\.type: .*\(and 1 more problems\)$/);
  });
});
