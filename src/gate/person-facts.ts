import { HavenError } from '../domain/errors.ts';
import type { PersonFacts } from '../policy/requests.ts';
import { isPersonId, type PersonMeta, personMeta } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import type { GateRequest } from './context.ts';
import { recordRefusal } from './decide.ts';
import { explain } from './explain.ts';
import { caseloadOf } from './facts.ts';
import { markLedgered, type Outcome, ok, refused } from './transaction.ts';

/**
 * A guessed, unknown or erased person id is refused before any decision, with a ledger event. Another
 * organisation's erased person looks like an unknown one.
 */
export async function refuseUnavailable(
  sql: Sql,
  request: GateRequest,
  personId: string,
  meta: PersonMeta | undefined,
  action: string,
): Promise<HavenError | undefined> {
  if (!meta) {
    await recordRefusal(
      sql,
      request,
      action,
      isPersonId(personId) ? personId : undefined,
      'person-not-found',
    );
    return markLedgered(
      new HavenError('person-not-found', explain('person-not-found'), {
        status: 404,
        reason: 'person-not-found',
      }),
    );
  }
  if (meta.status === 'active') return undefined;
  const sameOrganisation = meta.organisationId === request.actor.organisationId;
  await recordRefusal(
    sql,
    request,
    action,
    personId,
    sameOrganisation ? 'person-erased' : 'person-not-found',
  );
  return markLedgered(
    sameOrganisation
      ? new HavenError('person-erased', 'This person’s record was erased; nothing of it can be read.', {
          status: 410,
          reason: 'person-erased',
        })
      : new HavenError('person-not-found', explain('person-not-found'), {
          status: 404,
          reason: 'person-not-found',
        }),
  );
}

/** Loads what the policies need to know about a person — organisation, caseload, status — decrypting nothing. */
export async function loadPerson(
  tx: Sql,
  request: GateRequest,
  personId: string,
  action: string,
  options: { lock?: boolean } = {},
): Promise<Outcome<{ meta: PersonMeta; facts: PersonFacts }>> {
  const meta = isPersonId(personId) ? await personMeta(tx, personId, options) : undefined;
  const unavailable = await refuseUnavailable(tx, request, personId, meta, action);
  if (unavailable || !meta) return refused(unavailable!);
  return ok({
    meta,
    facts: {
      id: meta.id,
      organisation: meta.organisationId,
      assignees: await caseloadOf(tx, meta.id),
      restricted: meta.restricted,
    },
  });
}
