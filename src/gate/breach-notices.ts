import { randomUUID } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import { type NoticeLanguage, noticeLanguageFor } from '../domain/incidents/notice-words.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import { openForPerson, personMeta, readGroups } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import type { GateContext, GateRequest } from './context.ts';
import { throughGate } from './entry.ts';
import { BREACH, breachEvent, incidentFacts, staffWith } from './incident-affected.ts';
import { type PersonSession, personActor } from './person-cards.ts';

/**
 * Notices to the people a high-risk breach affected (BRE-2, GDPR 34): one per person, in their language, through
 * the portal when they have a card, else as a letter staff print and hand over. Each is recorded (when, language,
 * channel; read when, printed when) and in the ledger. A drill's are drafts: made the same way, never shown in the
 * portal, their letters marked. The words are src/domain/incidents/notice-words.ts.
 */

export type NoticeChannel = 'portal' | 'letter';

export interface IssuedNotices {
  incidentId: string;
  drill: boolean;
  issued: number;
  portal: number;
  letters: number;
  /** Affected people whose record was erased since: no one left to tell. */
  skipped: number;
  byLanguage: Record<string, number>;
}

/** The name fields a letter is addressed with (identity group), in the person's script and in Latin letters. */
const NAME_FIELDS = ['given-name', 'family-name', 'given-name-latin', 'family-name-latin'] as const;

/**
 * The person's notice language: the language of the privacy notice they were given (sealed with their consent),
 * else the first language they speak (identity group) that notices are written in, else English. Says whether
 * the identity group had to be opened for it (the ledger names it then).
 */
async function languageOf(
  ctx: GateContext,
  tx: Sql,
  personId: string,
): Promise<{ language: NoticeLanguage; openedIdentity: boolean }> {
  const { rows } = await tx.query<{ id: string; details: Buffer }>(
    `select id, details from processing_basis where person_id = $1 and action = 'grant' and details is not null
      order by recorded_at desc, id limit 1`,
    [personId],
  );
  let given: string | null = null;
  if (rows[0]) {
    const details = await openForPerson<Record<string, unknown>>(
      ctx.vault,
      personId,
      `basis:${rows[0].id}`,
      rows[0].details,
    );
    given = typeof details.noticeLanguage === 'string' ? details.noticeLanguage : null;
  }
  if (given !== null) {
    const language = noticeLanguageFor(given, []);
    if (language !== 'en' || given.toLowerCase().startsWith('en')) return { language, openedIdentity: false };
  }
  const meta = await personMeta(tx, personId);
  if (!meta?.groups.includes('identity'))
    return { language: noticeLanguageFor(given, []), openedIdentity: false };
  const values = await readGroups(ctx.vault, tx, meta, ['identity']);
  const spoken = values.identity?.languages;
  return {
    language: noticeLanguageFor(
      given,
      Array.isArray(spoken) ? spoken.filter((s) => typeof s === 'string') : [],
    ),
    openedIdentity: true,
  };
}

/**
 * Issues the notices of a high-risk incident to every person its computation found (DPO; the route asks for
 * re-authentication). Once: a second call is refused, and so is a recomputation after it (incident-affected.ts).
 * All or nothing — one transaction.
 */
