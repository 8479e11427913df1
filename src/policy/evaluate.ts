import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarRequest } from './cedar-request.ts';
import { type CompiledPolicySet, SCHEMA_TEXT } from './compile.ts';
import type { Decision, DecisionRequest, PersonFacts, StaffFacts } from './requests.ts';

/**
 * Cedar's evaluation of Haven's policies, in JavaScript, for answering many requests at once: the impact of a
 * policy change is every decision of the authorization matrix under both versions — millions of requests, where
 * cedar-wasm costs about 0.3 ms each here. Gate decisions never come from here: they are Cedar's own (engine.ts).
 *
 * It covers what Haven's schema allows a policy to say: scope by `is`, `==` and `in` (action groups from the
 * schema), `when`/`unless` conditions over attributes, `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`,
 * `contains`, `containsAll`, `containsAny`, `in`, `has`, `is`, `if … then … else`, sets and records. An expression
 * outside that subset makes `compileForEvaluation` refuse the whole set (the caller then uses Cedar).
 * Cedar's rules hold: an error in a condition makes its policy not apply and the request is refused with
 * `policy-error`, as the engine does. test/policy/evaluate.test.ts compares it with cedar-wasm on generated
 * requests and on whole matrices.
 */

/** An entity: its uid, and — when the request holds it — its attributes and parents. */
class EntityRef {
  readonly type: string;
  readonly id: string;
  attrs: Record<string, Value> | undefined;
  parents: EntityRef[] = [];
  constructor(type: string, id: string) {
    this.type = type;
    this.id = id;
  }
}
type Value = string | number | boolean | EntityRef | Value[] | { readonly [key: string]: Value };

class ConditionError extends Error {}

/** A policy construct this evaluator does not know: the set is left to Cedar. */
export class UnsupportedPolicy extends Error {}

interface Env {
  principal: EntityRef;
  action: EntityRef;
  resource: EntityRef;
  context: Value;
  entities: Map<string, { attrs: Record<string, Value>; parents: EntityRef[] }>;
}

type Expr = (env: Env) => Value;

const isRef = (v: Value): v is EntityRef => v instanceof EntityRef;
const key = (r: { type: string; id: string }) => `${r.type}\0${r.id}`;

function fromJson(value: unknown): Value {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const entity = (value as { __entity?: { type: string; id: string } }).__entity;
    if (entity) return new EntityRef(entity.type, entity.id);
    const record: Record<string, Value> = {};
    for (const [k, v] of Object.entries(value)) record[k] = fromJson(v);
    return record;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new ConditionError('unsupported value');
}

function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    // Sets: equal when each holds every element of the other.
    return a.every((x) => b.some((y) => equal(x, y))) && b.every((y) => a.some((x) => equal(x, y)));
  }
  if (isRef(a) || isRef(b)) return isRef(a) && isRef(b) && a.type === b.type && a.id === b.id;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && equal(a[k]!, (b as Record<string, Value>)[k]!));
}

/** `a in b` for entities: a equals b or b is an ancestor of a. */
function descends(env: Env, a: EntityRef, b: EntityRef, seen = new Set<string>()): boolean {
  if (a.type === b.type && a.id === b.id) return true;
  const k = key(a);
  if (seen.has(k)) return false;
  seen.add(k);
  const parents = a.parents.length > 0 ? a.parents : (env.entities.get(k)?.parents ?? []);
  return parents.some((p) => descends(env, p, b, seen));
}

const bool = (v: Value): boolean => {
  if (typeof v !== 'boolean') throw new ConditionError('not a boolean');
  return v;
};
const long = (v: Value): number => {
  if (typeof v !== 'number') throw new ConditionError('not a number');
  return v;
};
const set = (v: Value): Value[] => {
  if (!Array.isArray(v)) throw new ConditionError('not a set');
  return v;
};

