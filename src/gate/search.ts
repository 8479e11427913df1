import { type SearchCriteria, searchTerms } from '../crypto/blind-index/person-tokens.ts';
import type { Withheld } from '../domain/errors.ts';
import { recordAuditEvents } from '../ledger/events.ts';
import { findByTokens, personMeta, readGroups } from '../records/person-records.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decideGroups, decideOne, recordGroupDecisions, refusal, refuse, resolvePurpose } from './decide.ts';
import { throughGate } from './entry.ts';
import { basisFor, breakGlassGroups, caseloadOf } from './facts.ts';
import { inTransaction, ok } from './transaction.ts';

/**
 * Finding people (ENC-3) by name in either script, date of birth, phone or document number, through blind
 * indexes. Each match shows the identity group only where the policies allow it for this actor and purpose, and
 * each match shown is a read in the ledger — the person will see who found them (AUD-5).
 */
export interface SearchRequest extends SearchCriteria {
  /** Also return cross-script and spelling-variant matches (name skeletons). */
  similar?: boolean;
  limit?: number;
}

export interface SearchMatch {
  id: string;
  match: 'exact' | 'similar';
  data: Record<string, Record<string, unknown>>;
  withheld: Withheld[];
}

const DISPLAY_GROUPS = ['identity'];

export async function searchPersons(
  ctx: GateContext,
  request: GateRequest,
  criteria: SearchRequest,
): Promise<SearchMatch[]> {
  return throughGate(ctx, request, 'person.search', undefined, () => search(ctx, request, criteria));
}

async function search(
  ctx: GateContext,
  request: GateRequest,
  criteria: SearchRequest,
): Promise<SearchMatch[]> {
  const purpose = await resolvePurpose(ctx, request, 'person.search');
  const { actor } = request;
  const organisationId = actor.organisationId;
  // Only fields the declared purpose may use are searched: a match on any other would itself disclose data.
  const terms = searchTerms(
    ctx.index,
    ctx.dictionary,
    organisationId,
    criteria,
    (field) => ctx.dictionary.field(field)?.purposes.includes(purpose.name) === true,
  );
  const limit = Math.min(Math.max(criteria.limit ?? 20, 1), 50);
  return inTransaction<SearchMatch[]>(ctx.db, async (tx) => {
    const allowedToSearch = decideOne(
      ctx,
      actor,
      'search',
      { type: 'Organisation', id: organisationId },
      purpose,
    );
    if (!allowedToSearch.allowed) {
      const reasons = allowedToSearch.reasons;
      return refuse(
        tx,
        request,
        'person.search',
        undefined,
        refusal(reasons, undefined, purpose),
        reasons[0] ?? 'not-permitted',
      );
    }
    const exact = await findByTokens(tx, organisationId, terms.exact, limit);
    const similar = criteria.similar
      ? (await findByTokens(tx, organisationId, terms.similar, limit)).filter((id) => !exact.includes(id))
      : [];
    const matches: SearchMatch[] = [];
    for (const [id, match] of [
      ...exact.map((id) => [id, 'exact'] as const),
      ...similar.slice(0, limit - exact.length).map((id) => [id, 'similar'] as const),
    ]) {
      const meta = await personMeta(tx, id);
      if (meta?.status !== 'active') continue;
      const facts = {
        id,
        organisation: meta.organisationId,
        assignees: await caseloadOf(tx, id),
        restricted: meta.restricted,
      };
      const basis = await basisFor(tx, id, purpose.name);
      const glass =
        actor.kind === 'staff'
          ? await breakGlassGroups(tx, actor.accountId, id, purpose.name)
          : new Set<string>();
      // A restricted person is decided on even without display data, so that the restriction can hide them.
      const groups = DISPLAY_GROUPS.filter((g) => meta.groups.includes(g) || meta.restricted);
      const decisions = decideGroups(ctx, actor, 'read', purpose, facts, groups, basis, glass);
      await recordGroupDecisions(tx, request, 'person.search-result', id, decisions);
      // RIG-1 (GDPR 18): a restricted person is not found for a processing purpose — being found is processing
      // too. The refusal is in the ledger above; the caller is not told the person exists.
      if (decisions.some((d) => d.reasons.includes('person-restricted'))) continue;
      const allowed = decisions.filter((d) => d.allowed).map((d) => d.group);
      const values = await readGroups(ctx.vault, tx, meta, allowed);
      const data: SearchMatch['data'] = {};
      for (const group of allowed) {
        data[group] = Object.fromEntries(
          Object.entries(values[group] ?? {}).filter(([field]) =>
            ctx.dictionary.field(field)?.purposes.includes(purpose.name),
          ),
        );
      }
      matches.push({
        id,
        match,
        data,
        withheld: decisions.filter((d) => !d.allowed).map((d) => ({ group: d.group, reasons: d.reasons })),
      });
    }
    await recordAuditEvents(tx, [
      {
        actor: auditActor(actor),
        ...policyOf(request),
        action: 'person.search',
        purpose: purpose.name,
        fieldGroups: terms.fields
          .map((f) => ctx.dictionary.groupOf(f)?.name ?? f)
          .filter((g, i, all) => all.indexOf(g) === i),
        decision: 'allow',
        reason: 'ok',
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ]);
    return ok(matches);
  });
}
