import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { HavenError } from '../domain/errors.ts';
import { newCardCode, parseCardCode } from '../domain/rights/card-code.ts';
import { type AuditActor, recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decidePersonAction } from './entry.ts';
import { RIGHTS } from './rights-purpose.ts';
import { markLedgered, ok } from './transaction.ts';

/**
 * The person's card and PIN (issue 16, RIG-1): how a registered person with no e-mail address, no phone of their
 * own and perhaps no reading of the local language signs in to their portal. The card carries a random code
 * (65 bits, with a check symbol); the person chooses a PIN at the desk. Haven keeps a keyed hash of the code and an
 * Argon2id hash of the PIN. Wrong tries slow the card down, then lock it; only staff, in person, issue a new card,
 * which kills the old code and every portal session. Answers never say whether a card code exists.
 */

// Argon2id as for staff passwords (ACC-3): a PIN is short, so the cost and the lock carry its strength.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const decoy = hash('0000-decoy-pin-that-matches-nothing', ARGON2);

/** Free wrong tries before each further one must wait (doubling, up to 15 minutes); at the limit the card locks. */
export const CARD_FREE_FAILURES = 3;
export const CARD_LOCK_FAILURES = 10;
const MAX_DELAY_SECONDS = 15 * 60;

export const PORTAL_IDLE_MINUTES = 15;
export const PORTAL_ABSOLUTE_MINUTES = 120;

/** 4 to 8 digits, and not one a neighbour would guess first. */
export function checkPin(pin: unknown): string {
  const invalid = (message: string) => new HavenError('pin-invalid', message, { status: 422 });
  if (typeof pin !== 'string' || !/^\d{4,8}$/.test(pin)) throw invalid('A PIN is 4 to 8 digits.');
  const digits = [...pin].map(Number);
  const step = digits[1]! - digits[0]!;
  const straight = Math.abs(step) <= 1 && digits.every((d, i) => i === 0 || d - digits[i - 1]! === step);
  if (straight) throw invalid('Choose a PIN that is not one digit repeated or a run like 1234.');
  return pin;
}

export function cardDelaySeconds(failures: number): number {
  if (failures < CARD_FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - CARD_FREE_FAILURES), MAX_DELAY_SECONDS);
}

const codeHash = (ctx: GateContext, code: string) =>
  createHmac('sha256', ctx.cardSecret).update('person-card\0').update(code).digest();

/**
 * Issues the person's card (again): a new code, the PIN the person chose now. The old code and every portal
 * session of the person end. Staff do it in person — at registration, or to reset a locked or lost card.
 */
export function issueCard(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  input: { pin: unknown },
): Promise<{ code: string; issuedAt: string }> {
  const event = 'card.issue';
  return decidePersonAction(
    ctx,
    request,
    // The card exists for the person's rights: whoever may take a request down for the person may give it.
    { event, personId, action: 'receive-rights-request', purpose: RIGHTS, lock: true },
    async (tx, allowed) => {
      const pin = checkPin(input.pin);
      const staff = request.actor.kind === 'staff' ? request.actor : null;
      const existing = (
        await tx.query<{ issued_at: Date }>('select issued_at from person_card where person_id = $1', [
          personId,
        ])
      ).rows[0];
      if (existing) {
        // A new card takes the person's portal over from whoever holds the old one: it is given by a supervisor or
        // the DPO signed in with a passkey, after seeing the person, and the DPO is told (ACC-8).
        if (!staff || !['supervisor', 'dpo'].includes(staff.role) || staff.assurance < 3) {
          throw new HavenError(
            'card-reissue-not-permitted',
            'A card is issued again by a supervisor or the DPO signed in with a passkey, who sees the person.',
            { status: 403 },
          );
        }
        await tx.query(
          'insert into alert (id, organisation_id, kind, subject, raised_by) values ($1, $2, $3, $4, $5)',
          [randomUUID(), allowed.meta.organisationId, 'card-reissued', personId, staff.accountId],
        );
      }
      const code = newCardCode();
      const issuedBy = staff?.accountId ?? null;
      const { rows } = await tx.query<{ issued_at: Date }>(
        `insert into person_card (person_id, code_hash, pin_hash, issued_by) values ($1, $2, $3, $4)
         on conflict (person_id) do update set code_hash = excluded.code_hash, pin_hash = excluded.pin_hash,
           failures = 0, last_failed_at = null, locked_at = null, issued_by = excluded.issued_by, issued_at = now(),
           reissues = person_card.reissues + 1
         returning issued_at`,
        [personId, codeHash(ctx, parseCardCode(code)), await hash(pin, ARGON2), issuedBy],
      );
      await tx.query('delete from person_session where person_id = $1', [personId]);
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action: event,
          purpose: RIGHTS.name,
          subject: personId,
          subjectType: 'person',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return ok({ code, issuedAt: rows[0]!.issued_at.toISOString() });
    },
  );
}

/** A signed-in person: everything the portal does is about this person and no other. */
export interface PersonSession {
  personId: string;
  organisationId: string;
  csrfToken: string;
  tokenHash: Buffer;
  /** The HTTP request this session arrived with, named in its ledger events. */
  requestId?: string;
}

export const personActor = (session: { organisationId: string }): AuditActor => ({
  kind: 'person',
  organisation: session.organisationId,
});

