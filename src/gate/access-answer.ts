import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import { accessHistory } from '../ledger/access-history.ts';
import { openForPerson, type PersonMeta, readGroups, sealForPerson } from '../records/person-records.ts';
import {
  type AccessAnswer,
  answerDigest,
  applyRedactions,
  checkReview,
  composeAccessAnswer as compose,
  type Redaction,
} from '../rights/access-answer.ts';
import type { Sql } from '../store/database.ts';
import { readBasisEntries } from './consent.ts';
import type { GateContext, GateRequest } from './context.ts';
import { decidePersonAction, throughGate } from './entry.ts';
import { RIGHTS, recordRightsEvent } from './rights-purpose.ts';
import { personOf } from './rights-requests.ts';
import { ok } from './transaction.ts';

/**
 * The answer to an access or portability request (RIG-3), through the gate: composed by the request's assignee
 * alone, while the request is open, under the rights purpose — reading every field group of the person, which no
 * processing purpose may do; reviewed by a second staff member who may redact what would endanger someone else
 * (GDPR 15(4)); released when the request is answered, its SHA-256 in the ledger. The package rests sealed under
 * the person's data key, so erasing the person erases it.
 */
export type AnswerState = 'composed' | 'reviewed' | 'released';

export interface AccessAnswerView {
  requestId: string;
  state: AnswerState;
  composedBy: string;
  composedAt: string;
  reviewedBy: string | null;
  /** Before release, the whole package (the reviewer's redactions listed); after, the package as released. */
  answer: AccessAnswer;
  redactions: Redaction[];
  digest: string | null;
}

interface AnswerRow {
  request_id: string;
  person_id: string;
  sealed_package: Buffer;
  composed_by: string;
  composed_at: Date;
  sealed_redactions: Buffer | null;
  reviewed_by: string | null;
  released_hash: Buffer | null;
  released_at: Date | null;
}

interface RequestFacts {
  id: string;
  kind: string;
  state: string;
  assignee: string | null;
  received_on: string;
}

const ANSWERED_KINDS = new Set(['access', 'portability']);

/** How long the person may download a released answer from the portal; after that they ask again (free). */
export const ANSWER_DOWNLOAD_DAYS = 30;

const context = (requestId: string) => `access-answer:${requestId}`;
const redactionContext = (requestId: string) => `access-answer-redactions:${requestId}`;

/** Runs `work` for a request's person once the staff member may handle it (ACC-1), the request row locked. */
function onRequest<T>(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
  action: string,
  work: (tx: Sql, facts: RequestFacts, meta: PersonMeta) => Promise<T>,
): Promise<T> {
  return throughGate(ctx, { ...request, purpose: RIGHTS.name }, action, undefined, async () => {
    const personId = await personOf(ctx, request, requestId);
    return decidePersonAction(
      ctx,
      request,
      { event: action, personId, action: 'handle-rights-request', purpose: RIGHTS, lock: true },
      async (tx, allowed) => {
        const { rows } = await tx.query<RequestFacts>(
          `select id, kind, state, assignee, to_char(received_on, 'YYYY-MM-DD') as received_on
             from rights_request where id = $1 for update`,
          [requestId],
        );
        const facts = rows[0]!;
        if (!ANSWERED_KINDS.has(facts.kind)) {
          throw new HavenError(
            'not-an-access-request',
            'Only access and portability requests are answered with data.',
            { status: 409 },
          );
        }
        return ok(await work(tx, facts, allowed.meta));
      },
    );
  });
}

/** The whole record is read: only staff cleared for its most sensitive group (tier) may read or review it. */
function checkClearance(ctx: GateContext, request: GateRequest, groups: readonly string[]): void {
  const tier = request.actor.kind === 'staff' ? request.actor.tier : 0;
  const needed = Math.max(0, ...groups.map((g) => ctx.dictionary.group(g)?.tier ?? 4));
  if (tier < needed) {
    throw new HavenError(
      'tier-too-low',
      `This answer holds data of tier ${needed}; your account is cleared for tier ${tier}.`,
      { status: 403 },
    );
  }
}

/** Besides its composer, a package is read and reviewed by a supervisor or the DPO only (ACC-6). */
function checkReader(request: GateRequest, row: AnswerRow, reviewing: boolean): void {
  const staff = request.actor.kind === 'staff' ? request.actor : null;
  const composer = staff?.accountId === row.composed_by;
  const reviewer = staff !== null && ['supervisor', 'dpo'].includes(staff.role);
  if (reviewing ? !reviewer : !(composer || reviewer)) {
    throw new HavenError(
      'not-permitted',
      'The answer is read by who composed it, and reviewed by a supervisor or the DPO.',
      { status: 403 },
    );
  }
}