function compileExpr(node: unknown, actions: ActionGroups): Expr {
  if (node === null || typeof node !== 'object') throw new UnsupportedPolicy('expression');
  const [op, arg] = Object.entries(node as Record<string, unknown>)[0] ?? [];
  const a = arg as Record<string, unknown>;
  const sub = (n: unknown) => compileExpr(n, actions);
  switch (op) {
    case 'Value': {
      const value = fromJson(arg);
      return () => value;
    }
    case 'Var':
      if (arg === 'principal') return (env) => env.principal;
      if (arg === 'action') return (env) => env.action;
      if (arg === 'resource') return (env) => env.resource;
      if (arg === 'context') return (env) => env.context;
      throw new UnsupportedPolicy(`variable ${String(arg)}`);
    case 'Set': {
      const items = (arg as unknown[]).map(sub);
      return (env) => items.map((item) => item(env));
    }
    case 'Record': {
      const fields = Object.entries(arg as Record<string, unknown>).map(([k, v]) => [k, sub(v)] as const);
      return (env) => Object.fromEntries(fields.map(([k, f]) => [k, f(env)]));
    }
    case '!': {
      const inner = sub(a.arg);
      return (env) => !bool(inner(env));
    }
    case '&&':
    case '||': {
      const left = sub(a.left);
      const right = sub(a.right);
      return op === '&&'
        ? (env) => bool(left(env)) && bool(right(env))
        : (env) => bool(left(env)) || bool(right(env));
    }
    case '==':
    case '!=': {
      const left = sub(a.left);
      const right = sub(a.right);
      return op === '==' ? (env) => equal(left(env), right(env)) : (env) => !equal(left(env), right(env));
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const left = sub(a.left);
      const right = sub(a.right);
      const compare = {
        '<': (x: number, y: number) => x < y,
        '<=': (x: number, y: number) => x <= y,
        '>': (x: number, y: number) => x > y,
        '>=': (x: number, y: number) => x >= y,
      }[op];
      return (env) => compare(long(left(env)), long(right(env)));
    }
    case '.':
    case 'has': {
      const left = sub(a.left);
      const attr = String(a.attr);
      const lookup = (env: Env, target: Value): Record<string, Value> | undefined => {
        if (isRef(target)) return target.attrs ?? env.entities.get(key(target))?.attrs;
        if (typeof target === 'object' && !Array.isArray(target)) return target as Record<string, Value>;
        throw new ConditionError('attribute of a non-record');
      };
      if (op === 'has') return (env) => Object.hasOwn(lookup(env, left(env)) ?? {}, attr);
      return (env) => {
        const value = lookup(env, left(env))?.[attr];
        if (value === undefined) throw new ConditionError(`missing attribute ${attr}`);
        return value;
      };
    }
    case 'contains': {
      const left = sub(a.left);
      const right = sub(a.right);
      return (env) => {
        const item = right(env);
        return set(left(env)).some((x) => equal(x, item));
      };
    }
    case 'containsAll':
    case 'containsAny': {
      const left = sub(a.left);
      const right = sub(a.right);
      return (env) => {
        const l = set(left(env));
        const r = set(right(env));
        const has = (y: Value) => l.some((x) => equal(x, y));
        return op === 'containsAll' ? r.every(has) : r.some(has);
      };
    }
    case 'in': {
      const left = sub(a.left);
      const right = sub(a.right);
      return (env) => {
        const l = left(env);
        const r = right(env);
        if (!isRef(l)) throw new ConditionError('in needs an entity');
        const targets = Array.isArray(r) ? r : [r];
        return targets.some((t) => {
          if (!isRef(t)) throw new ConditionError('in needs entities');
          return l.type === 'Haven::Action' ? actions.within(l, t) : descends(env, l, t);
        });
      };
    }
    case 'is': {
      const left = sub(a.left);
      const type = String(a.entity_type);
      return (env) => {
        const l = left(env);
        return isRef(l) && l.type === type;
      };
    }
    case 'if-then-else': {
      const test = sub(a.if);
      const then = sub(a.then);
      const otherwise = sub(a.else);
      return (env) => (bool(test(env)) ? then(env) : otherwise(env));
    }
    default:
      throw new UnsupportedPolicy(`operator ${String(op)}`);
  }
}

/** Action groups from the schema: `read` is in `person-data`, and so on. */
class ActionGroups {
  readonly #parents = new Map<string, string[]>();
  constructor(schemaText: string) {
    const schema = cedar.schemaToJson(schemaText);
    if (schema.type !== 'success') throw new UnsupportedPolicy('schema');
    for (const namespace of Object.values(schema.json)) {
      for (const [name, action] of Object.entries(namespace.actions ?? {})) {
        this.#parents.set(
          name,
          (action.memberOf ?? []).map((m) => m.id),
        );
      }
    }
  }
  within(action: EntityRef, group: EntityRef): boolean {
    if (group.type !== 'Haven::Action') return false;
    if (action.id === group.id) return true;
    return (this.#parents.get(action.id) ?? []).some((p) =>
      this.within(new EntityRef('Haven::Action', p), group),
    );
  }
}

let groups: ActionGroups | undefined;

type Scope = (env: Env) => boolean;

