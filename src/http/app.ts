import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { HavenError } from '../domain/errors.ts';
import type { Haven } from '../haven.ts';
import { registerAccessControl } from './access.ts';
import { errorHandler, sendError } from './errors.ts';
import type { HttpApp } from './http-app.ts';
import { openApiInfo } from './openapi.ts';
import { accessAnswerRoutes } from './routes/access-answers.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admin.ts';
import { agreementRoutes } from './routes/agreements.ts';
import { authRoutes } from './routes/auth.ts';
import { concernRoutes } from './routes/concerns.ts';
import { dpiaRoutes } from './routes/dpias.ts';
import { governanceRoutes } from './routes/governance.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentAffectedRoutes } from './routes/incident-affected.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { legalHoldRoutes } from './routes/legal-holds.ts';
import { monitoringRoutes } from './routes/monitoring.ts';
import { noticeRoutes } from './routes/notices.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { oversightRoutes } from './routes/oversight.ts';
import { partnerRoutes } from './routes/partners.ts';
import { personRecordRoutes } from './routes/person-records.ts';
import { personRoutes } from './routes/persons.ts';
import { policyRoutes } from './routes/policies.ts';
import { portalRoutes } from './routes/portal.ts';
import { processorRoutes } from './routes/processors.ts';
import { pushRoutes } from './routes/pushes.ts';
import { releaseRoutes, verificationRoutes } from './routes/releases.ts';
import { restrictionRoutes } from './routes/restriction.ts';
import { retentionRoutes } from './routes/retention.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { rightsRoutes } from './routes/rights.ts';
import { setupRoutes } from './routes/setup.ts';
import { transparencyRoutes } from './routes/transparency.ts';
import { webAppRoutes } from './routes/web-app.ts';
import { ErrorBody, Withheld } from './schemas.ts';
import { MULTILINE_KEYWORD, registerTextGuard } from './text-guard.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

// Strict CSP (no inline script, nothing from other origins); the documentation page adds only what it needs.
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * The security headers helmet sets, computed once: they are the same for every response, and running helmet's
 * middleware on each request cost ~3% of a registration's CPU (B1). Swagger UI's routes set their own CSP.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish at once; its headers cannot be computed ahead');
  return headers;
}

export async function buildApp(haven: Haven): Promise<HttpApp> {
  const { config } = haven;
  const app = Fastify({
    loggerInstance: haven.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Accept a caller's request id when it looks like one (a proxy's), otherwise make one.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      // randomUUID draws from Node's entropy cache: cheaper per request than randomBytes (B1, B2).
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: {
      customOptions: { removeAdditional: false, allErrors: false },
      // An annotation for the text guard, not a validation rule (text-guard.ts).
      onCreate: (ajv) => {
        ajv.addKeyword({ keyword: MULTILINE_KEYWORD, schemaType: 'boolean' });
      },
    },
    return503OnClosing: true,
    // The router's own refusals (an undecodable or over-long address) get the same error body as every other.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(Withheld);
  app.addSchema(ErrorBody);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new HavenError('not-found', 'There is nothing at this address.', { status: 404 }),
      request,
      reply,
    ),
  );

  // Routes added by plugins (the documentation page) are public; Haven's own routes declare their access.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: { kind: 'public' } };
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
  });
  // Ajv coerces an address or query value like "1e999" to Infinity and then skips the number's limits: refuse it
  // here, after validation, so no route hands an infinite number to the database.
  app.addHook('preHandler', async (request) => {
    for (const part of [request.params, request.query] as unknown[]) {
      if (!part || typeof part !== 'object') continue;
      if (Object.values(part).some((v) => typeof v === 'number' && !Number.isFinite(v))) {
        throw new HavenError('invalid-request', 'A number in the address is out of range.');
      }
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    // The concern channel leaves no line at all: even its time could point to a sender (GOV-4).
    if (request.routeOptions.config?.access?.kind === 'anonymous') return;
    // Route pattern, not the URL: query strings and ids typed by people stay out of the log.
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  const security = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(security);
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) =>
      new HavenError('rate-limited', 'Too many requests. Slow down and try again shortly.', {
        status: 429,
        retryAfter: Math.ceil(context.ttl / 1000),
      }),
  });
  await app.register(cookie);
  registerAccessControl(app, haven);
  registerTextGuard(app);

  await app.register(swagger, {
    openapi: openApiInfo(config.origin),
    // Routes that need no session (the checkpoint, the public record, the concern form) say so in the document.
    transform: ({ schema, url, route }) => {
      const kind = (route.config as { access?: { kind?: string } } | undefined)?.access?.kind;
      if (kind === 'public' || kind === 'anonymous')
        return { schema: { ...schema, security: [] } as typeof schema, url };
      // The person portal has its own cookie: a staff session does not open it, nor the other way round.
      if (kind === 'person')
        return { schema: { ...schema, security: [{ personSession: [], csrf: [] }] } as typeof schema, url };
      // Partners' machine clients: a bearer token from /oauth/token, no cookie.
      if (kind === 'partner')
        return { schema: { ...schema, security: [{ partnerToken: [] }] } as typeof schema, url };
      return { schema, url };
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });
  app.get('/api/openapi.json', { config: { access: { kind: 'public' } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  healthRoutes(app, haven);
  setupRoutes(app, haven);
  authRoutes(app, haven);
  accountRoutes(app, haven);
  adminRoutes(app, haven);
  ledgerRoutes(app, haven);
  personRoutes(app, haven);
  personRecordRoutes(app, haven);
  rightsRoutes(app, haven);
  restrictionRoutes(app, haven);
  legalHoldRoutes(app, haven);
  reviewRoutes(app, haven);
  incidentRoutes(app, haven);
  incidentAffectedRoutes(app, haven);

  retentionRoutes(app, haven);
  monitoringRoutes(app, haven);

  accessAnswerRoutes(app, haven);
  portalRoutes(app, haven);

  governanceRoutes(app, haven);
  dpiaRoutes(app, haven);
  policyRoutes(app, haven);
  processorRoutes(app, haven);
  concernRoutes(app, haven);
  oversightRoutes(app, haven);
  transparencyRoutes(app, haven);
  noticeRoutes(app, haven);
  partnerRoutes(app, haven);
  agreementRoutes(app, haven);
  pushRoutes(app, haven);
  releaseRoutes(app, haven);
  verificationRoutes(app, haven);
  oauthRoutes(app, haven);
  webAppRoutes(app, haven);
  return app;
}
