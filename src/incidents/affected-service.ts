import type { Dictionary } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { auditActor, type GateRequest } from '../gate/context.ts';
import { type AffectedSummary, BREACH } from '../gate/incident-affected.ts';
import type { Gate } from '../gate/service.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';
import { type AffectedSource, checkWindow, computationDigest, computeAffected } from './affected.ts';
import { type IncidentKeys, markAffectedComputed, readIncident } from './register.ts';

/**
 * BRE-3 for one incident: read its source and window from the register, compute from the ledger (general pool:
 * the ledger is general), keep the result through the gate (the list of people is personal), and mark the step's
 * time on the incident for the drills' figures. Used by the HTTP route and `haven incidents affected`.
 */
export interface AffectedDeps {
  db: Database;
  gate: Gate;
  dictionary: Dictionary;
  incidentKeys: IncidentKeys;
  now(): Date;
}

export async function computeForIncident(
  deps: AffectedDeps,
  request: GateRequest,
  incidentId: string,
): Promise<AffectedSummary> {
  try {
    return await compute(deps, request, incidentId);
  } catch (error) {
    // AUD-1: a refused computation (a bad window or source, a caller who may not) is in the ledger too; the gate
    // writes its own refusals.
    if (error instanceof HavenError && error.status < 500 && !deps.gate.alreadyLedgered(error)) {
      await recordAuditEvent(deps.db, {
        actor: auditActor(request.actor),
        action: 'incident.affected',
        purpose: BREACH.name,
        ...(UUID.test(incidentId) ? { subject: incidentId, subjectType: 'incident' as const } : {}),
        decision: 'deny',
        reason: error.code,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      });
    }
    throw error;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function compute(
  deps: AffectedDeps,
  request: GateRequest,
  incidentId: string,
): Promise<AffectedSummary> {
  if (request.actor.kind !== 'staff' || request.actor.role !== 'dpo') {
    // Refused by the gate too; checked first so nothing of the ledger is read for a caller who may not.
    throw new HavenError('access-denied', 'Only the DPO computes the people a breach affected.', {
      status: 403,
      reason: 'not-permitted',
    });
  }
  const organisationId = request.actor.organisationId;
  const incident = await readIncident(deps.db, deps.incidentKeys, organisationId, incidentId, {
    withTexts: false,
  });
  const now = deps.now();
  const window = checkWindow(incident.window.from, incident.window.to, now);
  const computation = await computeAffected(
    deps.db,
    deps.dictionary,
    organisationId,
    incident.source,
    window,
  );
  const summary = await deps.gate.recordAffected(request, incident.id, {
    source: sourceColumns(computation.source),
    window: computation.window,
    attribution: computation.attribution,
    ledgerHead: computation.ledgerHead,
    firstSeq: computation.firstSeq,
    lastSeq: computation.lastSeq,
    people: computation.people,
    events: computation.events,
    denied: computation.denied,
    byCategory: computation.byCategory,
    byExposure: computation.byExposure,
    digest: computationDigest(computation),
  });
  try {
    await markAffectedComputed(deps.db, organisationId, incident.id, new Date(summary.computedAt));
  } catch (error) {
    // The computation is committed and its allow event is in the ledger: a failure to note the time on the
    // register is a fault (5xx), never a refusal ledgered beside that allow. A re-run notes it (coalesce).
    throw new HavenError(
      'incident-affected-time-not-recorded',
      'The people affected were computed and kept, but the register did not note when; compute again.',
      {
        status: 500,
        cause: error,
      },
    );
  }
  return summary;
}

function sourceColumns(source: AffectedSource): {
  kind: AffectedSource['kind'];
  id: string;
  key: string | null;
} {
  if (source.kind === 'account') return { kind: source.kind, id: source.accountId, key: null };
  if (source.kind === 'partner') return { kind: source.kind, id: source.partnerId, key: null };
  return { kind: source.kind, id: source.partnerId, key: source.keyId };
}
