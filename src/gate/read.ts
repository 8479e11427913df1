import type { Withheld } from '../domain/errors.ts';
import { readGroups } from '../records/person-records.ts';
import type { GateContext, GateRequest } from './context.ts';
import { decideGroups, recordGroupDecisions, refusal, resolvePurpose, withheldOf } from './decide.ts';
import { basisFor, breakGlassGroups } from './facts.ts';
import { loadPerson } from './person-facts.ts';
import { inTransaction, ok, refused } from './transaction.ts';

/**
 * Reading a person (architecture.md, "The one gate"): decide every field group for this actor and purpose,
 * decrypt only the groups allowed — the others are not even read from the database — keep only the fields the
 * purpose may use, record each decision in the ledger, and say what was withheld and why (ACC-9).
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
}

export async function readPerson(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  options: { groups?: readonly string[] } = {},
): Promise<PersonView> {
  const purpose = await resolvePurpose(ctx, request, 'person.read', personId);
  const { actor } = request;
  return inTransaction<PersonView>(ctx.db, async (tx) => {
    const loaded = await loadPerson(tx, request, personId, 'person.read');
    if (!loaded.ok) return loaded;
    const { meta, facts } = loaded.value;
    const wanted = options.groups ? meta.groups.filter((g) => options.groups!.includes(g)) : meta.groups;
    const basis = await basisFor(tx, meta.id, purpose.name);
    const glass =
      actor.kind === 'staff'
        ? await breakGlassGroups(tx, actor.accountId, meta.id, purpose.name)
        : new Set<string>();
    const decisions = decideGroups(ctx, actor, 'read', purpose, facts, wanted, basis, glass);
    await recordGroupDecisions(
      tx,
      request,
      glass.size > 0 ? 'person.read-break-glass' : 'person.read',
      meta.id,
      decisions,
    );
    const allowed = decisions.filter((d) => d.allowed).map((d) => d.group);
    const withheld = withheldOf(decisions);
    if (allowed.length === 0 && wanted.length > 0) {
      return refused(
        refusal(
          decisions.flatMap((d) => d.reasons),
          withheld,
        ),
      );
    }
    const values = await readGroups(ctx.vault, tx, meta, allowed);
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
    return ok({
      id: meta.id,
      version: meta.version,
      createdAt: meta.createdAt.toISOString(),
      updatedAt: meta.updatedAt.toISOString(),
      purpose: purpose.name,
      data,
      withheld,
      breakGlass: decisions.some((d) => d.allowed && glass.has(d.group)),
    });
  });
}
