import { randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import { dueDate, RIGHTS_KINDS, type RightsKind } from '../domain/rights/requests.ts';
import { type AccessRecord, accessHistory } from '../ledger/access-history.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import { openForPerson } from '../records/person-records.ts';
import type { AccessAnswer } from '../rights/access-answer.ts';
import type { Sql } from '../store/database.ts';
import { releasedAnswer } from './access-answer.ts';
import { appendBasis } from './basis-store.ts';
import { recordChange } from './change-outbox.ts';
import type { GateContext } from './context.ts';
import { type PersonSession, personActor } from './person-cards.ts';
import { RIGHTS } from './rights-purpose.ts';
import { objectionPurpose } from './rights-requests.ts';

/**
 * The person's own portal (issue 16 item 4, AUD-5, PUR-4, RIG-1): what a signed-in person sees and does. Every
 * operation takes the person from the session and from nowhere else, so no id a browser sends can point at
 * someone else (IDOR). A person is not a principal of the staff policies: the one rule — a person acts on their
 * own record only — is this module's shape. Each step is a ledger event with the person as actor and subject.
 */

export interface PortalOverview {
  organisation: string;
  /** Each purpose the person agreed to or was told of: the notice given, and the current one. */
  purposes: {
    purpose: string;
    basis: string;
    state: 'given' | 'withdrawn';
    since: string;
    /** Consent can be withdrawn here in one step (PUR-4); other bases are explained, not withdrawn. */
    withdrawable: boolean;
    noticeGiven: { version: string; language: string | null } | null;
    noticeCurrent: string | null;
  }[];
  requests: PortalRequest[];
}

export interface PortalRequest {
  id: string;
  kind: RightsKind;
  purpose: string | null;
  state: string;
  receivedOn: string;
  dueOn: string;
  /** An access or portability answer the person may download now. */
  answerReady: boolean;
}

async function ledger(
  tx: Sql,
  session: PersonSession,
  action: string,
  extra: Partial<NewAuditEvent> = {},
): Promise<void> {
  await recordAuditEvents(tx, [
    {
      actor: personActor(session),
      action,
      subject: session.personId,
      subjectType: 'person',
      decision: 'allow',
      reason: 'ok',
      ...(session.requestId ? { requestId: session.requestId } : {}),
      ...extra,
    },
  ]);
}

/** AUD-1 in the portal too: a refused step is a deny event, with the person as actor and subject. */
async function asPerson<T>(
  ctx: GateContext,
  session: PersonSession,
  action: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HavenError && error.status < 500) {
      await ledger(ctx.db, session, action, { decision: 'deny', reason: error.code });
    }
    throw error;
  }
}

async function requestsOf(tx: Sql, personId: string): Promise<PortalRequest[]> {
  const { rows } = await tx.query<{
    id: string;
    kind: RightsKind;
    purpose: string | null;
    state: string;
    received_on: string;
    due_on: string;
    ready: boolean;
  }>(
    `select r.id, r.kind, r.purpose, r.state, to_char(r.received_on, 'YYYY-MM-DD') as received_on,
            to_char(r.due_on, 'YYYY-MM-DD') as due_on,
            exists (select 1 from access_answer a where a.request_id = r.id and a.released_at is not null) as ready
       from rights_request r where r.person_id = $1 order by r.received_on desc, r.id`,
    [personId],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    purpose: r.purpose,
    state: r.state,
    receivedOn: r.received_on,
    dueOn: r.due_on,
    answerReady: r.ready,
  }));
}

