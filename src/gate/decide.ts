import type { Dictionary } from '../domain/dictionary/index.ts';
import { HavenError, type Withheld } from '../domain/errors.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import type {
  ContextFacts,
  Decision,
  PersonDataAction,
  PersonFacts,
  PolicyAction,
  PrincipalFacts,
  ResourceFacts,
} from '../policy/requests.ts';
import type { Sql } from '../store/database.ts';
import { type Actor, auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { explain, primaryReason } from './explain.ts';
import type { BasisFacts } from './facts.ts';
import type { ResolvedPurpose } from './purposes.ts';
import { markLedgered, type Outcome, refused } from './transaction.ts';

/** Building policy requests from what the gate knows, and writing every decision to the ledger (AUD-1). */

export function principalOf(actor: Actor): PrincipalFacts {
  if (actor.kind === 'importer')
    return { type: 'Importer', id: actor.importId, organisation: actor.organisationId };
  if (actor.kind === 'partner') {
    return {
      type: 'Partner',
      id: actor.partnerId,
      organisation: actor.organisationId,
      kind: actor.partnerKind,
      actsFor: actor.actsFor,
    };
  }
  return {
    type: 'Staff',
    id: actor.accountId,
    organisation: actor.organisationId,
    role: actor.role,
    tier: actor.tier,
  };
}

/** Which DPIA a refusal is about, in words (no personal data: a purpose, an id, a version, a date). */
function describeDpia(purpose: ResolvedPurpose): string {
  const { inForce, latest } = purpose.dpiaStatus;
  if (inForce && purpose.dpia === 'expired') {
    return `Purpose ${purpose.name}: DPIA ${inForce.id} version ${inForce.version} was due for review on ${inForce.reviewDate}.`;
  }
  if (latest)
    return `Purpose ${purpose.name}: DPIA ${latest.id} version ${latest.version} is ${latest.status}.`;
  return `Purpose ${purpose.name} has no DPIA yet.`;
}

export function contextOf(
  actor: Actor,
  purpose: ResolvedPurpose,
  basis: BasisFacts,
  breakGlass = false,
): ContextFacts {
  return {
    purpose: {
      name: purpose.name,
      prohibited: purpose.prohibited,
      usable: purpose.usable,
      dpia: purpose.dpia,
      legalBases: purpose.legalBases,
    },

    basis: { state: basis.state, kind: basis.kind },
    assurance: actor.kind === 'staff' ? actor.assurance : 3,
    breakGlass,
  };
}

export const NOT_APPLICABLE: BasisFacts = { state: 'not-applicable', kind: 'none' };

/** Per dictionary: each group's tier and the purposes that may use a field of it (sorted once). */
const groupFacts = new WeakMap<Dictionary, Map<string, { tier: number; purposes: string[] }>>();

export function groupInfo(dictionary: Dictionary, group: string): { tier: number; purposes: string[] } {
  let facts = groupFacts.get(dictionary);
  if (!facts) {
    facts = new Map();
    for (const g of dictionary.groups) {
      const purposes = new Set(dictionary.fieldsOfGroup(g.name).flatMap((f) => f.purposes));
      facts.set(g.name, { tier: g.tier, purposes: [...purposes].sort() });
    }
    groupFacts.set(dictionary, facts);
  }
  const info = facts.get(group);
  if (!info)
    throw new HavenError('field-group-unknown', `Field group ${group} is not in the data dictionary.`, {
      status: 500,
    });
  return info;
}

export interface GroupDecision extends Decision {
  group: string;
}

/** One decision per field group (architecture.md, "The one gate", step 3). */
export function decideGroups(
  ctx: GateContext,
  actor: Actor,
  action: PersonDataAction,
  purpose: ResolvedPurpose,
  person: PersonFacts,
  groups: readonly string[],
  basis: BasisFacts,
  breakGlassGroups: ReadonlySet<string> = new Set(),
): GroupDecision[] {
  const engine = ctx.policies();
  const principal = principalOf(actor);
  return groups.map((group) => {
    const info = groupInfo(ctx.dictionary, group);
    const resource: ResourceFacts = {
      type: 'PersonGroup',
      person,
      group,
      tier: info.tier,
      purposes: info.purposes,
    };
    const context = contextOf(actor, purpose, basis, breakGlassGroups.has(group));
    return { group, ...engine.decide({ principal, action, resource, context }) };
  });
}

export function decideOne(
  ctx: GateContext,
  actor: Actor,
  action: PolicyAction,
  resource: ResourceFacts,
  purpose: ResolvedPurpose,
  basis: BasisFacts = NOT_APPLICABLE,
): Decision {
  return ctx
    .policies()
    .decide({ principal: principalOf(actor), action, resource, context: contextOf(actor, purpose, basis) });
}

/**
 * Ledger events for a set of group decisions: one `allow` event naming the groups allowed, and one `deny` event
 * per reason naming the groups it closed. Written in the caller's transaction, with the data change if any.
 */
export async function recordGroupDecisions(
  tx: Sql,
  request: GateRequest,
  action: string,
  personId: string | undefined,
  decisions: readonly GroupDecision[],
): Promise<void> {
  await recordAuditEvents(tx, groupDecisionEvents(request, action, personId, decisions));
}

export function groupDecisionEvents(
  request: GateRequest,
  action: string,
  personId: string | undefined,
  decisions: readonly GroupDecision[],
): NewAuditEvent[] {
  const base = {
    actor: auditActor(request.actor),
    ...policyOf(request),
    action,
    ...(request.purpose ? { purpose: request.purpose } : {}),
    ...(personId ? { subject: personId, subjectType: 'person' as const } : {}),
    ...(request.requestId ? { requestId: request.requestId } : {}),
  };
  const events: NewAuditEvent[] = [];
  const allowed = decisions.filter((d) => d.allowed).map((d) => d.group);
  if (allowed.length > 0) events.push({ ...base, fieldGroups: allowed, decision: 'allow', reason: 'ok' });
  const byReason = new Map<string, string[]>();
  for (const d of decisions.filter((x) => !x.allowed)) {
    const reason = primaryReason(d.reasons);
    byReason.set(reason, [...(byReason.get(reason) ?? []), d.group]);
  }
  for (const [reason, groups] of byReason)
    events.push({ ...base, fieldGroups: groups, decision: 'deny', reason });
  return events;
}

/** A refusal in one event (person-level actions, or a request refused before any group was considered). */
export async function recordRefusal(
  tx: Sql,
  request: GateRequest,
  action: string,
  personId: string | undefined,
  reason: string,
): Promise<void> {
  await recordAuditEvents(tx, [
    {
      actor: auditActor(request.actor),
      ...policyOf(request),
      action,
      ...(request.purpose && /^[a-z0-9][a-z0-9.:_-]{0,79}$/.test(request.purpose)
        ? { purpose: request.purpose }
        : {}),
      ...(personId ? { subject: personId, subjectType: 'person' as const } : {}),
      decision: 'deny',
      reason,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
  ]);
}

/** The reason code the ledger keeps for a refusal: its rule's code, or the error's own (requirement ids are not codes). */
export function ledgerReason(error: HavenError): string {
  return error.reason !== undefined && /^[a-z0-9][a-z0-9.:_-]{0,79}$/.test(error.reason)
    ? error.reason
    : error.code;
}

/**
 * Ends a gate transaction with a refusal: its deny event is written in the same transaction, and the error is
 * marked as recorded so that the gate's entry does not write it twice. `reason` is what the ledger keeps when
 * the caller is told less (another organisation's person is "not found" to them, not to oversight).
 */
export async function refuse<T>(
  tx: Sql,
  request: GateRequest,
  action: string,
  personId: string | undefined,
  error: HavenError,
  reason: string = ledgerReason(error),
): Promise<Outcome<T>> {
  await recordRefusal(tx, request, action, personId, reason);
  return refused(markLedgered(error));
}

export function withheldOf(decisions: readonly GroupDecision[]): Withheld[] {
  return decisions.filter((d) => !d.allowed).map((d) => ({ group: d.group, reasons: d.reasons }));
}

/** The error for a request refused outright, with the reason and every group withheld (ACC-9). */
export function refusal(
  reasons: readonly string[],
  withheld?: Withheld[],
  purpose?: ResolvedPurpose,
): HavenError {
  const reason = primaryReason(reasons);
  if ((reason === 'dpia-not-approved' || reason === 'dpia-expired') && purpose) {
    // PUR-6: the refusal names the DPIA that stops the processing, so it can be found and reviewed.
    return new HavenError('access-denied', `${explain(reason)} ${describeDpia(purpose)}`, {
      status: 403,
      reason,
      ...(withheld && withheld.length > 0 ? { withheld } : {}),
    });
  }
  if (reason === 'other-organisation' || reason === 'person-not-found') {
    // Another organisation's person is as invisible as one that does not exist.
    return new HavenError('person-not-found', explain('person-not-found'), {
      status: 404,
      reason: 'person-not-found',
    });
  }
  return new HavenError('access-denied', explain(reason), {
    status: 403,
    reason,
    ...(withheld && withheld.length > 0 ? { withheld } : {}),
  });
}

/**
 * Resolves the declared purpose; a request without one, or with one the register does not know, is refused —
 * and that refusal is in the ledger too (PUR-1).
 */
export async function resolvePurpose(
  ctx: GateContext,
  request: GateRequest,
  action: string,
  personId?: string,
): Promise<ResolvedPurpose> {
  try {
    return await ctx.purposes.resolve(request.purpose, ctx.now());
  } catch (error) {
    if (error instanceof HavenError) {
      // A purpose the register does not know is not written down: the header is free text (ENC-1).
      await recordRefusal(
        ctx.db,
        error.code === 'purpose-unknown' ? { ...request, purpose: undefined } : request,
        action,
        personId && /^[0-9a-f-]{36}$/i.test(personId) ? personId : undefined,
        error.code,
      );
      markLedgered(error);
    }
    throw error;
  }
}