export function issueBreachNotices(
  ctx: GateContext,
  request: GateRequest,
  incidentId: string,
): Promise<IssuedNotices> {
  const action = 'incident.notices-issue';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, ['dpo'], 'issue notices to the people a breach affected');
    return ctx.db.transaction(async (tx) => {
      const incident = await incidentFacts(tx, staff.organisationId, incidentId, true);
      if (!incident.highRisk) {
        throw new HavenError(
          'notices-not-high-risk',
          'People are told of a breach when it is likely to put them at high risk (GDPR 34): mark the incident high-risk first.',
          { status: 409 },
        );
      }
      const { rows: computed } = await tx.query('select 1 from incident_affected where incident_id = $1', [
        incident.id,
      ]);
      if (computed.length === 0)
        throw new HavenError('affected-not-computed', 'Compute the people affected before issuing notices.', {
          status: 409,
        });
      const { rows: already } = await tx.query('select 1 from breach_notice where incident_id = $1 limit 1', [
        incident.id,
      ]);
      if (already.length > 0)
        throw new HavenError('notices-already-issued', 'The notices of this incident were issued already.', {
          status: 409,
        });
      const { rows: people } = await tx.query<{
        person_id: string;
        categories: string[];
        active: boolean;
        card: boolean;
      }>(
        `select a.person_id, a.categories, p.status = 'active' as active,
                exists (select 1 from person_card c where c.person_id = a.person_id) as card
           from incident_affected_person a join person p on p.id = a.person_id
          where a.incident_id = $1 order by a.person_id`,
        [incident.id],
      );
      const active = people.filter((p) => p.active);
      if (active.length === 0)
        throw new HavenError('notices-nobody-affected', 'The computation found no one to tell.', {
          status: 409,
        });
      const now = ctx.now();
      const rows: {
        id: string;
        personId: string;
        language: NoticeLanguage;
        channel: NoticeChannel;
        categories: string[];
      }[] = [];
      const events: NewAuditEvent[] = [];
      for (const person of active) {
        const { language, openedIdentity } = await languageOf(ctx, tx, person.person_id);
        const channel: NoticeChannel = person.card ? 'portal' : 'letter';
        rows.push({
          id: randomUUID(),
          personId: person.person_id,
          language,
          channel,
          categories: person.categories,
        });
        events.push(
          breachEvent(
            scoped,
            incident.drill ? 'incident.notice-draft' : 'incident.notice-issue',
            { id: person.person_id, type: 'person' },
            { reason: channel, ...(openedIdentity ? { fieldGroups: ['identity'] } : {}) },
          ),
        );
      }
      await tx.query(
        `insert into breach_notice (id, incident_id, person_id, language, channel, categories, drill, issued_at,
           issued_by)
         select i, $1, p, l, c, string_to_array(k, ','), $2, $3, $4
           from unnest($5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[]) as u(i, p, l, c, k)`,
        [
          incident.id,
          incident.drill,
          now,
          staff.accountId,
          rows.map((r) => r.id),
          rows.map((r) => r.personId),
          rows.map((r) => r.language),
          rows.map((r) => r.channel),
          rows.map((r) => r.categories.join(',')),
        ],
      );
      events.push(
        breachEvent(
          scoped,
          action,
          { id: incident.id, type: 'incident' },
          { reason: incident.drill ? 'drill' : 'ok' },
        ),
      );
      await recordAuditEvents(tx, events);
      const byLanguage: Record<string, number> = {};
      for (const r of rows) byLanguage[r.language] = (byLanguage[r.language] ?? 0) + 1;
      return {
        incidentId: incident.id,
        drill: incident.drill,
        issued: rows.length,
        portal: rows.filter((r) => r.channel === 'portal').length,
        letters: rows.filter((r) => r.channel === 'letter').length,
        skipped: people.length - active.length,
        byLanguage,
      };
    });
  });
}

/** What a notice says about the breach: the words are made from these (noticeText). */
export interface NoticeContent {
  id: string;
  incidentId: string;
  reference: string;
  organisation: string;
  language: NoticeLanguage;
  channel: NoticeChannel;
  sourceKind: 'account' | 'partner' | 'partner-credential';
  window: { from: string; to: string };
  categories: string[];
  onlyConfirmed: boolean;
  drill: boolean;
  issuedAt: string;
}

export interface BreachLetter extends NoticeContent {
  /** The person's names as registered, for the letter's heading; null when none are held. */
  name: {
    given: string | null;
    family: string | null;
    givenLatin: string | null;
    familyLatin: string | null;
  } | null;
}

interface NoticeRow {
  id: string;
  incident_id: string;
  reference: string;
  organisation: string;
  person_id: string;
  language: NoticeLanguage;
  channel: NoticeChannel;
  source_kind: NoticeContent['sourceKind'];
  window_from: Date;
  window_to: Date;
  categories: string[];
  exposures: string[];
  drill: boolean;
  issued_at: Date;
  read_at: Date | null;
}

const NOTICE_SELECT = `select b.id, b.incident_id, i.reference, o.name as organisation, b.person_id, b.language,
    b.channel, a.source_kind, a.window_from, a.window_to, b.categories, ap.exposures, b.drill, b.issued_at, b.read_at
   from breach_notice b join incident i on i.id = b.incident_id join organisation o on o.id = i.organisation_id
   join incident_affected a on a.incident_id = b.incident_id
   join incident_affected_person ap on ap.incident_id = b.incident_id and ap.person_id = b.person_id`;

