import { createHash } from 'node:crypto';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { HavenError } from '../domain/errors.ts';
import { abstractRequest, decisionKey } from './abstract-request.ts';
import { type CedarRequest, toCedarRequest } from './cedar-request.ts';
import { type CompiledPolicySet, compilePolicies, type PolicyFiles, SCHEMA_TEXT } from './compile.ts';
import type { Decision, DecisionRequest } from './requests.ts';

/**
 * The policy decision point (ACC-1, ACC-2). Decisions are Cedar's: `decideWithCedar` asks cedar-wasm directly;
 * `decide` (the fast path, B4) asks Cedar once per abstract request form and remembers the answer. A refusal
 * carries the reasons of the forbid policies that matched (ACC-9), or `not-permitted` when no permit applied.
 */

let schemaParsed = false;
let sets = 0;

export interface EngineStats {
  decisions: number;
  cedarCalls: number;
}

export class PolicyEngine {
  readonly version: number;
  /** The version's own files (without the built-in layer), as stored. */
  readonly files: Readonly<PolicyFiles>;
  readonly compiled: CompiledPolicySet;
  readonly sha256: string;
  private readonly setId: string;
  private readonly cache = new Map<string, Decision>();
  private readonly maxCache: number;
  /** When false every decision goes to Cedar (used if the fast path ever failed its self-check). */
  fastPath = true;
  readonly stats: EngineStats = { decisions: 0, cedarCalls: 0 };

  constructor(files: PolicyFiles, version: number, options: { maxCache?: number } = {}) {
    this.files = files;
    this.compiled = compilePolicies(files, { stored: true });
    this.version = version;
    this.sha256 = policyDigest(files);
    this.maxCache = options.maxCache ?? 200_000;
    if (!schemaParsed) {
      const parsed = cedar.preparseSchema('haven', SCHEMA_TEXT);
      if (parsed.type === 'failure')
        throw new HavenError('policy-schema-invalid', 'The Cedar schema does not parse.', { status: 500 });
      schemaParsed = true;
    }
    this.setId = `haven-${version}-${++sets}`;
    const prepared = cedar.preparsePolicySet(this.setId, { staticPolicies: this.compiled.byId });
    if (prepared.type === 'failure') {
      throw new HavenError('policy-invalid', 'The policies do not parse.', { status: 422 });
    }
  }

  /** Plain Cedar: one cedar-wasm call per decision. */
  decideWithCedar(request: DecisionRequest): Decision {
    return this.evaluate(toCedarRequest(request));
  }

  /** The fast path: the same decision, from the cache when this form of request was decided before. */
  decide(request: DecisionRequest): Decision {
    this.stats.decisions++;
    if (!this.fastPath) return this.decideWithCedar(request);
    const key = decisionKey(request);
    let decision = this.cache.get(key);
    if (!decision) {
      decision = this.evaluate(toCedarRequest(abstractRequest(request)));
      if (this.cache.size >= this.maxCache) this.cache.clear();
      this.cache.set(key, decision);
    }
    return decision;
  }

  private evaluate(request: CedarRequest): Decision {
    this.stats.cedarCalls++;
    // The schema gives Cedar the action groups (read ∈ person-data) the policies are scoped by.
    const answer = cedar.statefulIsAuthorized({
      ...request,
      preparsedPolicySetId: this.setId,
      preparsedSchemaName: 'haven',
    });
    if (answer.type === 'failure') {
      // A request Cedar cannot evaluate is refused: the gate never fails open.
      return { allowed: false, reasons: ['policy-error'] };
    }
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0) return { allowed: false, reasons: ['policy-error'] };
    if (decision === 'allow') return { allowed: true, reasons: [] };
    const reasons = diagnostics.reason
      .map((id) => this.compiled.policies.get(id))
      .filter((p) => p?.effect === 'forbid')
      .map((p) => p!.reason!)
      .sort();
    return { allowed: false, reasons: reasons.length > 0 ? [...new Set(reasons)] : ['not-permitted'] };
  }

  get cacheSize(): number {
    return this.cache.size;
  }
}

export function policyDigest(files: PolicyFiles): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort())
    hash.update(name).update('\0').update(files[name]!).update('\0');
  return hash.digest('hex');
}
