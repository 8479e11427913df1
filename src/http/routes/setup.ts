import { Type } from 'typebox';
import type { Haven } from '../../haven.ts';
import { completeSetup, setupNeeded } from '../../identity/setup.ts';
import { setSessionCookie } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { Email, errorResponses, Password } from '../schemas.ts';

export function setupRoutes(app: HttpApp, haven: Haven): void {
  app.get(
    '/api/setup',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['set-up'],
        summary: 'Whether first-admin set-up is still open (no account exists yet)',
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
    },
    async () => ({ needed: await setupNeeded(haven.db) }),
  );

  app.post(
    '/api/setup',
    {
      config: {
        access: { kind: 'public' },
        rateLimit: { max: haven.config.signInRateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['set-up'],
        summary: 'Create the first organisation and administrator with the one-time code printed at start',
        description:
          'The new administrator must then enrol a second factor (/api/account/totp/enrolment or a passkey).',
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 40 }),
            organisation: Type.Object(
              {
                slug: Type.String({ minLength: 1, maxLength: 63 }),
                name: Type.String({ minLength: 1, maxLength: 200 }),
              },
              { additionalProperties: false },
            ),
            email: Email,
            password: Password,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            accountId: Type.String(),
            organisationId: Type.String(),
            next: Type.Literal('enrol'),
            csrfToken: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        code: string;
        organisation: { slug: string; name: string };
        email: string;
        password: string;
      };
      const result = await completeSetup(haven.identity, haven.db, {
        code: body.code,
        organisationSlug: body.organisation.slug,
        organisationName: body.organisation.name,
        email: body.email,
        password: body.password,
        requestId: request.id,
        address: request.ip,
      });
      setSessionCookie(haven, reply, result.session.token);
      return reply.code(201).send({
        accountId: result.created.account.id,
        organisationId: result.organisation.id,
        next: 'enrol' as const,
        csrfToken: result.session.csrfToken,
      });
    },
  );
}
