import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CATEGORIES,
  formatRetentionRule,
  PROHIBITED_PURPOSE_NAMES,
} from '../../src/domain/dictionary/index.ts';
import { dpiaNeed } from '../../src/domain/dpia/criteria.ts';
import { shipped } from './dictionary-fixtures.ts';

describe('the shipped refugee-registration dictionary', () => {
  test('parses cleanly, with a format, a name and an integer version', () => {
    assert.equal(shipped.format, 'haven-dictionary/1');
    assert.equal(shipped.name, 'refugee-registration');
    assert.ok(Number.isInteger(shipped.version) && shipped.version >= 1);
  });

  test('every field has a label, type, category, group, tier, purposes and a retention rule (MIN-1)', () => {
    assert.ok(shipped.fields.length >= 25);
    for (const field of shipped.fields) {
      assert.ok(field.label.length > 0, field.name);
      assert.ok(field.spec.type.length > 0, field.name);
      assert.ok((CATEGORIES as readonly string[]).includes(field.category), field.name);
      assert.equal(shipped.groupOf(field.name)?.tier, field.tier, field.name);
      assert.ok(field.tier >= 1 && field.tier <= 4, field.name);
      assert.ok(field.purposes.length > 0, field.name);
      assert.ok(formatRetentionRule(field.retention).length > 0, field.name);
    }
  });

  test('the prohibited purposes exist, are marked prohibited, collect nothing and no field lists them (PUR-2)', () => {
    assert.deepEqual([...PROHIBITED_PURPOSE_NAMES].sort(), [
      'commercial-use',
      'country-of-origin-identification',
      'immigration-enforcement',
      'law-enforcement',
    ]);
    for (const name of PROHIBITED_PURPOSE_NAMES) {
      const purpose = shipped.purpose(name);
      assert.equal(purpose?.prohibited, true, name);
      assert.deepEqual(purpose?.collect, [], name);
      assert.deepEqual(shipped.fieldsReadableFor(name), [], name);
    }
  });

  test('each purpose collects only fields that list it, and requires only what it collects (MIN-2)', () => {
    for (const purpose of shipped.purposes) {
      for (const name of purpose.collect)
        assert.ok(shipped.field(name)?.purposes.includes(purpose.name), name);
      for (const requirement of purpose.require) {
        for (const name of requirement) assert.ok(purpose.collect.includes(name), `${purpose.name} ${name}`);
      }
    }
  });

  test('registration requires a name, sex, a birth date or an age, and nationality', () => {
    assert.deepEqual(shipped.purpose('registration')?.require, [
      ['given-name'],
      ['sex'],
      ['date-of-birth', 'estimated-age'],
      ['nationality'],
    ]);
  });

  test('statistics captures nothing but may read aggregate fields', () => {
    const statistics = shipped.purpose('statistics');
    assert.deepEqual(statistics?.collect, []);
    const readable = shipped.fieldsReadableFor('statistics').map((field) => field.name);
    for (const name of ['sex', 'date-of-birth', 'nationality', 'legal-status', 'current-location']) {
      assert.ok(readable.includes(name), name);
    }
    assert.ok(!readable.includes('given-name'));
  });

  test('sensitive groups have the tiers the policy expects', () => {
    const tiers = Object.fromEntries(shipped.groups.map((group) => [group.name, group.tier]));
    assert.deepEqual(tiers, {
      identity: 2,
      contact: 2,
      location: 3,
      origin: 3,
      family: 2,
      documents: 2,
      'legal-status': 2,
      'specific-needs': 3,
      protection: 4,
      'case-notes': 3,
      biometrics: 4,
    });
    assert.equal(shipped.field('protection-concerns')?.category, 'protection');
    assert.equal(shipped.field('specific-needs')?.category, 'health');
  });

  test('biometrics: their own purpose, with a DPIA, erased 30 days after the case closes (BIO-1, RET-1)', () => {
    const field = shipped.field('biometric-references');
    assert.equal(field?.category, 'biometric');
    assert.deepEqual(field?.purposes, ['biometric-deduplication']);
    assert.deepEqual(field?.retention, { event: 'case-closed', amount: 30, unit: 'days' });
    assert.deepEqual(dpiaNeed(shipped, shipped.purpose('biometric-deduplication')!).rule, 'biometrics');
  });

  test('every permitted purpose needs a DPIA, computed from the WP248 criteria it meets (GOV-2, PUR-6)', () => {
    // The people are vulnerable (criterion 7) and every purpose reads sensitive data (criterion 4).
    for (const purpose of shipped.purposes.filter((p) => !p.prohibited)) {
      const need = dpiaNeed(shipped, purpose);
      assert.equal(need.required, true, purpose.name);
      const met = need.criteria.map((c) => c.criterion);
      assert.ok(met.includes('vulnerable-people') && met.includes('sensitive-data'), purpose.name);
    }
    const criteriaOf = (name: string) =>
      dpiaNeed(shipped, shipped.purpose(name)!).criteria.map((c) => c.criterion);
    assert.ok(criteriaOf('biometric-deduplication').includes('innovative-technology'));
    assert.ok(criteriaOf('assistance-distribution').includes('denial-of-service'));
    assert.ok(criteriaOf('registration').includes('large-scale'));
    // A prohibited purpose is never assessed: it is refused whatever a DPIA says (PUR-2).
    assert.equal(dpiaNeed(shipped, shipped.purpose('immigration-enforcement')!).required, false);
  });

  test('family tracing may rest on vital interest (PUR-5)', () => {
    assert.ok(shipped.purpose('family-tracing-reunification')?.legalBases.includes('vital-interest'));
  });

  test('names, birth dates, phones and document numbers have blind indexes (ENC-3)', () => {
    const indexes = Object.fromEntries(shipped.blindIndexes.map((index) => [index.path, index.kind]));
    assert.equal(indexes['given-name'], 'name');
    assert.equal(indexes['family-name-latin'], 'name');
    assert.equal(indexes['other-names'], 'name');
    assert.equal(indexes['date-of-birth'], 'date');
    assert.equal(indexes.phone, 'phone');
    assert.equal(indexes['documents-held[].number'], 'document');
    assert.equal(indexes['health-notes'], undefined);
  });

  test('every purpose explains itself in plain words', () => {
    for (const purpose of shipped.purposes) {
      assert.ok(purpose.description.length >= 40, purpose.name);
      assert.ok(purpose.prohibited || purpose.legalBases.length > 0, purpose.name);
    }
  });
});
