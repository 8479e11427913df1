import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HavenError } from '../domain/errors.ts';
import type { Role, Tier } from '../domain/roles.ts';
import type { Sql } from '../store/database.ts';
import { announceSessionChange } from './session-cache.ts';

/**
 * Staff sessions (ACC-4). The cookie holds a random token; the database holds only its SHA-256. Assurance 1 means
 * the password is proven and a second factor is still due; 2 adds TOTP or a recovery code; 3 adds a passkey.
 */
export type Assurance = 1 | 2 | 3;
export type Factor = 'totp' | 'recovery-code' | 'passkey';

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

/** A session with only the password proven must finish its second factor quickly. */
export const PENDING_SECOND_FACTOR_MINUTES = 10;

export interface Session {
  tokenHash: Buffer;
  csrfToken: string;
  assurance: Assurance;
  factor: Factor | null;
  createdAt: Date;
  lastSeenAt: Date;
  reauthenticatedAt: Date | null;
  webauthnChallenge: string | null;
  account: {
    id: string;
    organisationId: string;
    email: string;
    role: Role;
    tier: Tier;
    hasSecondFactor: boolean;
  };
}

export interface IssuedSession {
  token: string;
  csrfToken: string;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function createSession(
  sql: Sql,
  accountId: string,
  assurance: Assurance,
  factor: Factor | null,
): Promise<IssuedSession> {
  const token = newToken();
  const csrfToken = newToken();
  await sql.query(
    `insert into staff_session (token_hash, account_id, csrf_token, assurance, factor, reauthenticated_at)
     values ($1, $2, $3, $4, $5, case when $4::smallint > 1 then now() end)`,
    [hashToken(token), accountId, csrfToken, assurance, factor],
  );
  return { token, csrfToken };
}

/**
 * Raises a session's assurance after a second factor. The token changes too, so a token planted before sign-in
 * (session fixation) is worthless afterwards.
 */
export async function upgradeSession(
  sql: Sql,
  session: Session,
  assurance: Assurance,
  factor: Factor,
): Promise<IssuedSession> {
  const token = newToken();
  const csrfToken = newToken();
  await sql.query(
    `update staff_session set token_hash = $2, csrf_token = $3, assurance = $4, factor = $5,
       reauthenticated_at = now(), last_seen_at = now(), webauthn_challenge = null
     where token_hash = $1`,
    [session.tokenHash, hashToken(token), csrfToken, assurance, factor],
  );
  await announceSessionChange(sql, session.account.id);
  return { token, csrfToken };
}

interface SessionRow {
  token_hash: Buffer;
  csrf_token: string;
  assurance: Assurance;
  factor: Factor | null;
  created_at: Date;
  last_seen_at: Date;
  reauthenticated_at: Date | null;
  webauthn_challenge: string | null;
  account_id: string;
  organisation_id: string;
  email: string;
  role: Role;
  tier: Tier;
  status: string;
  has_second_factor: boolean;
  now: Date;
}

export function sessionExpired(): HavenError {
  return new HavenError(
    'session-expired',
    'Your session has ended. Sign in again; unsaved work in open forms is kept.',
    {
      status: 401,
    },
  );
}

/** Why a cookie no longer opens a session: for the ledger (AUD-1), not shown to the caller. */
export type SessionEnd = 'session-unknown' | 'session-idle' | 'session-absolute' | 'account-disabled';

/** A refused session cookie, with the account it belonged to when there was one. */
export class SessionEndedError extends HavenError {
  readonly end: SessionEnd;
  readonly account: { id: string; organisationId: string; role: Role } | undefined;

  constructor(end: SessionEnd, account?: { id: string; organisationId: string; role: Role }) {
    const plain = end === 'account-disabled' ? accountDisabled() : sessionExpired();
    super(plain.code, plain.message, { status: plain.status });
    this.end = end;
    this.account = account;
  }
}

function accountDisabled(): HavenError {
  return new HavenError('account-disabled', 'This account is disabled. Ask an administrator.', {
    status: 403,
  });
}

/**
 * Finds the live session for a cookie token. Ends it (and says so) when it is idle too long, past its absolute
 * lifetime, or its account was disabled. Refreshes the idle clock at most once a minute.
 */
export async function resolveSession(sql: Sql, token: string, limits: SessionLimits): Promise<Session> {
  const tokenHash = hashToken(token);
  const { rows } = await sql.query<SessionRow>(
    `select s.token_hash, s.csrf_token, s.assurance, s.factor, s.created_at, s.last_seen_at, s.reauthenticated_at,
            s.webauthn_challenge, a.id as account_id, a.organisation_id, a.email, a.role, a.tier, a.status,
            (a.totp_secret is not null or exists (select 1 from passkey p where p.account_id = a.id)) as has_second_factor,
            now() as now
       from staff_session s join staff_account a on a.id = s.account_id
      where s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  // A token Haven never issued, or one already ended (signed out, replaced): forged or stale.
  if (!row) throw new SessionEndedError('session-unknown');
  const now = row.now.getTime();
  const idleLimit = limits.idleMinutes * 60_000;
  const absoluteLimit =
    row.assurance === 1 ? PENDING_SECOND_FACTOR_MINUTES * 60_000 : limits.absoluteHours * 3_600_000;
  const end: SessionEnd | null =
    row.status !== 'active'
      ? 'account-disabled'
      : now - row.created_at.getTime() > absoluteLimit
        ? 'session-absolute'
        : now - row.last_seen_at.getTime() > idleLimit
          ? 'session-idle'
          : null;
  if (end) {
    await sql.query('delete from staff_session where token_hash = $1', [tokenHash]);
    throw new SessionEndedError(end, {
      id: row.account_id,
      organisationId: row.organisation_id,
      role: row.role,
    });
  }
  if (now - row.last_seen_at.getTime() > 60_000) {
    await sql.query('update staff_session set last_seen_at = now() where token_hash = $1', [tokenHash]);
  }
  return {
    tokenHash: row.token_hash,
    csrfToken: row.csrf_token,
    assurance: row.assurance,
    factor: row.factor,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    reauthenticatedAt: row.reauthenticated_at,
    webauthnChallenge: row.webauthn_challenge,
    account: {
      id: row.account_id,
      organisationId: row.organisation_id,
      email: row.email,
      role: row.role,
      tier: row.tier,
      hasSecondFactor: row.has_second_factor,
    },
  };
}

export function csrfTokenMatches(session: Session, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function endSession(sql: Sql, tokenHash: Buffer, accountId: string): Promise<void> {
  await sql.query('delete from staff_session where token_hash = $1', [tokenHash]);
  await announceSessionChange(sql, accountId);
}

/** ACC-4: disabling an account ends every session it has, at once. */
export async function endAllSessions(sql: Sql, accountId: string): Promise<number> {
  const result = await sql.query('delete from staff_session where account_id = $1', [accountId]);
  await announceSessionChange(sql, accountId);
  return result.rowCount;
}

export async function markReauthenticated(sql: Sql, session: Session): Promise<void> {
  await sql.query('update staff_session set reauthenticated_at = now() where token_hash = $1', [
    session.tokenHash,
  ]);
  await announceSessionChange(sql, session.account.id);
}

export async function setWebauthnChallenge(
  sql: Sql,
  session: Session,
  challenge: string | null,
): Promise<void> {
  await sql.query('update staff_session set webauthn_challenge = $2 where token_hash = $1', [
    session.tokenHash,
    challenge,
  ]);
  await announceSessionChange(sql, session.account.id);
}
