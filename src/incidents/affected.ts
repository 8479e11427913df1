import { createHash } from 'node:crypto';
import type { Dictionary } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { canonicalJson } from '../ledger/canonical-json.ts';
import type { AuditEvent } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { EXPOSING_ACTIONS, type ExposureKind, exposureOf } from './affected-exposures.ts';

/**
 * The people a breach affected, from the ledger and nothing else (BRE-3): every event in which the compromised
 * source — a staff account, a partner, or one of a partner's keys — was given a person's data in the window, with
 * the categories of data given. The ledger records every access the gate allowed (AUD-1), so this is a fact of the
 * record, not an estimate. What it cannot see is said in docs/decisions/0017-affected-people-from-the-ledger.md.
 */

export type AffectedSource =
  | { kind: 'account'; accountId: string }
  | { kind: 'partner'; partnerId: string }
  | { kind: 'partner-credential'; partnerId: string; keyId: string };

export interface AffectedWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

export interface AffectedPerson {
  personId: string;
  categories: string[];
  exposures: ExposureKind[];
  /** Ledger events that exposed this person's data to the source. */
  events: number;
}

export interface AffectedComputation {
  source: AffectedSource;
  window: AffectedWindow;
  /**
   * How exactly the ledger names the source: `exact` for an account or a partner; `partner-wide` for one partner
   * key, because the ledger records which partner acted, not which of its keys signed the request — every event of
   * the partner while that key was valid counts.
   */
  attribution: 'exact' | 'partner-wide';
  /** The last ledger event when the computation ran: later events are not part of it. */
  ledgerHead: number;
  firstSeq: number | null;
  lastSeq: number | null;
  people: AffectedPerson[];
  /** Exposing events counted. */
  events: number;
  /** Refused attempts of the same actions by the source in the window: they exposed nothing and are not counted. */
  denied: number;
  byCategory: Record<string, number>;
  byExposure: Record<string, number>;
}

/** The longest window computed at once: a year of one source's events is one scan, longer is two incidents. */
export const WINDOW_MAX_DAYS = 366;
/**
 * An event's own time (`time`, set by Haven when it happened) decides whether it is in the window; its row's
 * `recorded_at` (the inserting transaction's start) is only used to narrow the scan, with this much slack.
 */
const SCAN_SLACK_MS = 3_600_000;
const PAGE = 5000;
/** A partner's access token lives 5 minutes (src/sharing/partner-tokens.ts): a key retired at T acts until T + 5 min. */
const TOKEN_TAIL_MS = 300_000;
const DAY_MS = 86_400_000;

const invalid = (code: string, message: string) => new HavenError(code, message, { status: 422 });

/** Window checks (stable codes): both ends given, end after start, not in the future, at most a year. */
export function checkWindow(from: Date | null, to: Date | null, now: Date): AffectedWindow {
  if (from === null || Number.isNaN(from.getTime()))
    throw invalid(
      'affected-window-missing',
      'Give the start of the window in which the source was compromised.',
    );
  const end = to ?? now;
  if (Number.isNaN(end.getTime()))
    throw invalid('affected-window-missing', 'The end of the window is not a time.');
  if (end.getTime() <= from.getTime())
    throw invalid('affected-window-invalid', 'The window must end after it starts.');
  if (end.getTime() > now.getTime())
    throw invalid(
      'affected-window-future',
      'The window ends in the future: the ledger has nothing from then. End it now, and compute again later.',
    );
  if (end.getTime() - from.getTime() > WINDOW_MAX_DAYS * DAY_MS)
    throw invalid('affected-window-too-long', `Compute at most ${WINDOW_MAX_DAYS} days at once.`);
  return { from, to: end };
}

/**
 * The source as the incident names it, checked against the organisation: a device is refused (Haven has no
 * devices yet — offline field work is a later issue — so the ledger names none), an unknown account, partner or
 * key too.
 */
export async function checkSource(
  sql: Sql,
  organisationId: string,
  source: AffectedSource | { kind: 'device'; deviceId: string } | null,
): Promise<{ source: AffectedSource; validFrom: Date | null; validTo: Date | null }> {
  if (source === null)
    throw invalid('affected-source-missing', 'Record which account, partner or key was compromised first.');
  if (source.kind === 'device') {
    throw invalid(
      'affected-source-unsupported',
      'Haven has no devices yet, so the ledger names none: record the staff account used on the device instead.',
    );
  }
  const unknown = () =>
    new HavenError('affected-source-unknown', 'No such account, partner or key in your organisation.', {
      status: 404,
    });
  if (source.kind === 'account') {
    const { rows } = await sql.query(
      'select 1 from staff_account where id = $1::uuid and organisation_id = $2::uuid',
      [source.accountId, organisationId],
    );
    if (rows.length === 0) throw unknown();
    return { source, validFrom: null, validTo: null };
  }
  const { rows } = await sql.query(
    'select 1 from partner where id = $1::uuid and organisation_id = $2::uuid',
    [source.partnerId, organisationId],
  );
  if (rows.length === 0) throw unknown();
  if (source.kind === 'partner') return { source, validFrom: null, validTo: null };
  const { rows: keys } = await sql.query<{ added_at: Date; retired_at: Date | null }>(
    `select added_at, retired_at from partner_key where partner_id = $1::uuid and kid = $2`,
    [source.partnerId, source.keyId],
  );
  if (!keys[0]) throw unknown();
  return {
    source,
    validFrom: keys[0].added_at,
    validTo: keys[0].retired_at ? new Date(keys[0].retired_at.getTime() + TOKEN_TAIL_MS) : null,
  };
}