async function answerRow(tx: Sql, requestId: string): Promise<AnswerRow | undefined> {
  const { rows } = await tx.query<AnswerRow>(
    `select request_id, person_id, sealed_package, composed_by, composed_at, sealed_redactions, reviewed_by,
            released_hash, released_at
       from access_answer where request_id = $1`,
    [requestId],
  );
  return rows[0];
}

async function unseal(
  ctx: GateContext,
  row: AnswerRow,
): Promise<{ answer: AccessAnswer; redactions: Redaction[] }> {
  const answer = await openForPerson<AccessAnswer>(
    ctx.vault,
    row.person_id,
    context(row.request_id),
    row.sealed_package,
  );
  const redactions = row.sealed_redactions
    ? await openForPerson<Redaction[]>(
        ctx.vault,
        row.person_id,
        redactionContext(row.request_id),
        row.sealed_redactions,
      )
    : [];
  return { answer, redactions };
}

function viewOf(row: AnswerRow, answer: AccessAnswer, redactions: Redaction[]): AccessAnswerView {
  const released = row.released_at !== null;
  return {
    requestId: row.request_id,
    state: released ? 'released' : row.reviewed_by ? 'reviewed' : 'composed',
    composedBy: row.composed_by,
    composedAt: row.composed_at.toISOString(),
    reviewedBy: row.reviewed_by,
    answer: released ? applyRedactions(answer, redactions) : { ...answer, redactions },
    redactions,
    digest: row.released_hash?.toString('hex') ?? null,
  };
}

/**
 * Composes (or composes again, which clears an earlier review) the answer from everything held on the person.
 * Only the request's assignee, only while it is being worked on.
 */
export function composeAccessAnswer(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
): Promise<AccessAnswerView> {
  const action = 'rights.answer-compose';
  return onRequest(ctx, request, requestId, action, async (tx, facts, meta) => {
    const personId = meta.id;
    if (facts.state !== 'in-progress' && facts.state !== 'extended') {
      throw new HavenError(
        'request-state-invalid',
        'An answer is composed while the request is being worked on.',
        { status: 409 },
      );
    }
    const staffId = request.actor.kind === 'staff' ? request.actor.accountId : null;
    if (!staffId || staffId !== facts.assignee) {
      throw new HavenError(
        'not-assignee',
        'Only the staff member the request is assigned to reads the person’s data to answer it.',
        { status: 403 },
      );
    }
    checkClearance(ctx, request, meta.groups);
    const existing = await answerRow(tx, requestId);
    if (existing?.released_at)
      throw new HavenError('access-answer-released', 'This answer was already released.', { status: 409 });
    const organisation = (
      await tx.query<{ name: string }>('select name from organisation where id = $1', [meta.organisationId])
    ).rows[0]!.name;
    // Every group the person has: the answer is all that is held (RIG-3), whatever any purpose may use.
    const values = await readGroups(ctx.vault, tx, meta, meta.groups);
    const answer = compose(ctx.dictionary, {
      request: { id: facts.id, kind: facts.kind as 'access' | 'portability', receivedOn: facts.received_on },
      person: { id: personId, createdAt: meta.createdAt, organisation },
      values,
      bases: await readBasisEntries(ctx, tx, personId),
      history: await accessHistory(tx, personId, { limit: 100_000, hide: ['legal-hold.', 'portal.'] }),
      today: dayOf(ctx.now()),
    });
    const sealed = await sealForPerson(ctx.vault, personId, context(requestId), answer);
    const { rows } = await tx.query<AnswerRow>(
      `insert into access_answer (request_id, person_id, sealed_package, composed_by)
       values ($1, $2, $3, $4)
       on conflict (request_id) do update set sealed_package = excluded.sealed_package,
         composed_by = excluded.composed_by, composed_at = now(), sealed_redactions = null, redaction_count = 0,
         reviewed_by = null, reviewed_at = null
       returning request_id, person_id, sealed_package, composed_by, composed_at, sealed_redactions, reviewed_by,
         released_hash, released_at`,
      [requestId, personId, sealed, staffId],
    );
    await recordRightsEvent(tx, request, action, personId, { fieldGroups: meta.groups });
    return viewOf(rows[0]!, answer, []);
  });
}

/** The answer as it stands, for its composer and for those who may review it: supervisors and the DPO. */
export function viewAccessAnswer(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
): Promise<AccessAnswerView> {
  const action = 'rights.answer-view';
  return onRequest(ctx, request, requestId, action, async (tx, _facts, { id: personId }) => {
    const row = await answerRow(tx, requestId);
    if (!row)
      throw new HavenError('access-answer-not-found', 'No answer has been composed yet.', { status: 404 });
    checkReader(request, row, false);
    const { answer, redactions } = await unseal(ctx, row);
    const groups = answer.data.map((g) => g.group);
    checkClearance(ctx, request, groups);
    await recordRightsEvent(tx, request, action, personId, { fieldGroups: groups });
    return viewOf(row, answer, redactions);
  });
}

