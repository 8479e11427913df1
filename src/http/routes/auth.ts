import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import { passkeyAuthenticationOptions, provePasskey } from '../../identity/passkeys.ts';
import {
  type IssuedSession,
  PENDING_SECOND_FACTOR_MINUTES,
  resolveSession,
  type Session,
} from '../../identity/sessions.ts';
import {
  checkPasswordAgain,
  proveSecondFactor,
  signInWithPassword,
  signOut,
} from '../../identity/sign-in.ts';
import { clearSessionCookie, sessionOf, setSessionCookie } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { Email, errorResponses, Password, Role, Tier, Uuid } from '../schemas.ts';

export const SessionInfo = Type.Object(
  {
    signedIn: Type.Boolean(),
    account: Type.Optional(
      Type.Object({ id: Uuid, email: Type.String(), role: Role, tier: Tier, organisationId: Uuid }),
    ),
    assurance: Type.Optional(
      Type.Integer({ description: '1: password only; 2: + TOTP or recovery code; 3: + passkey' }),
    ),
    next: Type.Optional(
      Type.Union([Type.Literal('second-factor'), Type.Literal('enrol'), Type.Literal('none')], {
        description: 'What the client must do before using Haven.',
      }),
    ),
    csrfToken: Type.Optional(
      Type.String({ description: 'Send as the x-csrf-token header on every state-changing request.' }),
    ),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    idleExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'SessionInfo' },
);

const Factors = Type.Array(
  Type.Union([Type.Literal('totp'), Type.Literal('passkey'), Type.Literal('recovery-code')]),
);

/** A session as the client sees it: who, how strongly proven, and when it ends. */
export function sessionInfo(haven: Haven, session: Session) {
  const { idleMinutes, absoluteHours } = haven.identity.sessions;
  const pending = session.assurance === 1;
  const end =
    session.createdAt.getTime() +
    (pending ? PENDING_SECOND_FACTOR_MINUTES * 60_000 : absoluteHours * 3_600_000);
  return {
    signedIn: true,
    account: {
      id: session.account.id,
      email: session.account.email,
      role: session.account.role,
      tier: session.account.tier,
      organisationId: session.account.organisationId,
    },
    assurance: session.assurance,
    next: pending ? (session.account.hasSecondFactor ? 'second-factor' : 'enrol') : 'none',
    csrfToken: session.csrfToken,
    expiresAt: new Date(end).toISOString(),
    idleExpiresAt: new Date(Date.now() + idleMinutes * 60_000).toISOString(),
  } as const;
}

export function authRoutes(app: HttpApp, haven: Haven): void {
  const signInLimit = { max: haven.config.signInRateLimitPerMinute, timeWindow: '1 minute' };

  app.post(
    '/api/auth/sign-in',
    {
      config: { access: { kind: 'public' }, rateLimit: signInLimit },
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with email and password (first factor)',
        description:
          'Starts a session that can only complete a second factor (or, for a new account with its enrolment code, enrol one).',
        body: Type.Object(
          { email: Email, password: Password, enrolmentCode: Type.Optional(Type.String({ maxLength: 40 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            next: Type.Union([Type.Literal('second-factor'), Type.Literal('enrol')]),
            factors: Factors,
            csrfToken: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; password: string; enrolmentCode?: string };
      const result = await signInWithPassword(haven.identity, haven.db, {
        email: body.email,
        password: body.password,
        address: request.ip,
        requestId: request.id,
        ...(body.enrolmentCode ? { enrolmentCode: body.enrolmentCode } : {}),
      });
      setSessionCookie(haven, reply, result.session.token);
      return { next: result.next, factors: result.factors, csrfToken: result.session.csrfToken };
    },
  );

  const afterFactor = async (reply: FastifyReply, session: Session, issued: IssuedSession | null) => {
    if (!issued) return sessionInfo(haven, session);
    setSessionCookie(haven, reply, issued.token);
    return sessionInfo(haven, await resolveSession(haven.db, issued.token, haven.identity.sessions));
  };

  app.post(
    '/api/auth/second-factor',
    {
      config: { access: { kind: 'pending' }, rateLimit: signInLimit },
      schema: {
        tags: ['sign-in'],
        summary: 'Complete sign-in with a TOTP code or a recovery code',
        body: Type.Object(
          {
            method: Type.Union([Type.Literal('totp'), Type.Literal('recovery-code')]),
            code: Type.String({ minLength: 1, maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionInfo, ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (session.assurance > 1) {
        throw new HavenError('already-signed-in', 'This session has already completed its second factor.', {
          status: 409,
        });
      }
      const body = request.body as { method: 'totp' | 'recovery-code'; code: string };
      const issued = await proveSecondFactor(
        haven.identity,
        haven.db,
        session,
        body.method,
        body.code,
        request.id,
      );
      return afterFactor(reply, session, issued);
    },
  );

  app.post(
    '/api/auth/passkey/options',
    {
      config: { access: { kind: 'pending' }, rateLimit: signInLimit },
      schema: {
        tags: ['sign-in'],
        summary: 'WebAuthn options to sign in (or re-authenticate) with a passkey',
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
      },
    },
    async (request) => passkeyAuthenticationOptions(haven.identity, haven.db, sessionOf(request)),
  );

  app.post(
    '/api/auth/passkey',
    {
      config: { access: { kind: 'pending' }, rateLimit: signInLimit },
      schema: {
        tags: ['sign-in'],
        summary: 'Complete sign-in (or re-authenticate) with a passkey assertion',
        body: Type.Object({ response: Type.Object({ id: Type.String() }, { additionalProperties: true }) }),
        response: { 200: SessionInfo, ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const body = request.body as { response: Parameters<typeof provePasskey>[3] };
      const issued = await provePasskey(haven.identity, haven.db, session, body.response, request.id);
      return afterFactor(reply, session, issued);
    },
  );

  app.post(
    '/api/auth/reauthenticate',
    {
      config: { access: { kind: 'staff' }, rateLimit: signInLimit },
      schema: {
        tags: ['sign-in'],
        summary: 'Prove password and TOTP again before a sensitive action (ACC-4)',
        description:
          'With a passkey, send the password here and then complete /api/auth/passkey instead of a code.',
        body: Type.Object(
          {
            password: Password,
            method: Type.Union([
              Type.Literal('totp'),
              Type.Literal('recovery-code'),
              Type.Literal('passkey'),
            ]),
            code: Type.Optional(Type.String({ maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionInfo, ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const body = request.body as {
        password: string;
        method: 'totp' | 'recovery-code' | 'passkey';
        code?: string;
      };
      await checkPasswordAgain(haven.identity, haven.db, session, body.password, request.id);
      if (body.method !== 'passkey') {
        await proveSecondFactor(haven.identity, haven.db, session, body.method, body.code ?? '', request.id);
      }
      return sessionInfo(haven, session);
    },
  );

  app.post(
    '/api/auth/sign-out',
    {
      config: { access: { kind: 'pending' } },
      schema: {
        tags: ['sign-in'],
        summary: 'End this session',
        response: { 204: Type.Null({ description: 'Signed out' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await signOut(haven.db, session, request.id);
      clearSessionCookie(haven, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { access: { kind: 'public' } },
      schema: { tags: ['sign-in'], summary: 'The current session, if any', response: { 200: SessionInfo } },
    },
    async (request) => (request.session ? sessionInfo(haven, request.session) : { signedIn: false }),
  );
}
