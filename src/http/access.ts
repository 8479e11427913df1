import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import type { PersonSession } from '../gate/person-cards.ts';
import type { Haven } from '../haven.ts';
import {
  csrfTokenMatches,
  hashToken,
  PENDING_SECOND_FACTOR_MINUTES,
  resolveSession,
  type Session,
} from '../identity/sessions.ts';
import { witnessByToken } from '../ledger/checkpoints.ts';
import { type PartnerPrincipal, partnerByToken } from '../sharing/partner-tokens.ts';
import { ledgerAccessRefusal, registerFlowRefusalAudit } from './auth-audit.ts';
import type { HttpApp } from './http-app.ts';

/**
 * Who may call a route, declared on the route (`config.access`) and enforced here before any handler runs.
 *  - public: anyone (health, OpenAPI, sign-in, set-up).
 *  - anonymous: anyone, and Haven must not learn who (the concern channel, GOV-4): no session is read even if a
 *    cookie comes along, nothing is rate-limited by address, and no request log line is written.
 *  - pending: a session with the password proven, completing its second factor or enrolling one.
 *  - staff: a fully signed-in session (password + second factor, ACC-3), optionally limited to roles,
 *    optionally needing a recent re-authentication (ACC-4) or a passkey (assurance 3).
 * A route that declares nothing is treated as `staff`: forgetting the declaration fails closed.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'anonymous' }
  | { kind: 'pending' }
  | { kind: 'staff'; roles?: readonly Role[]; reauth?: boolean; passkey?: boolean }
  /** A registered ledger witness (bearer token), or staff of these roles. */
  | { kind: 'witness'; roles: readonly Role[] }
  /** A registered person in their own portal, signed in with card and PIN; never a staff session. */
  | { kind: 'person' }
  /** A partner's machine client with a bearer token from /oauth/token (issue 17); never a cookie. */
  | { kind: 'partner' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    session: Session | null;
    personSession: PersonSession | null;
    witness: { name: string; verifierKey: string } | null;
    /** On `partner` routes: the partner the bearer token was given to, checked on this request. */
    partner: PartnerPrincipal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function portalCookieName(haven: Haven): string {
  return haven.config.secureCookies ? '__Host-haven_me' : 'haven_me';
}

export function sessionCookieName(haven: Haven): string {
  // The __Host- prefix pins the cookie to this host and path, and only works over https.
  return haven.config.secureCookies ? '__Host-haven_session' : 'haven_session';
}

export function setSessionCookie(haven: Haven, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(haven), token, {
    httpOnly: true,
    secure: haven.config.secureCookies,
    sameSite: 'strict',
    path: '/',
    maxAge: haven.config.sessionAbsoluteHours * 3600,
  });
}

export function clearSessionCookie(haven: Haven, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(haven), {
    path: '/',
    secure: haven.config.secureCookies,
    sameSite: 'strict',
  });
}

function refuse(code: string, reason: string, message: string, status: 401 | 403 = 403): HavenError {
  return new HavenError(code, message, { status, reason });
}

/** A session from the short-lived cache when it is there and still within its limits, else from the database. */
async function currentSession(haven: Haven, token: string): Promise<Session> {
  const key = hashToken(token).toString('hex');
  const cached = haven.sessions.get(key);
  const now = Date.now();
  const { idleMinutes, absoluteHours } = haven.identity.sessions;
  const lifetime =
    cached?.assurance === 1 ? PENDING_SECOND_FACTOR_MINUTES * 60_000 : absoluteHours * 3_600_000;
  if (
    cached &&
    now - cached.lastSeenAt.getTime() <= idleMinutes * 60_000 &&
    now - cached.createdAt.getTime() <= lifetime
  ) {
    return cached;
  }
  haven.sessions.forgetToken(key);
  const session = await resolveSession(haven.db, token, haven.identity.sessions);
  haven.sessions.set(key, session);
  return session;
}

export function registerAccessControl(app: HttpApp, haven: Haven): void {
  app.decorateRequest('session', null);
  app.decorateRequest('personSession', null);
  app.decorateRequest('witness', null);
  app.decorateRequest('partner', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await checkAccess(haven, request, reply);
    } catch (error) {
      // AUD-1: every refusal here is an authentication event in the ledger (repeats counted, not repeated).
      if (error instanceof HavenError) await ledgerAccessRefusal(haven, request, error);
      throw error;
    }
  });
  registerFlowRefusalAudit(app, haven);
}