function compileScope(
  node: Record<string, unknown>,
  actions: ActionGroups,
  variable: 'principal' | 'action' | 'resource',
): Scope {
  const get = (env: Env) => env[variable];
  const entityOf = (e: unknown): EntityRef => {
    const r = e as { type?: string; id?: string };
    if (typeof r?.type !== 'string' || typeof r?.id !== 'string') throw new UnsupportedPolicy('scope entity');
    return new EntityRef(r.type, r.id);
  };
  const isIn = (env: Env, value: EntityRef, target: EntityRef) =>
    variable === 'action' ? actions.within(value, target) : descends(env, value, target);
  switch (node.op) {
    case 'All':
      return () => true;
    case '==': {
      const target = entityOf(node.entity);
      return (env) => equal(get(env), target);
    }
    case 'in': {
      const targets = node.entities ? (node.entities as unknown[]).map(entityOf) : [entityOf(node.entity)];
      return (env) => targets.some((t) => isIn(env, get(env), t));
    }
    case 'is': {
      const type = String(node.entity_type);
      const within = node.in ? entityOf((node.in as { entity: unknown }).entity) : undefined;
      return (env) => get(env).type === type && (!within || isIn(env, get(env), within));
    }
    default:
      throw new UnsupportedPolicy(`scope ${String(node.op)}`);
  }
}

interface CompiledForEvaluation {
  effect: 'permit' | 'forbid';
  reason: string | undefined;
  actionScope: Scope;
  applies: (env: Env) => boolean;
}

/** Compiles a policy set for `evaluate`; throws UnsupportedPolicy when a policy says what it cannot evaluate. */
export function compileForEvaluation(set: CompiledPolicySet): EvaluationSet {
  groups ??= new ActionGroups(SCHEMA_TEXT);
  const actions = groups;
  const policies = [...set.policies.values()].map((policy): CompiledForEvaluation => {
    const json = cedar.policyToJson(policy.text);
    if (json.type !== 'success') throw new UnsupportedPolicy(`policy ${policy.id}`);
    const p = json.json;
    const scopes = [
      compileScope(p.principal as unknown as Record<string, unknown>, actions, 'principal'),
      compileScope(p.action as unknown as Record<string, unknown>, actions, 'action'),
      compileScope(p.resource as unknown as Record<string, unknown>, actions, 'resource'),
    ];
    const conditions = p.conditions.map((c) => ({
      when: c.kind === 'when',
      body: compileExpr(c.body, actions),
    }));
    const actionScope = scopes[1]!;
    return {
      effect: policy.effect,
      reason: policy.reason,
      actionScope,
      applies: (env) => scopes.every((s) => s(env)) && conditions.every((c) => bool(c.body(env)) === c.when),
    };
  });
  // Each action's policies, found once: most policies are scoped to a few actions.
  const byAction = new Map<string, CompiledForEvaluation[]>();
  return {
    forAction(action: string) {
      let found = byAction.get(action);
      if (!found) {
        const probe = { action: new EntityRef('Haven::Action', action) } as Env;
        found = policies.filter((p) => p.actionScope(probe));
        byAction.set(action, found);
      }
      return found;
    },
  };
}

/** A policy set compiled for `evaluate`, with each action's policies picked out. */
export interface EvaluationSet {
  forAction(action: string): readonly CompiledForEvaluation[];
}

/** The environment of a Cedar request: its entities by uid, and the request's variables. */
function envOf(request: CedarRequest): Env {
  const entities: Env['entities'] = new Map();
  type Uid = { type: string; id: string };
  for (const entity of request.entities as { uid: Uid; attrs: Record<string, unknown>; parents: Uid[] }[]) {
    const attrs: Record<string, Value> = {};
    for (const [k, v] of Object.entries(entity.attrs)) attrs[k] = fromJson(v);
    entities.set(key(entity.uid), { attrs, parents: entity.parents.map((p) => new EntityRef(p.type, p.id)) });
  }
  const uid = (u: unknown) => new EntityRef((u as Uid).type, (u as Uid).id);
  return {
    principal: uid(request.principal),
    action: uid(request.action),
    resource: uid(request.resource),
    context: fromJson(request.context),
    entities,
  };
}

/** The same environment, built straight from the gate's facts (the matrix's requests). */

/** The decision the engine would give for `request` under the compiled set (same reasons, same policy-error). */
export function evaluate(compiled: EvaluationSet, request: CedarRequest): Decision {
  return evaluateEnv(compiled, envOf(request));
}

/** Decisions of one request under several compiled sets, building its environment once. */
export function evaluateUnder(sets: readonly EvaluationSet[], request: DecisionRequest): Decision[] {
  const env = envOfFacts(request);
  return sets.map((compiled) => evaluateEnv(compiled, env));
}

/**
 * The decisions of one request under two versions, or null when they cannot differ: `changed` holds, for each
 * version, only the policies not in the other word for word. Where none of them applies to the request (nor fails
 * on it) in either version, both versions decide it by the same policies. Most of a small change's matrix is
 * settled by that check, or by the action alone, without evaluating the full sets.
 */
