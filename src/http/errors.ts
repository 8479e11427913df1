import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldProblem, HavenError } from '../domain/errors.ts';

/** One error shape for every response (style.md): code, message, requestId, and reason for denials. */

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function validationFields(issues: readonly ValidationIssue[], part: string | undefined): FieldProblem[] {
  return issues.map((issue) => {
    const missing = issue.params?.missingProperty;
    const extra = issue.params?.additionalProperty;
    const base = `${part ?? 'body'}${issue.instancePath ?? ''}`;
    const path =
      typeof missing === 'string'
        ? `${base}/${missing}`
        : typeof extra === 'string'
          ? `${base}/${extra}`
          : base;
    // Ajv's messages describe the rule ("must be string"), never the value.
    return { path, code: issue.keyword ?? 'invalid', message: issue.message ?? 'is not valid' };
  });
}

function translate(error: FastifyError): HavenError {
  if (error instanceof HavenError) return error;
  if (error.validation) {
    const fields = validationFields(error.validation as ValidationIssue[], error.validationContext);
    return new HavenError(
      'invalid-request',
      `The request is not valid: ${fields[0]?.path ?? 'body'} ${fields[0]?.message ?? ''}.`,
      {
        fields,
      },
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HavenError('body-too-large', 'The request body is larger than this server accepts.', {
        status: 413,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HavenError('unsupported-media-type', 'Send the request body as application/json.', {
        status: 415,
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HavenError('invalid-json', 'The request body is not valid JSON.');
    case 'FST_ERR_BAD_URL':
      return new HavenError('invalid-url', 'The address holds characters that cannot be decoded.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HavenError('url-too-long', 'A part of the address is longer than any id Haven uses.', {
        status: 414,
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HavenError('invalid-request', 'The Content-Length header does not match the body.');
  }
  if (error.statusCode === 429) {
    return new HavenError('rate-limited', 'Too many requests. Slow down and try again shortly.', {
      status: 429,
    });
  }
  if (error.statusCode === 404) return new HavenError('not-found', 'Nothing here.', { status: 404 });
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new HavenError('invalid-request', 'The request could not be understood.');
  }
  return new HavenError(
    'internal-error',
    'Something went wrong on the server. It has been logged; quote the request id.',
    {
      status: 500,
    },
  );
}

export function sendError(error: HavenError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({
      code: error.code,
      message: error.message,
      requestId: request.id,
      ...(error.reason ? { reason: error.reason } : {}),
      ...(error.fields ? { fields: error.fields } : {}),
      ...(error.withheld ? { withheld: error.withheld } : {}),
    });
}

export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const translated = translate(error);
  if (translated.status >= 500) request.log.error({ err: error }, 'request failed');
  else if (request.routeOptions?.config?.access?.kind !== 'anonymous') {
    request.log.info({ code: translated.code, status: translated.status }, 'request refused');
  }
  return sendError(translated, request, reply);
}
