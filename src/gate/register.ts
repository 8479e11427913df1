import { createHmac, randomUUID } from 'node:crypto';
import { personTokens } from '../crypto/blind-index/person-tokens.ts';
import { checkCapture, todayAnywhere } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { sealNewPerson, sealWithPersonKey } from '../records/person-records.ts';
import { type BasisInput, checkBasis, checkNoticeVersion } from './basis-input.ts';
import { checkWitness } from './basis-store.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decideGroups, groupDecisionEvents, refusal, resolvePurpose, withheldOf } from './decide.ts';
import { throughGate } from './entry.ts';
import type { PreparedRegistration } from './registrations.ts';
import { markLedgered } from './transaction.ts';

/**
 * Registering a person (MIN-2, PUR-1, PUR-3, PUR-5): only fields of the declared purpose's data set, with the
 * person's consent or another legal basis recorded in the same transaction; every field group decided by the
 * policies; nothing written unless all of it may be. Imports pass a line reference so a re-run is idempotent.
 */
export interface Registration {
  values: Record<string, unknown>;
  basis: BasisInput;
  /** Bulk import: the line's reference in its source; a second registration with it returns the first. */
  importRef?: string;
}

export interface Registered {
  id: string;
  version: number;
  fieldGroups: string[];
  /** True when the import reference was already registered: nothing new was written. */
  alreadyRegistered: boolean;
}

export function importKey(ctx: GateContext, organisationId: string, ref: string): Buffer {
  return createHmac('sha256', ctx.importSecret).update(`import\0${organisationId}\0${ref}`).digest();
}

export async function registerPerson(
  ctx: GateContext,
  request: GateRequest,
  input: Registration,
): Promise<Registered> {
  // PUR-2, AUD-1: every refusal below — a prohibited purpose, refused values, an unknown witness — is ledgered.
  return throughGate(ctx, request, 'person.register', undefined, () => register(ctx, request, input));
}

async function register(ctx: GateContext, request: GateRequest, input: Registration): Promise<Registered> {
  const now = ctx.now();
  const purpose = await resolvePurpose(ctx, request, 'person.register');
  const { actor } = request;
  const organisationId = actor.organisationId;
  const captured = checkCapture(ctx.dictionary, purpose.name, input.values, {
    requireAll: true,
    today: todayAnywhere(now),
  });
  const basis = checkBasis(input.basis, now);
  checkNoticeVersion(ctx.notices, purpose.name, basis);
  const key = input.importRef === undefined ? undefined : importKey(ctx, organisationId, input.importRef);
  if (key) {
    const { rows } = await ctx.db.query<{ id: string; version: number }>(
      'select id, version from person where organisation_id = $1 and import_key = $2',
      [organisationId, key],
    );
    if (rows[0])
      return { id: rows[0].id, version: rows[0].version, fieldGroups: [], alreadyRegistered: true };
  }
  const id = randomUUID();
  const groups = Object.keys(captured.groups);
  const assignees = actor.kind === 'staff' && actor.role === 'caseworker' ? [actor.accountId] : [];
  // The basis is recorded with the person, so the write is decided as if it were active.
  const decisions = decideGroups(
    ctx,
    actor,
    'write',
    purpose,
    // Nobody new is restricted: a restriction is imposed by answering the person's request.
    { id, organisation: organisationId, assignees, restricted: false },
    groups,
    { state: 'active', kind: basis.kind },
  );
  const decisionEvents = groupDecisionEvents(request, 'person.register', id, decisions);
  if (decisions.some((d) => !d.allowed)) {
    // Nothing is written but the decisions: durable before the refusal is answered (AUD-1).
    await ctx.events.record(decisionEvents);
    throw markLedgered(
      refusal(
        decisions.flatMap((d) => d.reasons),
        withheldOf(decisions),
        purpose,
      ),
    );
  }
  await checkWitness(ctx.db, actor, basis);
  // Everything is sealed here, under a data key made for this person; the batch stores the key first.
  const pending = ctx.vault.newPersonKey(id);
  const basisId = randomUUID();
  const registration: PreparedRegistration = {
    key: pending,
    person: sealNewPerson(pending.key, {
      id,
      organisationId,
      dictionary: { name: ctx.dictionary.name, version: ctx.dictionary.version },
      groups: captured.groups,
      tokens: personTokens(ctx.index, ctx.dictionary, organisationId, captured.groups),
      ...(key ? { importKey: key } : {}),
    }),
    basis: {
      id: basisId,
      personId: id,
      purpose: purpose.name,
      basis: basis.kind,
      action: 'grant',
      details: sealWithPersonKey(pending.key, id, `basis:${basisId}`, basis.details),
      recordedBy: actor.kind === 'staff' ? actor.accountId : null,
      expiresAt: basis.expiresAt,
    },
    caseload: assignees.map((accountId) => ({ personId: id, accountId })),
    // The decisions and the consent, in the same statement as the person (B1: one commit per batch).
    events: [
      ...decisionEvents,
      {
        actor: auditActor(actor),
        ...policyOf(request),
        action: basis.kind === 'consent' ? 'consent.give' : 'legal-basis.record',
        purpose: purpose.name,
        subject: id,
        subjectType: 'person',
        decision: 'allow',
        reason: basis.kind,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
    ],
  };
  try {
    await ctx.registrations.submit(registration);
  } catch (error) {
    // Two imports of the same line at once: the unique import key lets exactly one through.
    if ((error as { code?: string }).code === '23505' && key) {
      throw new HavenError(
        'import-line-duplicate',
        'This line is being imported at the same time; run again.',
        { status: 409 },
      );
    }
    throw error;
  }
  return { id, version: 1, fieldGroups: groups, alreadyRegistered: false };
}