/**
 * Whether the event gave the source data: done by it (the actor the ledger names), or, for a partner, received by
 * it from someone else (a release staff pushed to it names the partner as `recipient`).
 */
export function actedBy(event: AuditEvent, source: AffectedSource): boolean {
  if (source.kind === 'account')
    return event.actor.kind === 'staff' && event.actor.account === source.accountId;
  return (
    (event.actor.kind === 'partner' && event.actor.partner === source.partnerId) ||
    event.recipient === source.partnerId
  );
}

/** The tally: pure, over events already read (the brute-force test checks it against a scan of everything). */
export function tallyAffected(
  events: Iterable<{ seq: number; event: AuditEvent }>,
  source: AffectedSource,
  window: AffectedWindow,
  dictionary: Dictionary,
): Pick<
  AffectedComputation,
  'firstSeq' | 'lastSeq' | 'people' | 'events' | 'denied' | 'byCategory' | 'byExposure'
> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const people = new Map<string, { categories: Set<string>; exposures: Set<ExposureKind>; events: number }>();
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let counted = 0;
  let denied = 0;
  for (const { seq, event } of events) {
    const at = Date.parse(event.time);
    if (!(at >= from && at < to) || !actedBy(event, source)) continue;
    const exposure = exposureOf(event, dictionary);
    if (!exposure) {
      if (event.decision === 'deny' && EXPOSING_ACTIONS[event.action]) denied += event.count ?? 1;
      continue;
    }
    let person = people.get(exposure.personId);
    if (!person) {
      person = { categories: new Set(), exposures: new Set(), events: 0 };
      people.set(exposure.personId, person);
    }
    for (const c of exposure.categories) person.categories.add(c);
    person.exposures.add(exposure.kind);
    person.events += 1;
    counted += 1;
    firstSeq = firstSeq === null ? seq : Math.min(firstSeq, seq);
    lastSeq = lastSeq === null ? seq : Math.max(lastSeq, seq);
  }
  const list: AffectedPerson[] = [...people.entries()]
    .map(([personId, p]) => ({
      personId,
      categories: [...p.categories].sort(),
      exposures: [...p.exposures].sort(),
      events: p.events,
    }))
    .sort((a, b) => (a.personId < b.personId ? -1 : 1));
  const byCategory: Record<string, number> = {};
  const byExposure: Record<string, number> = {};
  for (const p of list) {
    for (const c of p.categories) byCategory[c] = (byCategory[c] ?? 0) + 1;
    for (const k of p.exposures) byExposure[k] = (byExposure[k] ?? 0) + 1;
  }
  return { firstSeq, lastSeq, people: list, events: counted, denied, byCategory, byExposure };
}

/**
 * Reads the source's events of the window from the ledger and tallies them. An account's events are found by the
 * actor index; a partner's (its id is inside the event only) by time: its own events (no account acts) and the
 * releases staff pushed to it (an account acts; the body names the partner as recipient, matched on the event's
 * canonical bytes here and checked again by the tally). Events recorded after the computation began are left for
 * the next one.
 */
export async function computeAffected(
  sql: Sql,
  dictionary: Dictionary,
  organisationId: string,
  incidentSource: AffectedSource | { kind: 'device'; deviceId: string } | null,
  window: AffectedWindow,
): Promise<AffectedComputation> {
  const { source, validFrom, validTo } = await checkSource(sql, organisationId, incidentSource);
  // A key acts only while it is valid: the window narrows to that (nothing else narrows a partner-wide count).
  const scan: AffectedWindow = {
    from: validFrom && validFrom > window.from ? validFrom : window.from,
    to: validTo && validTo < window.to ? validTo : window.to,
  };
  const head = Number(
    (await sql.query<{ head: string }>('select coalesce(max(seq), 0)::text as head from audit_event'))
      .rows[0]!.head,
  );
  const rows: { seq: number; event: AuditEvent }[] = [];
  if (scan.to > scan.from) {
    const byActor = source.kind === 'account';
    let after = 0;
    for (;;) {
      const { rows: page } = await sql.query<{ seq: string; body: Buffer }>(
        `select seq::text as seq, body from audit_event
          where ${byActor ? 'actor_account = $5::uuid' : '(actor_account is null or position($5::bytea in body) > 0)'}
            and recorded_at >= $1::timestamptz and recorded_at < $2::timestamptz and seq > $3 and seq <= $4
          order by seq limit ${PAGE}`,
        [
          new Date(scan.from.getTime() - SCAN_SLACK_MS).toISOString(),
          new Date(scan.to.getTime() + SCAN_SLACK_MS).toISOString(),
          after,
          head,
          byActor ? source.accountId : Buffer.from(`"recipient":"${source.partnerId}"`, 'utf8'),
        ],
      );
      for (const r of page) {
        rows.push({
          seq: Number(r.seq),
          event: JSON.parse(Buffer.from(r.body).toString('utf8')) as AuditEvent,
        });
      }
      if (page.length < PAGE) break;
      after = Number(page[page.length - 1]!.seq);
    }
  }
  const tally = tallyAffected(rows, source, scan, dictionary);
  return {
    source,
    window,
    attribution: source.kind === 'partner-credential' ? 'partner-wide' : 'exact',
    ledgerHead: head,
    ...tally,
  };
}

/** SHA-256 of the computation's canonical form: the ledger keeps it, so the stored list can be proven later. */
export function computationDigest(computation: AffectedComputation): Buffer {
  return createHash('sha256')
    .update(
      canonicalJson({
        source: computation.source,
        window: { from: computation.window.from.toISOString(), to: computation.window.to.toISOString() },
        ledgerHead: computation.ledgerHead,
        people: computation.people,
      }),
    )
    .digest();
}