export function portalOverview(ctx: GateContext, session: PersonSession): Promise<PortalOverview> {
  return ctx.db.transaction(async (tx) => {
    const organisation = (
      await tx.query<{ name: string }>('select name from organisation where id = $1', [
        session.organisationId,
      ])
    ).rows[0]!.name;
    const { rows } = await tx.query<{
      purpose: string;
      basis: string;
      action: string;
      recorded_at: Date;
      id: string;
    }>(
      `select distinct on (purpose, basis) purpose, basis, action, recorded_at, id
         from processing_basis where person_id = $1 order by purpose, basis, recorded_at desc, id`,
      [session.personId],
    );
    // The notice given is the one recorded with the latest grant of consent (sealed with its details).
    const given = new Map<string, { version: string; language: string | null }>();
    const { rows: grants } = await tx.query<{ purpose: string; id: string; details: Buffer | null }>(
      `select distinct on (purpose) purpose, id, details from processing_basis
        where person_id = $1 and action = 'grant' and details is not null order by purpose, recorded_at desc, id`,
      [session.personId],
    );
    for (const g of grants) {
      const details = await openForPerson<Record<string, unknown>>(
        ctx.vault,
        session.personId,
        `basis:${g.id}`,
        g.details!,
      );
      if (typeof details.noticeVersion === 'string') {
        given.set(g.purpose, {
          version: details.noticeVersion,
          language: typeof details.noticeLanguage === 'string' ? details.noticeLanguage : null,
        });
      }
    }
    const purposes = rows
      .filter((r) => ctx.dictionary.purpose(r.purpose))
      .map((r) => ({
        purpose: r.purpose,
        basis: r.basis,
        state: (r.action === 'grant' ? 'given' : 'withdrawn') as 'given' | 'withdrawn',
        since: r.recorded_at.toISOString().slice(0, 10),
        withdrawable: r.basis === 'consent' && r.action === 'grant',
        noticeGiven: given.get(r.purpose) ?? null,
        noticeCurrent: ctx.notices.versions(r.purpose)[0] ?? null,
      }));
    const requests = await requestsOf(tx, session.personId);
    await ledger(tx, session, 'portal.overview');
    return { organisation, purposes, requests };
  });
}

/** PUR-4: withdrawing is as easy as agreeing — one step, effective at the next staff access. */
export function portalWithdrawConsent(
  ctx: GateContext,
  session: PersonSession,
  purpose: unknown,
): Promise<{ purpose: string; withdrawnOn: string }> {
  return asPerson(ctx, session, 'consent.withdraw', () =>
    ctx.db.transaction(async (tx) => {
      const name = typeof purpose === 'string' ? purpose : '';
      const { rows } = await tx.query<{ action: string }>(
        `select action from processing_basis where person_id = $1 and purpose = $2 and basis = 'consent'
        order by recorded_at desc, id limit 1`,
        [session.personId, name],
      );
      if (rows[0]?.action !== 'grant') {
        throw new HavenError('consent-not-given', 'There is no consent to withdraw for this purpose.', {
          status: 409,
        });
      }
      await appendBasis(ctx, tx, {
        personId: session.personId,
        purpose: name,
        basis: 'consent',
        action: 'withdraw',
        recordedBy: null,
      });
      await recordChange(ctx, tx, {
        personId: session.personId,
        organisationId: session.organisationId,
        change: 'consent-withdrawn',
        purpose: name,
      });
      await ledger(tx, session, 'consent.withdraw', { purpose: name, reason: 'consent' });
      return { purpose: name, withdrawnOn: dayOf(ctx.now()) };
    }),
  );
}

/**
 * A legal hold is not shown to the person while it may concern an investigation or a court (GDPR 23: the law
 * may restrict the right to be told); it is in the ledger, for the DPO and oversight.
 */
const HIDDEN_FROM_PERSON = ['legal-hold.'];

/** AUD-5: who looked — organisation, role, purpose, date; never a staff member's name. Refusals included. */
export function portalAccessHistory(
  ctx: GateContext,
  session: PersonSession,
  options: { before?: number } = {},
): Promise<AccessRecord[]> {
  return ctx.db.transaction(async (tx) => {
    const history = await accessHistory(tx, session.personId, {
      limit: 200,
      ...options,
      hide: HIDDEN_FROM_PERSON,
    });
    await ledger(tx, session, 'portal.access-history');
    return history;
  });
}

