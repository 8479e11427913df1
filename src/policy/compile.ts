import { readdirSync, readFileSync } from 'node:fs';
import type { PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { HavenError } from '../domain/errors.ts';

/**
 * Reads, checks and prepares a set of Cedar policy files (ACC-2). Each policy must carry @id and cite its
 * requirement with @requirement; each forbid names the reason it gives a refused person with @reason (ACC-9).
 * The set must validate strictly against haven.cedarschema, and no policy may name a specific entity (other
 * than actions) — which keeps policies about rules, not people, and is what the fast path relies on.
 */

export type PolicyFiles = Record<string, string>;

export const SCHEMA_TEXT = readFileSync(new URL('./haven.cedarschema', import.meta.url), 'utf8');
const POLICY_DIR = new URL('./policies/', import.meta.url);

export function bundledPolicyFiles(): PolicyFiles {
  const files: PolicyFiles = {};
  for (const name of readdirSync(POLICY_DIR)
    .filter((f) => f.endsWith('.cedar'))
    .sort()) {
    files[name] = readFileSync(new URL(name, POLICY_DIR), 'utf8');
  }
  return files;
}

export interface CompiledPolicy {
  id: string;
  file: string;
  effect: 'permit' | 'forbid';
  requirement: string;
  reason: string | undefined;
  text: string;
}

export interface CompiledPolicySet {
  policies: Map<string, CompiledPolicy>;
  /** The policies keyed by id, as Cedar takes them. */
  byId: Record<string, string>;
}

function invalid(problems: { path: string; code: string; message: string }[]): HavenError {
  return new HavenError(
    'policy-invalid',
    `The policies are not valid: ${problems[0]?.path} ${problems[0]?.message}`,
    {
      status: 422,
      fields: problems,
    },
  );
}

/** Finds entity literals in a policy's JSON form (anything but Haven::Action in the action scope). */
function entityLiterals(json: PolicyJson): string[] {
  const found: string[] = [];
  const walk = (node: unknown, inActionScope: boolean) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, inActionScope);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const entity = (record.__entity ?? (record.type && record.id !== undefined ? record : undefined)) as
      | { type?: unknown; id?: unknown }
      | undefined;
    if (entity && typeof entity.type === 'string' && typeof entity.id === 'string') {
      if (!(inActionScope || entity.type.endsWith('::Action'))) found.push(`${entity.type}::"${entity.id}"`);
    }
    for (const [key, value] of Object.entries(record)) walk(value, inActionScope || key === 'action');
  };
  walk(json.principal, false);
  walk(json.resource, false);
  walk(json.conditions, false);
  return found;
}

export function compilePolicies(files: PolicyFiles): CompiledPolicySet {
  const problems: { path: string; code: string; message: string }[] = [];
  const policies = new Map<string, CompiledPolicy>();
  for (const [file, text] of Object.entries(files)) {
    if (!/^[a-z0-9-]+\.cedar$/.test(file)) {
      problems.push({
        path: file,
        code: 'file-name-invalid',
        message: 'Policy files are named like roles.cedar.',
      });
      continue;
    }
    const parts = cedar.policySetTextToParts(text);
    if (parts.type === 'failure') {
      problems.push({
        path: file,
        code: 'parse-error',
        message: parts.errors.map((e) => e.message).join('; '),
      });
      continue;
    }
    for (const policyText of parts.policies) {
      const json = cedar.policyToJson(policyText);
      if (json.type === 'failure') {
        problems.push({
          path: file,
          code: 'parse-error',
          message: json.errors.map((e) => e.message).join('; '),
        });
        continue;
      }
      const annotations = json.json.annotations ?? {};
      const id = annotations.id;
      const where = `${file}${id ? ` @id("${id}")` : ''}`;
      if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
        problems.push({
          path: where,
          code: 'id-missing',
          message: 'every policy needs @id("kebab-case-name").',
        });
        continue;
      }
      if (policies.has(id)) {
        problems.push({ path: where, code: 'id-duplicate', message: 'another policy has the same @id.' });
        continue;
      }
      if (!annotations.requirement || !/^[A-Z]{3}-\d+$/.test(annotations.requirement)) {
        problems.push({
          path: where,
          code: 'requirement-missing',
          message: 'cite the requirement with @requirement("ACC-1").',
        });
      }
      if (json.json.effect === 'forbid' && !annotations.reason) {
        problems.push({
          path: where,
          code: 'reason-missing',
          message: 'a forbid must say why with @reason("code").',
        });
      }
      for (const literal of entityLiterals(json.json)) {
        problems.push({
          path: where,
          code: 'entity-literal',
          message: `policies may not name a specific entity (${literal}).`,
        });
      }
      policies.set(id, {
        id,
        file,
        effect: json.json.effect,
        requirement: annotations.requirement ?? '',
        reason: annotations.reason,
        text: policyText,
      });
    }
  }
  if (policies.size === 0) problems.push({ path: '', code: 'empty', message: 'no policies at all.' });
  const byId = Object.fromEntries([...policies.values()].map((p) => [p.id, p.text]));
  if (problems.length === 0) {
    const validation = cedar.validate({
      schema: SCHEMA_TEXT,
      policies: { staticPolicies: byId },
      validationSettings: { mode: 'strict' },
    });
    if (validation.type === 'failure') {
      problems.push({
        path: 'schema',
        code: 'validation-failed',
        message: validation.errors.map((e) => e.message).join('; '),
      });
    } else {
      for (const error of validation.validationErrors) {
        problems.push({ path: `@id("${error.policyId}")`, code: 'type-error', message: error.error.message });
      }
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return { policies, byId };
}