async function checkAccess(haven: Haven, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // No matching route: let the not-found handler answer 404 rather than demand a session.
  const matched = request.routeOptions.url !== undefined;
  const access: Access = matched
    ? (request.routeOptions.config?.access ?? { kind: 'staff' })
    : { kind: 'public' };
  const unsafe = !SAFE_METHODS.has(request.method);
  const origin = request.headers.origin;
  // Browsers send Origin on every cross-site request that can change state; refuse any foreign one.
  if (unsafe && origin !== undefined && !haven.config.allowedOrigins.includes(origin)) {
    throw refuse('cross-origin-refused', 'origin', 'Requests from another site are refused.');
  }
  // A staff member raising a concern from their own browser stays unknown: their cookie is not even looked at.
  if (access.kind === 'anonymous') return;
  // The portal reads its own cookie only: a staff session on the same browser counts for nothing there.
  if (access.kind === 'person') {
    const token = request.cookies[portalCookieName(haven)];
    const session = token ? await haven.gate.portal.session(token) : undefined;
    if (!session)
      throw refuse('portal-not-signed-in', 'authentication', 'Sign in with your card and PIN.', 401);
    // On every method, reads too: on a shared phone the cookie outlives a reload of the page, but the token lives
    // in the page's memory only, so the next person to pick the phone up reads nothing.
    const presented = request.headers['x-csrf-token'];
    if (
      typeof presented !== 'string' ||
      presented.length !== session.csrfToken.length ||
      !timingSafeEqual(Buffer.from(presented), Buffer.from(session.csrfToken))
    ) {
      throw refuse('csrf-token-invalid', 'csrf', 'This request must carry the x-csrf-token of your session.');
    }
    request.personSession = { ...session, requestId: request.id };
    return;
  }
  // A partner's bearer token, looked up on every request (a suspension counts at once); cookies are not read, and
  // with no ambient credential there is nothing for CSRF to abuse.
  if (access.kind === 'partner') {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer)
      throw refuse(
        'partner-token-missing',
        'authentication',
        'Send an access token: Authorization: Bearer …',
        401,
      );
    request.partner = await partnerByToken(haven.db, bearer, haven.clock.now());
    return;
  }
  const token = request.cookies[sessionCookieName(haven)];
  if (token) {
    try {
      request.session = await currentSession(haven, token);
    } catch (error) {
      clearSessionCookie(haven, reply);
      if (access.kind !== 'public') throw error;
      // A public route goes on without the session, but the ended or forged cookie is still on record.
      if (error instanceof HavenError) {
        await ledgerAccessRefusal(haven, request, error);
        haven.refusals.release(request.id);
      }
    }
  }
  if (access.kind === 'public') return;
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (access.kind === 'witness' && bearer) {
    // A token, not a cookie: no ambient credential, so no CSRF check is needed.
    request.witness = (await witnessByToken(haven.db, bearer)) ?? null;
    if (!request.witness)
      throw refuse('witness-token-invalid', 'authentication', 'That witness token is not registered.', 401);
    return;
  }
  const session = request.session;
  if (!session) throw refuse('not-signed-in', 'authentication', 'Sign in first.', 401);
  if (unsafe && !csrfTokenMatches(session, request.headers['x-csrf-token'] as string | undefined)) {
    const missing = request.headers['x-csrf-token'] === undefined;
    throw refuse(
      missing ? 'csrf-token-missing' : 'csrf-token-invalid',
      'csrf',
      'This request must carry the x-csrf-token header from your session.',
    );
  }
  if (access.kind === 'pending') return;
  const roles = access.roles;
  if (session.assurance < 2) {
    throw session.account.hasSecondFactor
      ? refuse(
          'second-factor-required',
          'second-factor',
          'Confirm your sign-in with your second factor first.',
          401,
        )
      : refuse('enrolment-required', 'second-factor', 'Set up a second factor before using Haven.', 401);
  }
  if (access.kind === 'staff' && access.passkey && session.assurance < 3) {
    throw refuse('passkey-required', 'assurance', 'This needs a sign-in with a passkey (ACC-3).');
  }
  if (roles && !roles.includes(session.account.role)) {
    throw refuse('forbidden', 'role', 'Your role does not allow this.');
  }
  if (access.kind === 'staff' && access.reauth) {
    const at = session.reauthenticatedAt?.getTime() ?? 0;
    if (Date.now() - at > haven.config.reauthMinutes * 60_000) {
      throw refuse(
        'reauthentication-required',
        'reauthentication',
        'Confirm your password and second factor again for this action.',
      );
    }
  }
}

/** The signed-in session of a route declared `staff` or `pending` (never null there). */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw refuse('not-signed-in', 'authentication', 'Sign in first.', 401);
  return request.session;
}

/** The partner of a route declared `partner` (never null there). */
export function partnerOf(request: FastifyRequest): PartnerPrincipal {
  if (!request.partner) throw refuse('partner-token-missing', 'authentication', 'Send an access token.', 401);
  return request.partner;
}

export function staffActor(session: Session) {
  const a = session.account;
  return { kind: 'staff' as const, account: a.id, organisation: a.organisationId, role: a.role };
}
