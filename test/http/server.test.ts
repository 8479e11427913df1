import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../support/client.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, GOOD_PASSWORD } from '../support/staff.ts';

/** The HTTP surface: headers, error shape, limits and the OpenAPI description. Database-independent. */
describe('HTTP server', () => {
  let t: TestHaven;
  before(async () => {
    t = await startTestHaven('pglite', { HAVEN_BODY_LIMIT_BYTES: '2048' });
  });
  after(() => t.close());

  test('/healthz and /readyz answer 200 when the database is migrated', async () => {
    const client = new Client(t.app);
    assert.deepEqual((await client.get('/healthz')).body, { status: 'ok' });
    const ready = await client.get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', database: 'ok' });
  });

  test('responses carry strict security headers and a request id', async () => {
    const reply = await new Client(t.app).get('/healthz');
    const csp = String(reply.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.headers['x-frame-options'], 'DENY');
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
    assert.match(String(reply.headers['x-request-id']), /^[A-Za-z0-9_-]{8,}$/);
  });

  test('a well-formed incoming request id is kept; a malformed one is replaced', async () => {
    const client = new Client(t.app);
    const kept = await client.get('/healthz', { headers: { 'x-request-id': 'proxy-1234567890' } });
    assert.equal(kept.headers['x-request-id'], 'proxy-1234567890');
    const replaced = await client.get('/healthz', { headers: { 'x-request-id': '<script>' } });
    assert.notEqual(replaced.headers['x-request-id'], '<script>');
  });

  test('every error has the same shape and never echoes what was sent', async () => {
    const client = new Client(t.app);
    const secretish = 'Amina Yusuf Hassan';
    const cases = [
      await client.get('/api/no-such-route'),
      await client.request('POST', '/api/auth/sign-in', undefined, {
        headers: { 'content-type': 'application/json' },
      }),
      await client.post('/api/auth/sign-in', { email: secretish, password: secretish, extra: secretish }),
      await client.post('/api/auth/sign-in', { email: 'x@y.org' }),
    ];
    for (const reply of cases) {
      assert.ok(reply.status >= 400, reply.text);
      assert.equal(typeof reply.body.code, 'string');
      assert.equal(typeof reply.body.message, 'string');
      assert.equal(typeof reply.body.requestId, 'string');
      assert.ok(!reply.text.includes(secretish), `the body must not echo input: ${reply.text}`);
      assert.ok(!reply.text.includes('    at '), 'no stack trace');
    }
    assert.equal(cases[0]!.status, 404);
    assert.equal(cases[0]!.body.code, 'not-found');
    assert.equal(cases[2]!.body.code, 'invalid-request');
    assert.deepEqual(
      (cases[3]!.body.fields as { path: string }[]).map((f) => f.path),
      ['body/password'],
    );
  });

  test('malformed JSON and unsupported media types get clear codes', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'invalid-json');
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a&password=b',
    });
    assert.equal(form.statusCode, 415);
    assert.equal(form.json().code, 'unsupported-media-type');
  });

  test('bodies over the configured limit are refused with 413', async () => {
    const reply = await new Client(t.app).post('/api/auth/sign-in', {
      email: 'a@b.org',
      password: 'x'.repeat(5000),
    });
    assert.equal(reply.status, 413);
    assert.equal(reply.body.code, 'body-too-large');
  });

  test('the OpenAPI 3 document describes the routes from their validation schemas', async () => {
    const reply = await new Client(t.app).get<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>('/api/openapi.json');
    assert.equal(reply.status, 200);
    assert.match(reply.body.openapi, /^3\./);
    for (const path of [
      '/healthz',
      '/readyz',
      '/api/auth/sign-in',
      '/api/auth/second-factor',
      '/api/admin/accounts',
    ]) {
      assert.ok(reply.body.paths[path], `${path} is documented`);
    }
    const signIn = JSON.stringify(reply.body.paths['/api/auth/sign-in']!.post!.requestBody);
    assert.match(signIn, /"password"/);
    assert.match(signIn, /"additionalProperties":false/);
    const docs = await new Client(t.app).get('/api/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger/i);
  });

  test('every /api route except the public ones refuses a caller without a session', async () => {
    const document = (
      await new Client(t.app).get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json')
    ).body;
    const publicRoutes = new Set([
      'GET /api/setup',
      'POST /api/setup',
      'POST /api/auth/sign-in',
      'GET /api/auth/session',
      'GET /api/ledger/checkpoint',
      'GET /api/ledger/key',
      // GOV-1: the record of processing is published without sign-in.
      'GET /api/public/organisations',
      'GET /api/public/record-of-processing/{organisation}',
      'GET /api/public/record-of-processing/{organisation}/versions',
      'GET /api/public/record-of-processing/{organisation}/versions/{version}',
      // GOV-4: anyone raises a concern, and nobody needs to say who they are.
      'GET /api/public/concerns/challenge',
      'POST /api/public/concerns',
      'POST /api/public/concerns/follow-up',
      'POST /api/public/concerns/reply',
      // The person portal's sign-in: card code and PIN (issue 16).
      'POST /api/me/sign-in',
      // Haven's public key that signs releases, for partners to verify them (SHA-2).
      'GET /api/partner/keys',
    ]);
    let checked = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const method of Object.keys(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        const documentedOpen =
          ((methods[method] as { security?: unknown[] }).security ?? ['session']).length === 0;
        // The document says which routes need no session, and only those (the public record, the concern API…).
        assert.equal(documentedOpen, publicRoutes.has(key), key);
        if (publicRoutes.has(key)) continue;
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const reply = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          payload: method === 'get' ? undefined : {},
        });
        assert.equal(reply.statusCode, 401, `${key} must need a session`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `checked ${checked} routes`);
  });

  test('the API rate limit answers 429 in the standard error shape', async () => {
    const limited = await startTestHaven('pglite', { HAVEN_SIGN_IN_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const staff = await createStaff(limited);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (
            await new Client(limited.app).post('/api/auth/sign-in', {
              email: staff.email,
              password: GOOD_PASSWORD,
            })
          ).status,
        );
      }
      assert.deepEqual(codes, [200, 200, 429]);
      const reply = await new Client(limited.app).post('/api/auth/sign-in', {
        email: staff.email,
        password: GOOD_PASSWORD,
      });
      assert.equal(reply.body.code, 'rate-limited');
      assert.ok(reply.headers['retry-after']);
    } finally {
      await limited.close();
    }
  });
});
