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
const BUILTIN_DIR = new URL('./builtin/', import.meta.url);

function readPolicyDir(dir: URL): PolicyFiles {
  const files: PolicyFiles = {};
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.cedar'))
    .sort()) {
    files[name] = readFileSync(new URL(name, dir), 'utf8');
  }
  return files;
}

/** The policy files shipped as version 1: what a policy change may edit. */
export function bundledPolicyFiles(): PolicyFiles {
  return readPolicyDir(POLICY_DIR);
}

/**
 * The built-in layer (ACC-2, PUR-2): forbids that every policy set includes and no change can edit, remove or
 * override (a forbid always wins in Cedar).
 */
export const BUILTIN_POLICY_FILES: Readonly<PolicyFiles> = readPolicyDir(BUILTIN_DIR);

export interface CompiledPolicy {
  id: string;
  file: string;
  /** Part of the built-in layer (not editable by a policy change). */
  builtin: boolean;
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

/**
 * A stored version's files without the copies of built-in policies it may hold (versions from before a policy
 * joined the built-in layer): what a rollback proposes, since a proposal may not restate a built-in policy.
 */
export function withoutBuiltinPolicies(files: PolicyFiles): PolicyFiles {
  const builtinIds = new Set(
    [...compilePolicies({}).policies.values()].filter((p) => p.builtin).map((p) => p.id),
  );
  const out: PolicyFiles = {};
  for (const [file, text] of Object.entries(files)) {
    const parts = cedar.policySetTextToParts(text);
    if (parts.type === 'failure') {
      out[file] = text;
      continue;
    }
    const isBuiltin = (policyText: string) => {
      const json = cedar.policyToJson(policyText);
      return json.type === 'success' && builtinIds.has(json.json.annotations?.id ?? '');
    };
    const builtin = parts.policies.filter(isBuiltin);
    if (builtin.length === 0) {
      out[file] = text;
    } else if (builtin.every((policyText) => text.includes(policyText))) {
      // Cut the copies out of the file's own text, so its comments and layout stay as they were.
      out[file] = builtin.reduce((kept, policyText) => kept.replace(policyText, ''), text);
    } else {
      out[file] = parts.policies.filter((p) => !isBuiltin(p)).join('\n\n');
    }
  }
  return out;
}

/**
 * Compiles the files of a policy version together with the built-in layer. A proposal (`stored: false`) may not
 * name a built-in file or reuse a built-in policy's @id; a version stored before a policy joined the built-in
 * layer keeps working, its copy of that policy superseded by the built-in one.
 */
export function compilePolicies(files: PolicyFiles, options: { stored?: boolean } = {}): CompiledPolicySet {
  const problems: { path: string; code: string; message: string }[] = [];
  const policies = new Map<string, CompiledPolicy>();
  const builtinIds = new Set<string>();
  const all: [string, string, boolean][] = [
    ...Object.entries(BUILTIN_POLICY_FILES).map(([f, t]) => [f, t, true] as [string, string, boolean]),
    ...Object.entries(files).map(([f, t]) => [f, t, false] as [string, string, boolean]),
  ];
  for (const [file, text, builtin] of all) {
    if (!builtin && Object.hasOwn(BUILTIN_POLICY_FILES, file)) {
      problems.push({
        path: file,
        code: 'builtin-file',
        message: 'this file is part of the built-in layer, which no policy change can edit.',
      });
      continue;
    }
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
      if (builtinIds.has(id)) {
        if (options.stored) continue;
        problems.push({
          path: where,
          code: 'builtin-id',
          message: 'a built-in policy has this @id; built-in policies cannot be replaced.',
        });
        continue;
      }
      if (policies.has(id)) {
        problems.push({ path: where, code: 'id-duplicate', message: 'another policy has the same @id.' });
        continue;
      }
      if (builtin) builtinIds.add(id);
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
        builtin,

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