function signInFailed(): HavenError {
  return new HavenError(
    'card-sign-in-failed',
    'The card code or the PIN is not right. After several wrong tries the card locks: then ask at the office, with your card.',
    { status: 401 },
  );
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Signs a person in with card code and PIN. A wrong code, a wrong PIN, a slowed-down or locked card and an erased
 * person all get the same answer after the same work (one Argon2id verification, one ledger event), so the
 * answer never tells whether a code exists.
 */
export async function portalSignIn(
  ctx: GateContext,
  input: { code: unknown; pin: unknown; requestId?: string },
): Promise<{ token: string; session: PersonSession }> {
  // A typo is caught by the check symbol before anything is looked up: that says nothing about any card.
  const code = parseCardCode(typeof input.code === 'string' ? input.code : '');
  const pin = typeof input.pin === 'string' && input.pin.length <= 16 ? input.pin : '';
  const hashed = codeHash(ctx, code);
  // The slow part (Argon2id) runs outside any transaction, on a row read without a lock: a card being guessed
  // holds no connection and no lock, so its tries take as long as a stranger's, and staff are not starved.
  const { rows } = await ctx.db.query<{ person_id: string; organisation_id: string; pin_hash: string }>(
    `select c.person_id, p.organisation_id, c.pin_hash
       from person_card c join person p on p.id = c.person_id where c.code_hash = $1`,
    [hashed],
  );
  const card = rows[0];
  let right = false;
  try {
    right = await verify(card?.pin_hash ?? (await decoy), pin);
  } catch {
    right = false;
  }
  const base = { action: 'portal.sign-in', ...(input.requestId ? { requestId: input.requestId } : {}) };
  const result = await ctx.db.transaction(async (tx) => {
    // Read again, locked, by the code: a card issued again meanwhile is another card, and this try fails.
    const { rows: locked } = await tx.query<{
      person_id: string;
      organisation_id: string;
      status: string;
      pin_hash: string;
      failures: number;
      since: number | null;
      locked: boolean;
    }>(
      `select c.person_id, p.organisation_id, p.status, c.pin_hash, c.failures, c.locked_at is not null as locked,
              extract(epoch from now() - c.last_failed_at)::float8 as since
         from person_card c join person p on p.id = c.person_id where c.code_hash = $1 for update of c`,
      [hashed],
    );
    const now = locked[0];
    if (!card || !now || now.pin_hash !== card.pin_hash) {
      await recordAuditEvents(tx, [
        { ...base, actor: { kind: 'anonymous' }, decision: 'deny', reason: 'card-unknown' },
      ]);
      return { refused: true as const };
    }
    const waited = now.since === null || now.since >= cardDelaySeconds(now.failures);
    const refusal =
      now.status !== 'active'
        ? 'person-erased'
        : now.locked
          ? 'card-locked'
          : !waited
            ? 'card-throttled'
            : right
              ? undefined
              : 'wrong-pin';
    const event = {
      ...base,
      actor: personActor({ organisationId: now.organisation_id }),
      subject: now.person_id,
      subjectType: 'person' as const,
    };
    if (refusal) {
      // The failure is counted even while slowed down: guessing faster only locks the card sooner.
      await tx.query(
        `update person_card set failures = failures + 1, last_failed_at = now(),
           locked_at = case when locked_at is null and failures + 1 >= $2 then now() else locked_at end
         where person_id = $1`,
        [now.person_id, CARD_LOCK_FAILURES],
      );
      await recordAuditEvents(tx, [{ ...event, decision: 'deny', reason: refusal }]);
      // Committed, then refused: the count must survive the refusal.
      return { refused: true as const };
    }
    await tx.query('update person_card set failures = 0, last_failed_at = null where person_id = $1', [
      now.person_id,
    ]);
    // One session per card: signing in on this phone ends the session left open on another.
    await tx.query('delete from person_session where person_id = $1', [now.person_id]);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const tokenHash = hashToken(token);
    await tx.query('insert into person_session (token_hash, person_id, csrf_token) values ($1, $2, $3)', [
      tokenHash,
      now.person_id,
      csrfToken,
    ]);
    await recordAuditEvents(tx, [{ ...event, decision: 'allow', reason: 'ok' }]);
    return {
      refused: false as const,
      token,
      session: { personId: now.person_id, organisationId: now.organisation_id, csrfToken, tokenHash },
    };
  });
  // Written to the ledger above (with the person when the card is known): marked, so nobody writes it again.
  if (result.refused) throw markLedgered(signInFailed());
  return { token: result.token, session: result.session };
}

/** The person behind a portal cookie, if the session is still within its limits (and the person not erased). */
export async function portalSession(ctx: GateContext, token: string): Promise<PersonSession | undefined> {
  if (token.length > 100) return undefined;
  const tokenHash = hashToken(token);
  const { rows } = await ctx.db.query<{ person_id: string; organisation_id: string; csrf_token: string }>(
    `update person_session s set last_seen_at = now()
       from person p
      where s.token_hash = $1 and p.id = s.person_id and p.status = 'active'
        and s.last_seen_at > now() - make_interval(mins => $2)
        and s.created_at > now() - make_interval(mins => $3)
     returning s.person_id, p.organisation_id, s.csrf_token`,
    [tokenHash, PORTAL_IDLE_MINUTES, PORTAL_ABSOLUTE_MINUTES],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    personId: row.person_id,
    organisationId: row.organisation_id,
    csrfToken: row.csrf_token,
    tokenHash,
  };
}

export async function portalSignOut(ctx: GateContext, session: PersonSession): Promise<void> {
  await ctx.db.query('delete from person_session where token_hash = $1', [session.tokenHash]);
}

/** Sessions past their limits, removed (run with the other housekeeping). */
export async function sweepPortalSessions(sql: Sql): Promise<number> {
  const { rows } = await sql.query(
    `delete from person_session where last_seen_at <= now() - make_interval(mins => $1)
        or created_at <= now() - make_interval(mins => $2) returning 1`,
    [PORTAL_IDLE_MINUTES, PORTAL_ABSOLUTE_MINUTES],
  );
  return rows.length;
}
