import {
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { open, seal } from '../crypto/aead.ts';
import { addToDay } from '../domain/calendar.ts';
import { groupsOfFour, normaliseCode, randomCode } from '../domain/codes.ts';

import { type ErrorStatus, HavenError } from '../domain/errors.ts';
import { textFault } from '../domain/text.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The anonymous concern channel (GOV-4): anyone — staff, a registered person, a neighbour — raises a concern with
 * the DPO and the oversight body without saying who they are. Haven keeps nothing that could identify the
 * sender: no account, no address, no browser, no cookie, no time finer than the day (not even a ledger entry
 * at the moment it arrives, nor a request log line: see the public routes); the text is sealed under a key of
 * the key ring. The sender gets a random follow-up code to read replies and write back; Haven stores only a keyed
 * hash of it. A concern about the DPO goes to oversight only. Clocks of the EU whistle-blower directive: an
 * acknowledgement within 7 days, an answer within 3 months.
 */

export const CONCERN_TEXT_MAX = 10_000;
export const ACKNOWLEDGE_DAYS = 7;
export const ANSWER_MONTHS = 3;

/** Keys of the channel, derived from the key ring's `concerns` secret (the composition root passes it in). */
export interface ConcernKeys {
  text: KeyObject;
  codes: Buffer;
  challenges: Buffer;
}

export function concernKeys(root: Buffer): ConcernKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `haven/concerns/${info}`, 32));
  return { text: createSecretKey(derive('text')), codes: derive('codes'), challenges: derive('challenges') };
}

/** A follow-up code: 100 random bits as 20 characters in groups of four. */
export function newFollowUpCode(): string {
  return groupsOfFour(randomCode(20));
}

const codeHash = (keys: ConcernKeys, code: string) =>
  createHmac('sha256', keys.codes).update(normaliseCode(code)).digest();

function sealText(keys: ConcernKeys, concernId: string, seq: number, text: string): Buffer {
  return seal(keys.text, Buffer.from(text, 'utf8'), Buffer.from(`haven/concern/v1\0${concernId}\0${seq}`));
}

function openText(keys: ConcernKeys, concernId: string, seq: number, sealed: Buffer): string {
  return open(keys.text, sealed, Buffer.from(`haven/concern/v1\0${concernId}\0${seq}`)).toString('utf8');
}

/** A concern's text: plain words, no markup, within the limit, no control characters. */
export function checkConcernText(text: unknown): string {
  const refuse = (code: string, message: string) =>
    new HavenError(code, message, { status: 422, fields: [{ path: 'text', code, message }] });
  if (typeof text !== 'string' || text.trim() === '')
    throw refuse('concern-text-required', 'Write your concern.');
  if (text.length > CONCERN_TEXT_MAX)
    throw refuse('concern-too-long', `At most ${CONCERN_TEXT_MAX} characters.`);
  if (/<\s*[a-z!/?]/i.test(text)) {
    throw refuse('concern-markup', 'Write plain text: no HTML or script (remove anything between < and >).');
  }
  if (textFault(text, true)) {
    throw refuse('text-invalid', 'The text holds characters that are not text.');
  }
  return text.trim();
}

/**
 * Throttling without addresses: before sending, the browser solves a small proof-of-work on a challenge Haven
 * signed (about a second of hashing), each challenge once; and the channel as a whole takes at most
 * `perMinute` concerns a minute. Nothing about the sender is kept, not even in memory.
 */
export class ConcernThrottle {
  readonly #keys: ConcernKeys;
  readonly #difficulty: number;
  readonly #perMinute: number;
  readonly #used = new Map<string, number>();
  #window = { start: 0, count: 0 };
  readonly now: () => number;

  constructor(keys: ConcernKeys, options: { difficulty: number; perMinute: number; now?: () => number }) {
    this.#keys = keys;
    this.#difficulty = options.difficulty;
    this.#perMinute = options.perMinute;
    this.now = options.now ?? Date.now;
  }