function contentOf(r: NoticeRow): NoticeContent {
  return {
    id: r.id,
    incidentId: r.incident_id,
    reference: r.reference,
    organisation: r.organisation,
    language: r.language,
    channel: r.channel,
    sourceKind: r.source_kind,
    window: { from: r.window_from.toISOString(), to: r.window_to.toISOString() },
    categories: r.categories,
    onlyConfirmed: r.exposures.every((e) => e === 'verification'),
    drill: r.drill,
    issuedAt: r.issued_at.toISOString(),
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * The letters to print (DPO): by default those whose channel is a letter, or every notice (`all`: for people who
 * asked for paper too). The names are read from each person's identity group — a read, one ledger event each.
 * Printing them is recorded apart (markLettersPrinted), when staff print: opening the page is not printing.
 */
export function breachLetters(
  ctx: GateContext,
  request: GateRequest,
  incidentId: string,
  options: { all?: boolean } = {},
): Promise<BreachLetter[]> {
  const action = 'incident.notice-letter';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, ['dpo'], 'print the letters of a breach');
    return ctx.db.transaction(async (tx) => {
      const incident = await incidentFacts(tx, staff.organisationId, incidentId);
      const { rows } = await tx.query<NoticeRow>(
        `${NOTICE_SELECT} where b.incident_id = $1 ${options.all ? '' : `and b.channel = 'letter'`}
          order by b.language, b.person_id`,
        [incident.id],
      );
      const letters: BreachLetter[] = [];
      const events: NewAuditEvent[] = [];
      for (const r of rows) {
        const meta = await personMeta(tx, r.person_id);
        let name: BreachLetter['name'] = null;
        if (meta?.status === 'active' && meta.groups.includes('identity')) {
          const identity = (await readGroups(ctx.vault, tx, meta, ['identity'])).identity ?? {};
          name = {
            given: text(identity[NAME_FIELDS[0]]),
            family: text(identity[NAME_FIELDS[1]]),
            givenLatin: text(identity[NAME_FIELDS[2]]),
            familyLatin: text(identity[NAME_FIELDS[3]]),
          };
          events.push(
            breachEvent(scoped, action, { id: r.person_id, type: 'person' }, { fieldGroups: ['identity'] }),
          );
        }
        letters.push({ ...contentOf(r), name });
      }
      await recordAuditEvents(tx, events);
      return letters;
    });
  });
}

/**
 * Staff printed these letters (DPO): their notices are marked printed — the section's count and the work list
 * follow it. Only the incident's own letters; a drill's are marked too (printing a drill's draft is part of it).
 */
export function markLettersPrinted(
  ctx: GateContext,
  request: GateRequest,
  incidentId: string,
  noticeIds: unknown,
): Promise<{ printed: number }> {
  const action = 'incident.notice-printed';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, ['dpo'], 'record printed letters');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (
      !Array.isArray(noticeIds) ||
      noticeIds.length === 0 ||
      noticeIds.length > 100_000 ||
      !noticeIds.every((id) => typeof id === 'string' && uuid.test(id))
    ) {
      throw new HavenError('letters-invalid', 'Name the notices printed, by id.', { status: 422 });
    }
    return ctx.db.transaction(async (tx) => {
      const incident = await incidentFacts(tx, staff.organisationId, incidentId);
      const { rows } = await tx.query<{ person_id: string }>(
        `update breach_notice set printed_at = $3 where incident_id = $1 and id = any($2::uuid[]) returning person_id`,
        [incident.id, noticeIds, ctx.now()],
      );
      if (rows.length !== new Set(noticeIds).size) {
        throw new HavenError('letters-invalid', 'Some of these notices are not this incident’s.', {
          status: 422,
        });
      }
      await recordAuditEvents(
        tx,
        rows.map((r) => breachEvent(scoped, action, { id: r.person_id, type: 'person' })),
      );
      return { printed: rows.length };
    });
  });
}

/** The person's own notices in their portal (never a drill's), newest first. */
export function portalBreachNotices(
  ctx: GateContext,
  session: PersonSession,
): Promise<(NoticeContent & { readAt: string | null })[]> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<NoticeRow>(
      `${NOTICE_SELECT} where b.person_id = $1 and not b.drill order by b.issued_at desc`,
      [session.personId],
    );
    return rows.map((r) => ({ ...contentOf(r), readAt: r.read_at?.toISOString() ?? null }));
  });
}

/** The person opened a notice: the first time is kept (the DPO sees how many were read), and it is in the ledger. */
export async function portalReadBreachNotice(
  ctx: GateContext,
  session: PersonSession,
  noticeId: string,
): Promise<{ readAt: string }> {
  const event = (decision: 'allow' | 'deny', reason: string): NewAuditEvent => ({
    actor: personActor(session),
    action: 'portal.breach-notice-read',
    subject: session.personId,
    subjectType: 'person',
    decision,
    reason,
    ...(session.requestId ? { requestId: session.requestId } : {}),
  });
  const id = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(noticeId)
    ? noticeId
    : null;
  const result = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ read_at: Date }>(
      `update breach_notice set read_at = coalesce(read_at, $3) where id = $1::uuid and person_id = $2::uuid
         and not drill returning read_at`,
      [id ?? '00000000-0000-0000-0000-000000000000', session.personId, ctx.now()],
    );
    if (!rows[0]) return undefined;
    await recordAuditEvents(tx, [event('allow', 'ok')]);
    return { readAt: rows[0].read_at.toISOString() };
  });
  if (result) return result;
  await recordAuditEvents(ctx.db, [event('deny', 'notice-not-found')]);
  throw new HavenError('notice-not-found', 'There is no such notice for you.', { status: 404 });
}
