import { HavenError } from '../domain/errors.ts';
import type { PersonFacts, PolicyAction } from '../policy/requests.ts';
import type { PersonMeta } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import type { GateContext, GateRequest } from './context.ts';
import { decideOne, ledgerReason, recordRefusal, refusal, refuse, resolvePurpose } from './decide.ts';
import { loadPerson } from './person-facts.ts';
import type { ResolvedPurpose } from './purposes.ts';
import { inTransaction, isLedgered, markLedgered, type Outcome } from './transaction.ts';

const PERSON_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every way into the gate ends in the ledger (AUD-1, PUR-2): a request refused for any reason — a prohibited
 * purpose, values the dictionary refuses, an unknown witness, a policy — leaves one deny event with its request
 * id. Refusals decided inside a transaction are written there, with what they protect; this writes the rest
 * (those raised before any transaction began). Faults (5xx) are not refusals and are logged, not ledgered.
 */
export async function throughGate<T>(
  ctx: GateContext,
  request: GateRequest,
  action: string,
  personId: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HavenError && error.status < 500 && !isLedgered(error)) {
      const subject = personId !== undefined && PERSON_ID.test(personId) ? personId : undefined;
      // Refused before its purpose was resolved: the purpose is kept only if the register has it (ENC-1).
      const known = request.purpose !== undefined && ctx.dictionary.purpose(request.purpose) !== undefined;
      await recordRefusal(
        ctx.db,
        known ? request : { ...request, purpose: undefined },
        action,
        subject,
        ledgerReason(error),
      );
      markLedgered(error);
    }
    throw error;
  }
}

export interface PersonAction {
  /** The ledger's name for it, e.g. `consent.history`. */
  event: string;
  personId: string;
  /** What the policies are asked. */
  action: PolicyAction;
  /** A purpose the gate sets itself (erasure runs under the rights purpose), instead of the declared one. */
  purpose?: ResolvedPurpose;
  /** Lock the person's row for the transaction (changes that must not interleave). */
  lock?: boolean;
}

export interface AllowedPersonAction {
  purpose: ResolvedPurpose;
  meta: PersonMeta;
  facts: PersonFacts;
}

/**
 * The preamble every person-level action shares, in the one safe order: resolve the declared purpose, load the
 * person's facts (decrypting nothing), decide, and on refusal write the deny event before returning. `work`
 * runs only when allowed, in the same transaction; a refusal it returns is ledgered by `refuse` or the entry.
 */
export function decidePersonAction<T>(
  ctx: GateContext,
  request: GateRequest,
  spec: PersonAction,
  work: (tx: Sql, allowed: AllowedPersonAction) => Promise<Outcome<T>>,
): Promise<T> {
  return throughGate(ctx, request, spec.event, spec.personId, async () => {
    const purpose = spec.purpose ?? (await resolvePurpose(ctx, request, spec.event, spec.personId));
    const scoped: GateRequest = spec.purpose ? { ...request, purpose: spec.purpose.name } : request;
    return inTransaction<T>(ctx.db, async (tx) => {
      const loaded = await loadPerson(tx, scoped, spec.personId, spec.event, { lock: spec.lock ?? false });
      if (!loaded.ok) return loaded;
      const { meta, facts } = loaded.value;
      const decision = decideOne(ctx, request.actor, spec.action, { type: 'Person', person: facts }, purpose);
      if (!decision.allowed) {
        return refuse(
          tx,
          scoped,
          spec.event,
          spec.personId,
          refusal(decision.reasons, undefined, purpose),
          decision.reasons[0],
        );
      }
      return work(tx, { purpose, meta, facts });
    });
  });
}