/**
 * The second pair of eyes (GDPR 15(4), ACC-6): someone other than the composer reads the package and withholds
 * what would harm another person, each redaction with its reason. Reviewing again replaces the redactions.
 */
export function reviewAccessAnswer(
  ctx: GateContext,
  request: GateRequest,
  requestId: string,
  input: { redactions: unknown; released?: unknown; composedAt: unknown },
): Promise<AccessAnswerView> {
  const action = 'rights.answer-review';
  return onRequest(ctx, request, requestId, action, async (tx, facts, { id: personId }) => {
    if (facts.state !== 'in-progress' && facts.state !== 'extended') {
      throw new HavenError(
        'request-state-invalid',
        'An answer is reviewed while the request is being worked on.',
        { status: 409 },
      );
    }
    const row = await answerRow(tx, requestId);
    if (!row)
      throw new HavenError('access-answer-not-found', 'No answer has been composed yet.', { status: 404 });
    if (row.released_at)
      throw new HavenError('access-answer-released', 'This answer was already released.', { status: 409 });
    const staffId = request.actor.kind === 'staff' ? request.actor.accountId : null;
    if (staffId === row.composed_by) {
      throw new HavenError(
        'reviewer-is-composer',
        'The answer is reviewed by someone other than who composed it.',
        { status: 409 },
      );
    }
    checkReader(request, row, true);
    // The review is of the package the reviewer read: one composed again since is not reviewed by it.
    if (input.composedAt !== row.composed_at.toISOString()) {
      throw new HavenError(
        'access-answer-changed',
        'The answer was composed again since you opened it; read it again before reviewing.',
        { status: 409 },
      );
    }
    const { answer } = await unseal(ctx, row);
    checkClearance(
      ctx,
      request,
      answer.data.map((g) => g.group),
    );
    const redactions = checkReview(answer, input.redactions, input.released);
    const sealed = await sealForPerson(ctx.vault, personId, redactionContext(requestId), redactions);
    const { rows } = await tx.query<AnswerRow>(
      `update access_answer set sealed_redactions = $2, redaction_count = $3, reviewed_by = $4, reviewed_at = now()
        where request_id = $1
       returning request_id, person_id, sealed_package, composed_by, composed_at, sealed_redactions, reviewed_by,
         released_hash, released_at`,
      [requestId, sealed, redactions.length, staffId],
    );
    await recordRightsEvent(tx, request, action, personId);
    return viewOf(rows[0]!, answer, redactions);
  });
}

/**
 * Releases the reviewed answer as the request is answered, in the same transaction: the person may now have it,
 * and the ledger gets its digest. An access request is never answered without a reviewed package.
 */
export async function releaseAccessAnswer(ctx: GateContext, tx: Sql, requestId: string): Promise<string> {
  const row = await answerRow(tx, requestId);
  if (!row?.reviewed_by) {
    throw new HavenError(
      'access-answer-not-reviewed',
      'Compose the answer and have a second staff member review it before answering the request.',
      { status: 409 },
    );
  }
  const { answer, redactions } = await unseal(ctx, row);
  const digest = answerDigest(applyRedactions(answer, redactions));
  await tx.query('update access_answer set released_hash = $2, released_at = now() where request_id = $1', [
    requestId,
    digest,
  ]);
  return digest.toString('hex');
}

/** The released answer of one of the person's own requests (the portal's download), or undefined. */
export async function releasedAnswer(
  ctx: GateContext,
  tx: Sql,
  personId: string,
  requestId: string,
  options: { forCard?: boolean } = {},
): Promise<AccessAnswer | undefined> {
  const row = await answerRow(tx, requestId);
  if (!row || row.person_id !== personId || !row.released_at) return undefined;
  if (options.forCard) {
    // Downloadable for a while only, and never by a card issued after the answer was given: whoever holds a
    // later card (lost, or taken over) asks again and is checked again.
    const { rows } = await tx.query<{ open: boolean }>(
      `select $2::timestamptz > now() - make_interval(days => $3) and c.issued_at <= $2::timestamptz as open
         from person_card c where c.person_id = $1`,
      [personId, row.released_at, ANSWER_DOWNLOAD_DAYS],
    );
    if (!rows[0]?.open) return undefined;
  }
  const { answer, redactions } = await unseal(ctx, row);
  return applyRedactions(answer, redactions);
}