export function decisionsIfChanged(
  full: readonly [EvaluationSet, EvaluationSet],
  changed: readonly [EvaluationSet, EvaluationSet],
  request: DecisionRequest,
): [Decision, Decision] | null {
  const touching = [...changed[0].forAction(request.action), ...changed[1].forAction(request.action)];
  if (touching.length === 0) return null;
  const env = envOfFacts(request);
  const touched = touching.some((policy) => {
    try {
      return policy.applies(env);
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      return true;
    }
  });
  if (!touched) return null;
  return [evaluateEnv(full[0], env), evaluateEnv(full[1], env)];
}

/** The same environment as `toCedarRequest` then `envOf` would give, built straight from the gate's facts. */
function envOfFacts(request: DecisionRequest): Env {
  const entities: Env['entities'] = new Map();
  // One object per entity, carrying its attributes: an attribute read is a property read.
  const known = new Map<string, EntityRef>();
  const ref = (type: string, id: string): EntityRef => {
    const k = `${type}\0${id}`;
    let entity = known.get(k);
    if (!entity) {
      entity = new EntityRef(`Haven::${type}`, id);
      known.set(k, entity);
    }
    return entity;
  };
  const add = (entity: EntityRef, attrs: Record<string, Value>) => {
    entity.attrs = attrs;
  };
  const organisation = (id: string) => {
    const r = ref('Organisation', id);
    if (!r.attrs) add(r, {});
    return r;
  };
  const staff = (s: StaffFacts) => {
    const r = ref('Staff', s.id);
    add(r, { role: s.role, tier: s.tier, organisation: organisation(s.organisation) });
    return r;
  };
  const person = (p: PersonFacts) => {
    const r = ref('Person', p.id);
    add(r, {
      organisation: organisation(p.organisation),
      assignees: p.assignees.map((a) => ref('Staff', a)),
      restricted: p.restricted,
    });
    return r;
  };
  const p = request.principal;
  let principal: EntityRef;
  if (p.type === 'Staff') principal = staff(p);
  else if (p.type === 'Partner') {
    principal = ref('Partner', p.id);
    add(principal, { organisation: organisation(p.organisation), kind: p.kind, actsFor: p.actsFor });
  } else {
    principal = ref('Importer', p.id);
    add(principal, { organisation: organisation(p.organisation) });
  }
  const r = request.resource;
  let resource: EntityRef;
  switch (r.type) {
    case 'PersonGroup':
      resource = ref('PersonGroup', `${r.person.id}#${r.group}`);
      add(resource, { person: person(r.person), group: r.group, tier: r.tier, purposes: [...r.purposes] });
      break;
    case 'Person':
      resource = person(r.person);
      break;
    case 'Organisation':
      resource = organisation(r.id);
      break;
    case 'Correction':
      resource = ref('Correction', r.id);
      if (r.proposer.id !== p.id) staff(r.proposer);
      add(resource, { person: person(r.person), proposer: ref('Staff', r.proposer.id) });
      break;
    case 'LegalHold':
      resource = ref('LegalHold', r.id);
      if (r.placer.id !== p.id) staff(r.placer);
      add(resource, { person: person(r.person), placer: ref('Staff', r.placer.id) });
      break;
    case 'PolicyChange':
      resource = ref('PolicyChange', r.id);
      if (r.proposer.id !== p.id) staff(r.proposer);
      add(resource, { proposer: ref('Staff', r.proposer.id) });
      break;
    case 'PersonRelease':
      resource = ref('PersonRelease', `${r.person.id}#release`);
      add(resource, {
        person: person(r.person),
        countries: [...r.countries],
        recipientKind: r.recipient.kind,
        recipientActsFor: r.recipient.actsFor,
      });
      break;
  }
  const c = request.context;
  return {
    principal,
    action: new EntityRef('Haven::Action', request.action),
    resource,
    context: {
      purpose: {
        name: c.purpose.name,
        prohibited: c.purpose.prohibited,
        usable: c.purpose.usable,
        dpia: c.purpose.dpia,

        legalBases: [...c.purpose.legalBases],
      },
      basis: { state: c.basis.state, kind: c.basis.kind },
      assurance: c.assurance,
      breakGlass: c.breakGlass,
    },
    entities,
  };
}

function evaluateEnv(compiled: EvaluationSet, env: Env): Decision {
  let permitted = false;
  const reasons = new Set<string>();
  let error = false;
  for (const policy of compiled.forAction(env.action.id)) {
    let applies: boolean;
    try {
      applies = policy.applies(env);
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;

      error = true;
      continue;
    }
    if (!applies) continue;
    if (policy.effect === 'forbid') reasons.add(policy.reason ?? 'forbidden');
    else permitted = true;
  }
  if (error) return { allowed: false, reasons: ['policy-error'] };
  if (reasons.size > 0) return { allowed: false, reasons: [...reasons].sort() };
  return permitted ? { allowed: true, reasons: [] } : { allowed: false, reasons: ['not-permitted'] };
}
