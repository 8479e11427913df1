import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import { factorsOf, recordSignIn } from '../../identity/factors.ts';
import { passkeyRegistrationOptions, registerPasskey } from '../../identity/passkeys.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
} from '../../identity/second-factor.ts';
import { resolveSession, type Session, upgradeSession } from '../../identity/sessions.ts';
import { totpSecretBase32 } from '../../identity/totp.ts';
import { recordAuditEvent } from '../../ledger/events.ts';
import { sessionOf, setSessionCookie, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses } from '../schemas.ts';
import { SessionInfo, sessionInfo } from './auth.ts';

/**
 * A staff member's own second factors. A session still enrolling (password + enrolment code, no factor yet) may
 * set up its first factor; a fully signed-in session changing its factors must have re-authenticated (ACC-4).
 */
function mayChangeFactors(haven: Haven, session: Session): void {
  if (session.assurance === 1) {
    if (session.account.hasSecondFactor) {
      throw new HavenError('second-factor-required', 'Confirm your sign-in with your second factor first.', {
        status: 401,
        reason: 'second-factor',
      });
    }
    return;
  }
  const at = session.reauthenticatedAt?.getTime() ?? 0;
  if (Date.now() - at > haven.config.reauthMinutes * 60_000) {
    throw new HavenError(
      'reauthentication-required',
      'Confirm your password and second factor again for this action.',
      {
        status: 403,
        reason: 'reauthentication',
      },
    );
  }
}

export function accountRoutes(app: HttpApp, haven: Haven): void {
  /** Enrolling the first factor also completes sign-in: the new factor was just proven. */
  const finishEnrolment = async (reply: FastifyReply, session: Session, assurance: 2 | 3) => {
    if (session.assurance > 1) return undefined;
    const issued = await haven.db.transaction(async (tx) => {
      await recordSignIn(tx, session.account.id);
      return upgradeSession(tx, session, assurance, assurance === 3 ? 'passkey' : 'totp');
    });
    setSessionCookie(haven, reply, issued.token);
    return sessionInfo(haven, await resolveSession(haven.db, issued.token, haven.identity.sessions));
  };

  app.post(
    '/api/account/totp/enrolment',
    {
      config: { access: { kind: 'pending' } },
      schema: {
        tags: ['account'],
        summary: 'Start enrolling an authenticator app (TOTP)',
        description: 'Returns an otpauth:// URI to show as a QR code; confirm with a first code.',
        response: { 200: Type.Object({ uri: Type.String(), secret: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      mayChangeFactors(haven, session);
      const { uri, secret } = await beginTotpEnrolment(haven.identity, haven.db, session.account);
      return { uri, secret: totpSecretBase32(secret) };
    },
  );

  app.post(
    '/api/account/totp/confirm',
    {
      config: { access: { kind: 'pending' } },
      schema: {
        tags: ['account'],
        summary: 'Confirm the authenticator app with its current code; returns one-time recovery codes',
        body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ recoveryCodes: Type.Array(Type.String()), session: Type.Optional(SessionInfo) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      mayChangeFactors(haven, session);
      const { code } = request.body as { code: string };
      const recoveryCodes = await haven.db.transaction((tx) =>
        confirmTotpEnrolment(haven.identity, tx, session.account.id, code, staffActor(session)),
      );
      const info = await finishEnrolment(reply, session, 2);
      return { recoveryCodes, ...(info ? { session: info } : {}) };
    },
  );

  app.post(
    '/api/account/passkeys/options',
    {
      config: { access: { kind: 'pending' } },
      schema: {
        tags: ['account'],
        summary: 'WebAuthn options to register a passkey',
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      mayChangeFactors(haven, session);
      return passkeyRegistrationOptions(haven.identity, haven.db, session);
    },
  );

  app.post(
    '/api/account/passkeys',
    {
      config: { access: { kind: 'pending' } },
      schema: {
        tags: ['account'],
        summary: 'Register a passkey from the browser’s WebAuthn response',
        body: Type.Object(
          {
            response: Type.Object({ id: Type.String() }, { additionalProperties: true }),
            label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ credentialId: Type.String(), session: Type.Optional(SessionInfo) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      mayChangeFactors(haven, session);
      const body = request.body as { response: Parameters<typeof registerPasskey>[3]; label?: string };
      const { credentialId } = await registerPasskey(
        haven.identity,
        haven.db,
        session,
        body.response,
        body.label ?? 'passkey',
      );
      const info = await finishEnrolment(reply, session, 3);
      return reply.code(201).send({ credentialId, ...(info ? { session: info } : {}) });
    },
  );

  app.get(
    '/api/account/factors',
    {
      schema: {
        tags: ['account'],
        summary: 'Your second factors',
        response: {
          200: Type.Object({
            totp: Type.Boolean(),
            recoveryCodesLeft: Type.Integer(),
            passkeys: Type.Array(
              Type.Object({
                credentialId: Type.String(),
                label: Type.String(),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const factors = await factorsOf(haven.db, session.account.id);
      return {
        totp: factors.totp,
        recoveryCodesLeft: await remainingRecoveryCodes(haven.db, session.account.id),
        passkeys: factors.passkeys,
      };
    },
  );

  app.post(
    '/api/account/recovery-codes',
    {
      config: { access: { kind: 'staff', reauth: true } },
      schema: {
        tags: ['account'],
        summary: 'Replace your recovery codes (needs a recent re-authentication)',
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const recoveryCodes = await haven.db.transaction(async (tx) => {
        const codes = await replaceRecoveryCodes(haven.identity, tx, session.account.id);
        await recordAuditEvent(tx, {
          actor: staffActor(session),
          action: 'auth.factor-change',
          subject: session.account.id,
          subjectType: 'account',
          decision: 'allow',
          reason: 'recovery-codes-replaced',
        });
        return codes;
      });
      return { recoveryCodes };
    },
  );
}