  /** A challenge valid for ten minutes: `expiry.random.mac`, and how many leading zero bits the answer needs. */
  challenge(): { challenge: string; difficulty: number } {
    const body = `${this.now() + 10 * 60_000}.${randomBytes(12).toString('base64url')}`;
    const mac = createHmac('sha256', this.#keys.challenges).update(body).digest('base64url').slice(0, 22);
    return { challenge: `${body}.${mac}`, difficulty: this.#difficulty };
  }

  /** Checks a solved challenge and spends it; counts the concern against the channel's limit. */
  admit(challenge: unknown, nonce: unknown): void {
    const refuse = (code: string, message: string, status: ErrorStatus = 400) =>
      new HavenError(code, message, { status });

    if (typeof challenge !== 'string' || typeof nonce !== 'string' || nonce.length > 64) {
      throw refuse('concern-challenge-invalid', 'Load the form again and send it from there.');
    }
    const [expiry, random, mac] = challenge.split('.');
    const expected = createHmac('sha256', this.#keys.challenges)
      .update(`${expiry}.${random}`)
      .digest('base64url')
      .slice(0, 22);
    if (!expiry || !random || mac !== expected)
      throw refuse('concern-challenge-invalid', 'Load the form again and send it from there.');
    const now = this.now();
    if (Number(expiry) < now)
      throw refuse('concern-challenge-expired', 'The form waited too long: send it again.');
    if (this.#used.has(challenge)) throw refuse('concern-challenge-used', 'This form was sent already.');
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) < this.#difficulty) {
      throw refuse('concern-challenge-unsolved', 'The form’s check did not finish: send it again.');
    }
    if (now - this.#window.start >= 60_000) this.#window = { start: now, count: 0 };
    if (this.#window.count >= this.#perMinute) {
      throw refuse('concern-busy', 'Many concerns are arriving just now: try again in a minute.', 429);
    }
    this.#window.count++;
    for (const [used, until] of this.#used) if (until < now) this.#used.delete(used);
    this.#used.set(challenge, Number(expiry));
  }
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

const day = (now: Date) => now.toISOString().slice(0, 10);

/** Raises a concern; returns the follow-up code (shown once to the sender, stored only as a keyed hash). */
export async function raiseConcern(
  db: Database,
  keys: ConcernKeys,
  input: { text: unknown; aboutDpo: boolean; organisation?: string; language: string },
  now: Date,
): Promise<{ followUpCode: string; receivedOn: string; acknowledgeBy: string; answerBy: string }> {
  const text = checkConcernText(input.text);
  if (!/^[a-z]{2,3}$/.test(input.language)) {
    throw new HavenError('language-invalid', 'An ISO 639 language code.', { status: 422 });
  }
  return db.transaction(async (tx) => {
    let organisationId: string | null = null;
    if (input.organisation) {
      const { rows } = await tx.query<{ id: string }>('select id from organisation where slug = $1', [
        input.organisation,
      ]);
      if (!rows[0])
        throw new HavenError('organisation-unknown', 'Choose an organisation from the list.', {
          status: 422,
        });
      organisationId = rows[0].id;
    }
    const id = randomUUID();
    const code = newFollowUpCode();
    await tx.query(
      `insert into concern (id, organisation_id, about_dpo, code_hash, language, received_on) values ($1, $2, $3, $4, $5, $6)`,
      [id, organisationId, input.aboutDpo, codeHash(keys, code), input.language, day(now)],
    );
    await tx.query(
      `insert into concern_message (concern_id, seq, author, body, sent_on) values ($1, 1, 'sender', $2, $3)`,
      [id, sealText(keys, id, 1, text), day(now)],
    );
    // Not in the ledger at arrival: its place there would date it to the second. The DPO's or oversight's first
    // step on it is ledgered (concernStep), and the work list counts it from its arrival day.
    const receivedOn = day(now);
    return {
      followUpCode: code,
      receivedOn,
      acknowledgeBy: addToDay(receivedOn, { days: ACKNOWLEDGE_DAYS }),
      answerBy: addToDay(receivedOn, { months: ANSWER_MONTHS }),
    };
  });
}

export interface ConcernMessage {
  author: 'sender' | 'dpo' | 'oversight';
  text: string;
  sentOn: string;
}

export interface ConcernView {
  id: string;
  organisation: string | null;
  aboutDpo: boolean;
  language: string;
  receivedOn: string;
  acknowledgedOn: string | null;
  answeredOn: string | null;
  closedOn: string | null;
  /** The clocks: acknowledge by, answer by (YYYY-MM-DD). */
  acknowledgeBy: string;
  answerBy: string;
  messages: ConcernMessage[];
}

interface ConcernRow {
  id: string;
  organisation: string | null;
  about_dpo: boolean;
  language: string;
  received_on: string;
  acknowledged_on: string | null;
  answered_on: string | null;
  closed_on: string | null;
}

const CONCERN_COLUMNS = `c.id, o.slug as organisation, c.about_dpo, c.language, to_char(c.received_on, 'YYYY-MM-DD') as received_on,
  to_char(c.acknowledged_on, 'YYYY-MM-DD') as acknowledged_on, to_char(c.answered_on, 'YYYY-MM-DD') as answered_on,
  to_char(c.closed_on, 'YYYY-MM-DD') as closed_on`;

async function messagesOf(sql: Sql, keys: ConcernKeys, id: string): Promise<ConcernMessage[]> {
  const { rows } = await sql.query<{
    seq: number;
    author: ConcernMessage['author'];
    body: Buffer;
    sent_on: string;
  }>(
    `select seq, author, body, to_char(sent_on, 'YYYY-MM-DD') as sent_on from concern_message where concern_id = $1 order by seq`,
    [id],
  );
  return rows.map((r) => ({ author: r.author, text: openText(keys, id, r.seq, r.body), sentOn: r.sent_on }));
}

function view(row: ConcernRow, messages: ConcernMessage[]): ConcernView {
  return {
    id: row.id,
    organisation: row.organisation,
    aboutDpo: row.about_dpo,
    language: row.language,
    receivedOn: row.received_on,
    acknowledgedOn: row.acknowledged_on,
    answeredOn: row.answered_on,
    closedOn: row.closed_on,
    acknowledgeBy: addToDay(row.received_on, { days: ACKNOWLEDGE_DAYS }),
    answerBy: addToDay(row.received_on, { months: ANSWER_MONTHS }),
    messages,
  };
}

/** What the sender sees with their code: the clocks and the exchange. A wrong code is simply not found. */
export async function followUp(db: Database, keys: ConcernKeys, code: unknown): Promise<ConcernView> {
  if (typeof code !== 'string' || code.length > 40) {
    throw new HavenError('concern-not-found', 'No concern has that code.', { status: 404 });
  }
  const { rows } = await db.query<ConcernRow>(
    `select ${CONCERN_COLUMNS} from concern c left join organisation o on o.id = c.organisation_id where c.code_hash = $1`,
    [codeHash(keys, code)],
  );
  if (!rows[0]) throw new HavenError('concern-not-found', 'No concern has that code.', { status: 404 });
  return view(rows[0], await messagesOf(db, keys, rows[0].id));
}

/** Who reads concerns: the DPO, except concerns about the DPO; oversight, all of them. */
export type ConcernReader = { role: 'dpo' | 'oversight'; organisationId: string };

function readableClause(reader: ConcernReader): string {
  const organisation = '(c.organisation_id = $1 or c.organisation_id is null)';
  return reader.role === 'dpo' ? `${organisation} and not c.about_dpo` : organisation;
}

export async function listConcerns(
  sql: Sql,
  reader: ConcernReader,
): Promise<Omit<ConcernView, 'messages'>[]> {
  const { rows } = await sql.query<ConcernRow>(
    `select ${CONCERN_COLUMNS} from concern c left join organisation o on o.id = c.organisation_id
      where ${readableClause(reader)} order by c.closed_on nulls first, c.received_on`,
    [reader.organisationId],
  );
  return rows.map((r) => {
    const { messages: _messages, ...rest } = view(r, []);
    return rest;
  });
}

export async function readConcern(
  db: Database,
  keys: ConcernKeys,
  reader: ConcernReader,
  id: string,
): Promise<ConcernView> {
  const notFound = () =>
    new HavenError('concern-not-found', 'No concern with that id is yours to read.', { status: 404 });
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
  const { rows } = await db.query<ConcernRow>(
    `select ${CONCERN_COLUMNS} from concern c left join organisation o on o.id = c.organisation_id
      where c.id = $2 and ${readableClause(reader)}`,
    [reader.organisationId, id],
  );
  if (!rows[0]) throw notFound();
  return view(rows[0], await messagesOf(db, keys, id));
}

/**
 * A step on a concern: the DPO or oversight acknowledges it, answers (the text goes to the sender), or closes it;
 * the sender writes back with their code. Each step by staff is a ledger event.
 */
export async function concernStep(
  db: Database,
  keys: ConcernKeys,
  step:
    | { kind: 'acknowledge' | 'close'; reader: ConcernReader; id: string; actor: AuditActor }
    | { kind: 'answer'; reader: ConcernReader; id: string; actor: AuditActor; text: unknown }
    | { kind: 'sender-reply'; code: unknown; text: unknown },
  now: Date,
): Promise<ConcernView> {
  const text =
    step.kind === 'answer' || step.kind === 'sender-reply' ? checkConcernText(step.text) : undefined;
  const found =
    step.kind === 'sender-reply'
      ? await followUp(db, keys, step.code)
      : await readConcern(db, keys, step.reader, step.id);
  await db.transaction(async (tx) => {
    // One step at a time on a concern: two answers at once must not claim the same message number.
    const { rows } = await tx.query<{ closed_on: string | null; messages: number }>(
      `select closed_on::text, (select count(*)::int from concern_message m where m.concern_id = c.id) as messages
         from concern c where c.id = $1 for update`,
      [found.id],
    );
    const concern = rows[0]!;
    if (concern.closed_on) throw new HavenError('concern-closed', 'This concern is closed.', { status: 409 });
    if (step.kind === 'acknowledge') {
      await tx.query('update concern set acknowledged_on = coalesce(acknowledged_on, $2) where id = $1', [
        found.id,
        day(now),
      ]);
    } else if (step.kind === 'close') {
      await tx.query(
        'update concern set acknowledged_on = coalesce(acknowledged_on, $2), closed_on = $2 where id = $1',
        [found.id, day(now)],
      );
    } else {
      const seq = concern.messages + 1;
      const author = step.kind === 'sender-reply' ? 'sender' : step.reader.role;
      await tx.query(
        `insert into concern_message (concern_id, seq, author, body, sent_on) values ($1, $2, $3, $4, $5)`,
        [found.id, seq, author, sealText(keys, found.id, seq, text!), day(now)],
      );
      if (step.kind === 'answer') {
        await tx.query(
          `update concern set acknowledged_on = coalesce(acknowledged_on, $2), answered_on = coalesce(answered_on, $2) where id = $1`,
          [found.id, day(now)],
        );
      }
    }
    // The sender's replies are not ledgered, for the same reason as the concern itself; staff steps are.
    if (step.kind !== 'sender-reply') {
      await recordAuditEvent(tx, {
        actor: step.actor,
        action: `concern.${step.kind}`,
        subject: found.id,
        subjectType: 'concern',
        decision: 'allow',
        reason: 'ok',
      });
    }
  });
  return step.kind === 'sender-reply'
    ? followUp(db, keys, step.code)
    : readConcern(db, keys, step.reader, found.id);
}

/** A concern opened by the DPO or oversight: who read which concern is on the ledger. */
export async function openConcern(
  db: Database,
  keys: ConcernKeys,
  reader: ConcernReader,
  id: string,
  actor: AuditActor,
): Promise<ConcernView> {
  const concern = await readConcern(db, keys, reader, id);
  await recordAuditEvent(db, {
    actor,
    action: 'concern.read',
    subject: concern.id,
    subjectType: 'concern',
    decision: 'allow',
    reason: 'ok',
  });
  return concern;
}
