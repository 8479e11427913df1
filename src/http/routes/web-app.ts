/**
 * The staff web app (web/), built by Vite into dist/web and served by Haven itself: no second server to run.
 * Files are read once at start; hashed assets are cached for a year, the page itself never.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import type { Haven } from '../../haven.ts';
import type { HttpApp } from '../http-app.ts';

export const WEB_APP_DIR = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/** The app's own paths; each answers with the page and the app then shows the right view. */
const APP_PATHS = [
  '/',
  '/setup',
  '/register',
  '/search',
  '/persons/:id',
  '/corrections',
  '/rights',
  '/rights/:id',
  '/retention',
  '/alerts',

  '/reviews',
  '/incidents',
  '/incidents/:id',
  '/incidents/:id/letters',

  '/account',
  '/admin/accounts',
  '/admin/purposes',
  '/admin/ledger',
  '/admin/break-glass',
  '/admin/organisation',
  '/governance',
  '/governance/dpias',
  '/governance/dpias/:id',
  '/governance/policies',
  '/governance/processors',
  '/governance/concerns',
  '/governance/concerns/:id',
  '/rights/:id/answer',
  '/sharing/partners',
  '/sharing/partners/:id',
  '/sharing/agreements',
  '/sharing/agreements/:id',
  '/transparency',
];

/**
 * Pages that must not learn who opens them: the concern form (GOV-4) is served like the concern API, with no
 * cookie read, no address kept for rate limiting and no request log line.
 */
const ANONYMOUS_PATHS = ['/concern'];

/** The person portal (issue 16 item 4): a page of its own (web/me.html), its views shown within it. */
const PORTAL_PATHS = ['/me'];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Haven</title></head>
<body><main><h1>Haven</h1><p>The staff web app is not built. Run <code>npm run build:web</code> (npm start does this
for you), then reload this page. The API is running: see <a href="/api/docs">/api/docs</a>.</p></main></body></html>`;

export function webAppRoutes(app: HttpApp, _haven: Haven, dir = WEB_APP_DIR): void {
  const indexFile = path.join(dir, 'index.html');
  const page = existsSync(indexFile) ? readFileSync(indexFile) : Buffer.from(NOT_BUILT);
  const portalFile = path.join(dir, 'me.html');
  const portalPage = existsSync(portalFile) ? readFileSync(portalFile) : Buffer.from(NOT_BUILT);
  const publicAccess = { access: { kind: 'public' } } as const;
  const anonymousAccess = { access: { kind: 'anonymous' }, rateLimit: false } as const;

  const sendPage = async (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  for (const url of APP_PATHS) app.get(url, { config: publicAccess, schema: { hide: true } }, sendPage);
  for (const url of ANONYMOUS_PATHS)
    app.get(url, { config: anonymousAccess, schema: { hide: true } }, sendPage);
  for (const url of PORTAL_PATHS)
    app.get(url, { config: publicAccess, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(portalPage),
    );

  const assetsDir = path.join(dir, 'assets');
  // Brotli and gzip copies come from the build (web/vite.config.ts); compressed here only when missing. On a weak
  // link the first page must stay well under 300 kB of JavaScript on the wire.
  const assets = new Map<string, { raw: Buffer; br: Buffer; gzip: Buffer }>();
  if (existsSync(assetsDir)) {
    const read = (name: string) => readFileSync(path.join(assetsDir, name));
    const files = new Set(readdirSync(assetsDir));
    for (const name of files) {
      if (name.endsWith('.br') || name.endsWith('.gz')) continue;
      const raw = read(name);
      assets.set(name, {
        raw,
        br: files.has(`${name}.br`) ? read(`${name}.br`) : brotliCompressSync(raw),
        gzip: files.has(`${name}.gz`) ? read(`${name}.gz`) : gzipSync(raw, { level: 9 }),
      });
    }
  }
  // Scripts and styles need no session either, and the concern page loads them: served anonymously too.
  app.get('/assets/:name', { config: anonymousAccess, schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const asset = assets.get(name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    reply
      .type(TYPES[path.extname(name)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding');
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(encoding ? asset[encoding] : asset.raw);
  });
}