/** One entry of the person's own history, for a concern about it ("I don't recognise this"). */
export function portalHistoryEntry(
  ctx: GateContext,
  session: PersonSession,
  entry: number,
): Promise<{ entry: AccessRecord; organisationSlug: string | null }> {
  return asPerson(ctx, session, 'portal.access-questioned', () =>
    ctx.db.transaction(async (tx) => {
      const found = (
        await accessHistory(tx, session.personId, { limit: 1, before: entry + 1, hide: HIDDEN_FROM_PERSON })
      )[0];
      if (!found || found.entry !== entry) {
        throw new HavenError('history-entry-not-found', 'That entry is not in your history.', {
          status: 404,
        });
      }
      const { rows } = await tx.query<{ slug: string }>('select slug from organisation where id = $1', [
        session.organisationId,
      ]);
      await ledger(tx, session, 'portal.access-questioned');
      return { entry: found, organisationSlug: rows[0]?.slug ?? null };
    }),
  );
}

/** Days after a card is issued again during which its portal requests count as shown-card only. */
export const REISSUE_COOLING_DAYS = 14;

/**
 * A request made in the portal (RIG-1): the card and its PIN are its identity check, recorded as such; it waits
 * for staff like any other, with the same deadline.
 */
export function portalRequest(
  ctx: GateContext,
  session: PersonSession,
  input: { kind: unknown; purpose?: unknown },
): Promise<PortalRequest> {
  return asPerson(ctx, session, 'rights.receive', () => makeRequest(ctx, session, input));
}

function makeRequest(
  ctx: GateContext,
  session: PersonSession,
  input: { kind: unknown; purpose?: unknown },
): Promise<PortalRequest> {
  if (!RIGHTS_KINDS.includes(input.kind as RightsKind)) {
    throw new HavenError('rights-kind-invalid', `The kind of request: one of ${RIGHTS_KINDS.join(', ')}.`, {
      status: 422,
    });
  }
  const kind = input.kind as RightsKind;
  const purpose = kind === 'objection' ? objectionPurpose(ctx, input.purpose) : null;
  return ctx.db.transaction(async (tx) => {
    const today = dayOf(ctx.now());
    const id = randomUUID();
    // A card issued again lately may be in the wrong hands (a takeover looks like a lost card): for a while its
    // requests count as shown-card only, so data goes out only after a check in person.
    const { rows } = await tx.query<{ recent: boolean }>(
      `select reissues > 0 and issued_at > now() - make_interval(days => $2) as recent
         from person_card where person_id = $1`,
      [session.personId, REISSUE_COOLING_DAYS],
    );
    const [check, strength] = rows[0]?.recent ? ['card', 1] : ['card-and-pin', 2];
    await tx.query(
      `insert into rights_request (id, person_id, organisation_id, kind, channel, purpose, state, received_on, due_on,
         identity_check, identity_strength)
       values ($1, $2, $3, $4, 'portal', $5, 'identity-checked', $6, $7, $8, $9)`,
      [id, session.personId, session.organisationId, kind, purpose, today, dueDate(today), check, strength],
    );
    await ledger(tx, session, 'rights.receive', { purpose: RIGHTS.name, reason: kind });
    return {
      id,
      kind,
      purpose,
      state: 'identity-checked',
      receivedOn: today,
      dueOn: dueDate(today),
      answerReady: false,
    };
  });
}

/** The released answer to one of the person's own requests (GDPR 20: theirs to take elsewhere). */
export function portalAnswer(
  ctx: GateContext,
  session: PersonSession,
  requestId: string,
): Promise<AccessAnswer> {
  return asPerson(ctx, session, 'rights.answer-download', () =>
    ctx.db.transaction(async (tx) => {
      const answer = /^[0-9a-f-]{36}$/.test(requestId)
        ? await releasedAnswer(ctx, tx, session.personId, requestId, { forCard: true })
        : undefined;
      if (!answer) {
        throw new HavenError(
          'access-answer-not-found',
          'There is no answer to download for this request yet.',
          {
            status: 404,
          },
        );
      }
      await ledger(tx, session, 'rights.answer-download', {
        purpose: RIGHTS.name,
        fieldGroups: answer.data.map((g) => g.group),
      });
      return answer;
    }),
  );
}
