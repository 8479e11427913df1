import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import { addressRefusalKey } from '../../identity/throttle.ts';
import {
  CLIENT_ASSERTION_TYPE,
  issuePartnerToken,
  TOKEN_SECONDS,
  TokenError,
  type TokenRequest,
} from '../../sharing/partner-tokens.ts';
import type { HttpApp } from '../http-app.ts';

/**
 * The token endpoint for partners' machine clients (RFC 6749 §4.4 with RFC 7523 client assertions). It takes the
 * form encoding the RFCs prescribe — only here: every other route still refuses form bodies, which keeps a plain
 * cross-site HTML form from reaching them. Answers follow RFC 6749 §5.1/§5.2, with Haven's stable `code` added to
 * errors. Every refusal is an audit event (AUD-1), counted like sign-in refusals.
 */
const FORM = 'application/x-www-form-urlencoded';

const TokenForm = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ description: 'client_credentials' })),
    client_assertion_type: Type.Optional(Type.String({ description: CLIENT_ASSERTION_TYPE })),
    client_assertion: Type.Optional(
      Type.String({
        description:
          'A JWT signed with one of your registered sig keys (kid in its header): iss = sub = your partner id, aud = this URL, exp at most 5 minutes ahead, a unique jti',
      }),
    ),
    client_id: Type.Optional(Type.String({ description: 'Your partner id (optional; must equal iss)' })),
  },
  { additionalProperties: true },
);
const TokenErrorBody = Type.Object(
  {
    error: Type.String({ description: 'RFC 6749 §5.2 error code' }),
    error_description: Type.String(),
    code: Type.String({ description: 'Haven’s stable code: match on this' }),
    message: Type.String(),
    requestId: Type.String(),
  },
  { description: 'An RFC 6749 error with Haven’s code' },
);

export function oauthRoutes(app: HttpApp, haven: Haven): void {
  const endpoint = `${haven.config.origin}/oauth/token`;

  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: TokenError) => {
    await haven.refusals.record(
      haven.db,
      {
        actor: { kind: error.partnerId ? 'partner' : 'anonymous' },
        action: 'partner.token',
        ...(error.partnerId ? { subject: error.partnerId, subjectType: 'partner' as const } : {}),
        decision: 'deny',
        reason: error.code,
        requestId: request.id,
      },
      error.partnerId ? `partner:${error.partnerId}` : addressRefusalKey(haven.identity, request.ip),
    );
    return reply.code(error.status).header('pragma', 'no-cache').send({
      error: error.oauthError,
      error_description: error.message,
      code: error.code,
      message: error.message,
      requestId: request.id,
    });
  };

  // Encapsulated: the form parser exists for this route alone.
  app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const form: Record<string, string> = {};
      for (const [name, value] of params) {
        // RFC 6749 §3.2: a parameter must not be sent twice.
        if (name in form) {
          done(
            new TokenError('parameter-repeated', 'invalid_request', `The parameter ${name} is repeated.`),
            undefined,
          );
          return;
        }
        form[name] = value;
      }
      done(null, form);
    });

    scope.post(
      '/oauth/token',
      {
        config: { access: { kind: 'public' } },
        attachValidation: true,
        errorHandler: async (error, request, reply) => {
          if (error instanceof TokenError) return refuse(request, reply, error);
          const refusal =
            error instanceof HavenError && error.code !== 'internal-error'
              ? new TokenError(error.code, 'invalid_request', error.message)
              : (error as { statusCode?: number }).statusCode === 413
                ? new TokenError('body-too-large', 'invalid_request', 'The request body is too large.')
                : (error as { statusCode?: number }).statusCode === 415
                  ? new TokenError('unsupported-media-type', 'invalid_request', `Send the form as ${FORM}.`)
                  : (error as { statusCode?: number }).statusCode !== undefined &&
                      (error as { statusCode: number }).statusCode < 500
                    ? new TokenError('invalid-request', 'invalid_request', 'The request could not be read.')
                    : undefined;
          if (refusal) return refuse(request, reply, refusal);
          throw error;
        },
        schema: {
          tags: ['partner'],
          summary: `A ${TOKEN_SECONDS / 60}-minute access token for a partner: client credentials with a signed JWT assertion (RFC 7523)`,
          description: `Form-encoded (${FORM}). The token goes in \`Authorization: Bearer …\` on partner routes.`,
          consumes: [FORM],
          security: [],
          body: TokenForm,
          response: {
            200: Type.Object({
              access_token: Type.String(),
              token_type: Type.Literal('Bearer'),
              expires_in: Type.Integer(),
            }),
            400: TokenErrorBody,
            401: TokenErrorBody,
          },
        },
      },
      async (request, reply) => {
        if (!request.headers['content-type']?.toLowerCase().startsWith(FORM)) {
          throw new TokenError('unsupported-media-type', 'invalid_request', `Send the form as ${FORM}.`);
        }
        const issued = await issuePartnerToken(
          haven.db,
          (request.body ?? {}) as TokenRequest,
          endpoint,
          haven.clock.now(),
        );
        return reply.header('pragma', 'no-cache').send({
          access_token: issued.access_token,
          token_type: issued.token_type,
          expires_in: issued.expires_in,
        });
      },
    );
  });
}
