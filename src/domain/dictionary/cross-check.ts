/**
 * The checks that relate fields, groups and purposes to each other (MIN-1, MIN-2, PUR-2, PUR-5, GOV-2).
 * Each problem is reported where the author has to make the change.
 */
import { isProhibitedPurposeName } from './prohibited.ts';
import type { ParsedField, ParsedGroup } from './read-fields.ts';
import type { ParsedPurpose } from './read-purposes.ts';
import { formatRetentionRule } from './retention.ts';
import { closest, type Reader, report } from './yaml-reader.ts';

export function crossCheck(
  reader: Reader,
  groups: readonly ParsedGroup[],
  fields: readonly ParsedField[],
  purposes: readonly ParsedPurpose[],
): void {
  checkFieldGroups(reader, groups, fields);
  checkFieldPurposes(reader, fields, purposes);
  for (const purpose of purposes) checkPurpose(reader, purpose, fields);
}

/**
 * Every field's group exists, and every field in a group has the group's tier and the same retention rule as the
 * group's first field (RET-2: a group is one ciphertext under one key, erased as a whole).
 */
function checkFieldGroups(
  reader: Reader,
  groups: readonly ParsedGroup[],
  fields: readonly ParsedField[],
): void {
  const groupNames = groups.map((group) => group.name);
  const firstRule = new Map<string, { rule: string; field: string }>();
  for (const field of fields) {
    if (field.group === undefined) continue;
    const group = groups.find((candidate) => candidate.name === field.group?.value);
    if (group === undefined) {
      const suggestion = closest(field.group.value, groupNames);
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      report(
        reader,
        field.group.node,
        field.group.path,
        'group-unknown',
        `no field group with this name${hint}`,
      );
      continue;
    }
    if (field.tier !== undefined && group.tier !== undefined && field.tier.value !== group.tier) {
      report(
        reader,
        field.tier.node,
        field.tier.path,
        'group-tier-mismatch',
        `is ${field.tier.value}, but group "${group.name}" has tier ${group.tier}; every field in a group shares ` +
          'its tier (the group is what is encrypted and granted), so change the tier or move the field',
      );
    }
    if (field.retention === undefined) continue;
    const rule = formatRetentionRule(field.retention);
    const first = firstRule.get(group.name);
    if (first === undefined) firstRule.set(group.name, { rule, field: field.name });
    else if (first.rule !== rule) {
      report(
        reader,
        field.group.node,
        field.group.path,
        'group-retention-mismatch',
        `is kept "${rule}", but "${first.field}" in group "${group.name}" is kept "${first.rule}"; every field in ` +
          'a group shares one retention rule (the group is encrypted under one key and erased as a whole), so ' +
          'align the rules or move the field to a group of its own',
      );
    }
  }
}

/** Purposes named by fields exist, and no field may be used for a prohibited purpose (PUR-2). */
function checkFieldPurposes(
  reader: Reader,
  fields: readonly ParsedField[],
  purposes: readonly ParsedPurpose[],
): void {
  const names = purposes.map((purpose) => purpose.name);
  for (const field of fields) {
    for (const name of field.purposes ?? []) {
      const purpose = purposes.find((candidate) => candidate.name === name.value);
      if (isProhibitedPurposeName(name.value) || purpose?.prohibited?.value === true) {
        report(
          reader,
          name.node,
          name.path,
          'prohibited-purpose-used',
          'a prohibited purpose may use no field (PUR-2)',
        );
      } else if (purpose === undefined) {
        const suggestion = closest(name.value, names);
        const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
        report(reader, name.node, name.path, 'purpose-unknown', `no purpose with this name${hint}`);
      }
    }
  }
}

/**
 * Purposes Haven sets itself and no header can declare: the gate and its built-in policies treat them apart (a
 * restricted person's record stays open to them), so a dictionary may not define one under the same name.
 */
export const RESERVED_PURPOSE_NAMES: ReadonlySet<string> = new Set([
  'rights-request',
  'legal-hold',
  'retention',
]);

function checkPurpose(reader: Reader, purpose: ParsedPurpose, fields: readonly ParsedField[]): void {
  const prohibited = purpose.prohibited?.value === true;
  if (RESERVED_PURPOSE_NAMES.has(purpose.name)) {
    report(
      reader,
      purpose.keyNode,
      purpose.path,
      'purpose-name-reserved',
      'this name belongs to a purpose Haven sets itself (the person’s rights, legal holds); choose another',
    );
  }
  if (isProhibitedPurposeName(purpose.name) && !prohibited) {
    report(
      reader,
      purpose.keyNode,
      purpose.path,
      'purpose-must-be-prohibited',
      'this purpose is always prohibited (PUR-2); add "prohibited: true" and collect nothing',
    );
  }
  if (prohibited) {
    for (const name of purpose.collect) {
      report(
        reader,
        name.node,
        name.path,
        'prohibited-purpose-collects',
        'a prohibited purpose collects nothing',
      );
    }
    for (const requirement of purpose.require) {
      report(
        reader,
        requirement.node,
        requirement.path,
        'prohibited-purpose-collects',
        'a prohibited purpose requires nothing',
      );
    }
    return;
  }
  checkCollect(reader, purpose, fields);
  checkBases(reader, purpose);
}

/** MIN-2: collect names existing fields that list this purpose; require names collected fields. */
function checkCollect(reader: Reader, purpose: ParsedPurpose, fields: readonly ParsedField[]): void {
  const fieldNames = fields.map((field) => field.name);
  for (const name of purpose.collect) {
    const field = fields.find((candidate) => candidate.name === name.value);
    if (field === undefined) {
      const suggestion = closest(name.value, fieldNames);
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      report(reader, name.node, name.path, 'field-unknown', `no field with this name${hint}`);
    } else if (
      field.purposes !== undefined &&
      !field.purposes.some((listed) => listed.value === purpose.name)
    ) {
      report(
        reader,
        name.node,
        name.path,
        'collect-not-in-field-purposes',
        `field "${field.name}" does not list purpose "${purpose.name}" in its purposes; add it there or stop ` +
          'collecting the field',
      );
    }
  }
  for (const requirement of purpose.require) {
    for (const name of requirement.alternatives) {
      if (!purpose.collect.some((collected) => collected.value === name.value)) {
        report(
          reader,
          name.node,
          name.path,
          'require-not-collected',
          `"${name.value}" is required but not in collect`,
        );
      }
    }
  }
}

/** PUR-5: a purpose that expects consent must allow consent as a basis. */
function checkBases(reader: Reader, purpose: ParsedPurpose): void {
  if (purpose.consentRequired?.value === true && purpose.legalBases !== undefined) {
    if (!purpose.legalBases.includes('consent')) {
      report(
        reader,
        purpose.consentRequired.node,
        purpose.consentRequired.path,
        'consent-basis-missing',
        'consent is required but "consent" is not among the legal bases',
      );
    }
  }
}
