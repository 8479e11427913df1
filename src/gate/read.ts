import type { Withheld } from '../domain/errors.ts';
import { openSealedGroups, readSnapshot } from '../records/person-records.ts';
import type { GateContext, GateRequest } from './context.ts';
import { decideGroups, groupDecisionEvents, refusal, resolvePurpose, withheldOf } from './decide.ts';
import { throughGate } from './entry.ts';
import { basisState } from './facts.ts';
import { refuseUnavailable } from './person-facts.ts';
import { markLedgered } from './transaction.ts';

/**
 * Reading a person (architecture.md, "The one gate"): decide every field group for this actor and purpose,
 * decrypt only the groups allowed, keep only the fields the purpose may use, record the decisions in the ledger —
 * durably, before anything is returned — and say what was withheld and why (ACC-9).
 * A read changes nothing, so it needs no transaction: one query gathers the sealed record and every fact the
 * policies need, and one statement records the decisions.
 */
export interface PersonView {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  purpose: string;
  data: Record<string, Record<string, unknown>>;
  withheld: Withheld[];
  /** True when a break-glass grant opened some of the data (ACC-8). */
  breakGlass: boolean;
  /**
   * Processing is restricted (GDPR 18): seen only by those the restriction lets read — for the person's rights,
   * legal claims, or under break-glass — who must then do no more with the data than that.
   */
  restricted: boolean;
}

export async function readPerson(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  options: { groups?: readonly string[] } = {},
): Promise<PersonView> {
  return throughGate(ctx, request, 'person.read', personId, () => read(ctx, request, personId, options));
}

async function read(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  options: { groups?: readonly string[] },
): Promise<PersonView> {
  const purpose = await resolvePurpose(ctx, request, 'person.read', personId);
  const { actor } = request;
  const snapshot = await readSnapshot(ctx.db, personId, {
    purpose: purpose.name,
    accountId: actor.kind === 'staff' ? actor.accountId : null,
  });
  const unavailable = await refuseUnavailable(ctx.db, request, personId, snapshot?.meta, 'person.read');
  if (unavailable || !snapshot) throw unavailable;
  const { meta } = snapshot;
  const wanted = options.groups ? meta.groups.filter((g) => options.groups!.includes(g)) : meta.groups;
  const glass = new Set(actor.kind === 'staff' ? snapshot.breakGlass : []);
  const facts = {
    id: meta.id,
    organisation: meta.organisationId,
    assignees: snapshot.assignees,
    restricted: meta.restricted,
  };
  const decisions = decideGroups(
    ctx,
    actor,
    'read',
    purpose,
    facts,
    wanted,
    basisState(snapshot.bases),
    glass,
  );
  // Durable before anything is returned; concurrent reads share one commit.
  await ctx.events.record(
    groupDecisionEvents(
      request,
      glass.size > 0 ? 'person.read-break-glass' : 'person.read',
      meta.id,
      decisions,
    ),
  );
  const allowed = decisions.filter((d) => d.allowed).map((d) => d.group);
  const withheld = withheldOf(decisions);
  if (allowed.length === 0 && wanted.length > 0)
    throw markLedgered(
      refusal(
        decisions.flatMap((d) => d.reasons),
        withheld,
        purpose,
      ),
    );
  const values = await openSealedGroups(ctx.vault, meta, snapshot.sealed, allowed);
  const data: PersonView['data'] = {};
  for (const group of allowed) {
    // Minimisation inside a group: only the fields this purpose may use (MIN-1).
    const kept: Record<string, unknown> = {};
    const dropped: string[] = [];
    for (const [field, value] of Object.entries(values[group] ?? {})) {
      if (ctx.dictionary.field(field)?.purposes.includes(purpose.name)) kept[field] = value;
      else dropped.push(field);
    }
    data[group] = kept;
    if (dropped.length > 0)
      withheld.push({ group, reasons: ['not-in-purpose-data-set'], fields: dropped.sort() });
  }
  return {
    id: meta.id,
    version: meta.version,
    createdAt: meta.createdAt.toISOString(),
    updatedAt: meta.updatedAt.toISOString(),
    purpose: purpose.name,
    data,
    withheld,
    breakGlass: decisions.some((d) => d.allowed && glass.has(d.group)),
    restricted: meta.restricted,
  };
}
