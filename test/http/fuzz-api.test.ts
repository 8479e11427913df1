import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/domain/roles.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import {
  caseSeed,
  describeBody,
  type FuzzBody,
  fuzzSettings,
  type Hints,
  hostile,
  type JsonSchema,
  MARKER_SLOT,
  pathValue,
  serialize,
} from '../support/fuzz.ts';
import { changedTables, fingerprinter, textDump } from '../support/fuzz-world.ts';
import { actor, CONSENT, register, signedInWithPasskey } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { dictionary, KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, type StaffMember, signedIn } from '../support/staff.ts';

/**
 * Every write operation of the OpenAPI document, for every role and for a caller who is not signed in, is sent
 * generated hostile bodies (test/support/fuzz.ts). Whatever is sent: never a 5xx; every refusal has the stable
 * error shape; a refused request changes no table (beyond the audit trail and the throttles, see fuzz-world.ts);
 * and no value a refused request carried can be found in the databases or the logs afterwards.
 *
 * HAVEN_FUZZ_RUNS (default 5) bodies per operation and role that may reach it (one for a role the route refuses
 * up front); HAVEN_FUZZ_RUNS=2000 is the long mode for the benchmark machine. HAVEN_FUZZ_SEED reproduces a run.
 */

const { runs: RUNS, seed: SEED } = fuzzSettings(5);
const ERROR_CODE = /^[a-z][a-z0-9-]+$/;
const CALLERS = [...ROLES, 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];
/** Roles whose sessions need a passkey (tier 3–4 data, assurance 3), as in test/support/gate.ts. */
const PASSKEY_ROLES: readonly Role[] = ['caseworker', 'supervisor'];

interface Operation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: JsonSchema;
  pathParams: string[];
  purposeHeader: boolean;
}

interface Finding {
  operation: string;
  caller: Caller;
  status: number;
  detail: string;
  /** The address and purpose header sent, shortened. */
  sent: string;
  body: string;
}

function writeOperations(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as {
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        parameters?: { in: string; name: string }[];
      };
      out.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        body: op.requestBody?.content?.['application/json']?.schema,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        purposeHeader: (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'x-haven-purpose'),
      });
    }
  }
  // Erasure and sign-out end what the other operations work on: last.
  const last = (o: Operation) => (o.method === 'DELETE' && o.path === '/api/persons/{id}' ? 2 : 0);
  return out.sort((a, b) => last(a) - last(b));
}

/** Known-good bodies: mutations of these get past validation into the gate, the identity code and the ledger. */
const EXAMPLES: Record<string, unknown[]> = {
  'POST /api/persons': KNOWN_PEOPLE.map((values) => ({ values, basis: CONSENT })),
  'POST /api/persons/search': [{ name: 'Mohammed Al-Halabi' }, { name: 'محمد', similar: true }],
  'PATCH /api/persons/{id}': [{ values: { languages: ['ara'] } }],
  'POST /api/persons/{id}/consents': [{ purpose: 'registration', basis: CONSENT }],
  'POST /api/persons/{id}/corrections': [{ changes: { 'given-name-latin': 'Muhammad' }, reason: 'spelling' }],
  'POST /api/persons/{id}/break-glass': [
    { justification: `Unconscious at the clinic ${MARKER_SLOT}`, minutes: 30 },
  ],
  'POST /api/admin/accounts': [
    { email: `${MARKER_SLOT}@example.org`, role: 'clerk', tier: 1, password: 'a long pass phrase 42' },
  ],
  'POST /api/ledger/witnesses': [
    { name: `witness ${MARKER_SLOT}`, verifierKey: 'witness+abcdef01+AQIDBAUGBwgJ' },
  ],
};

interface Actor {
  role: Role;
  staff: StaffMember;
  client: Client;
  reauthenticatedAt: number;
}

for (const kind of testDatabaseKinds()) {
  describe(`fuzzing every write operation (${kind})`, () => {
    let t: TestHaven;
    const org = 'fuzz-org';
    const fiveXX: Finding[] = [];
    const badShape: Finding[] = [];
    const wrote: Finding[] = [];
    const refusedMarkers = new Map<string, Finding>();
    const counts = { operations: 0, pairs: 0, requests: 0, refusals: 0, accepted: 0, refreshed: 0 };
    const codes = new Map<string, number>();
    let excluded: string[] = [];
    let started = 0;

    async function freshActor(role: Role): Promise<Actor> {
      // A refreshed actor signs in again from the same address: forget earlier failures (this is not a throttle test).
      await t.database.db.query('delete from sign_in_throttle');
      const staff = await createStaff(t, { role, org, tier: role === 'clerk' ? 2 : 4 });
      const client = PASSKEY_ROLES.includes(role)
        ? await signedInWithPasskey(t, staff)
        : await signedIn(t, staff);
      await reauthenticate(t, client, staff);
      return { role, staff, client, reauthenticatedAt: Date.now() };
    }

    /** Replaces an actor whose session a fuzzed request ended, downgraded or locked. */
    async function healthy(actor: Actor): Promise<Actor> {
      const session = await actor.client.get<{ signedIn: boolean; assurance?: number }>('/api/auth/session');
      const wanted = PASSKEY_ROLES.includes(actor.role) ? 3 : 2;
      if (session.body.signedIn && (session.body.assurance ?? 0) >= wanted) {
        if (Date.now() - actor.reauthenticatedAt < 3 * 60_000) return actor;
        await reauthenticate(t, actor.client, actor.staff);
        return { ...actor, reauthenticatedAt: Date.now() };
      }
      counts.refreshed++;
      return freshActor(actor.role);
    }

    before(
      async () => {
        started = performance.now();
        t = await startTestHaven(kind, {
          HAVEN_RATE_LIMIT_PER_MINUTE: '1000000',
          HAVEN_ADDRESS_FAILURE_LIMIT: '10000',
          HAVEN_LOCKOUT_THRESHOLD: '100',
        });
        const actors = new Map<Caller, Actor | undefined>();
        for (const role of ROLES) actors.set(role, await freshActor(role));
        actors.set('anonymous', undefined);
        const clerk = actors.get('clerk')!;
        const caseworker = actors.get('caseworker')!;
        const supervisor = actors.get('supervisor')!;
        const as = (_a: Actor, purpose: string) => ({ 'x-haven-purpose': purpose });

        // Things for path parameters to name: a person in the caseworker's caseload, a correction, a grant.
        const personId = await register(actor(clerk.staff, clerk.client));
        await supervisor.client.request(
          'PUT',
          `/api/persons/${personId}/caseload/${caseworker.staff.id}`,
          {},
          {
            headers: as(supervisor, 'protection-case-management'),
          },
        );
        const correction = await caseworker.client.request<{ id?: string }>(
          'POST',
          `/api/persons/${personId}/corrections`,
          { changes: { 'given-name-latin': 'Muhammad' }, reason: 'spelling' },
          { headers: as(caseworker, 'protection-case-management') },
        );
        const grant = await caseworker.client.request<{ id?: string }>(
          'POST',
          `/api/persons/${personId}/break-glass`,
          { justification: 'Unconscious at the clinic, needs next of kin', minutes: 30 },
          { headers: as(caseworker, 'protection-case-management') },
        );
        const target = await createStaff(t, { role: 'clerk', org });
        const policies = await actors.get('dpo')!.client.get<{ active?: number }>('/api/policies');
        const realParams: Record<string, string | undefined> = {
          '/api/persons/{id}': personId,
          '/api/corrections/{id}': correction.body.id,
          '/api/break-glass/{id}': grant.body.id,
          '/api/admin/accounts/{id}': target.id,
          '/api/purposes/{name}': 'resettlement-referral',
          '/api/policies/{version}':
            policies.body.active === undefined ? undefined : String(policies.body.active),
          accountId: caseworker.staff.id,
        };
        const paramFor = (path: string, name: string) =>
          name === 'accountId'
            ? realParams.accountId
            : realParams[path.slice(0, path.indexOf(`{${name}}`) + name.length + 2)];

        const docReply = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
        const doc = JSON.parse(docReply.body) as {
          paths: Record<string, Record<string, unknown>>;
          components?: { schemas?: Record<string, JsonSchema> };
        };
        const purposes = dictionary.purposes.map((p) => p.name);
        const hints: Hints = {
          refs: doc.components?.schemas ?? {},
          keys: dictionary.fields.map((f) => f.name),
          strings: [
            ...purposes,
            ...dictionary.groups.map((g) => g.name),
            ...ROLES,
            '2026-11',
            'ar',
            'fa-AF',
            '1987-03-14',
            '1990',
            'SYR',
            'AFG',
            '+963 944 123 457',
            personId,
            caseworker.staff.id,
            target.id,
          ],
        };
        const purposeHeader = fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('registration', 'protection-case-management') },
          { weight: 2, arbitrary: fc.constantFrom(...purposes) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '',
              ' ',
              'REGISTRATION',
              'unknown-purpose',
              MARKER_SLOT,
              'a'.repeat(8000),
            ),
          },
        );

        const print = await fingerprinter({ main: t.database.db, vault: t.vaultDatabase.db });
        excluded = print.excluded;
        let before = await print.take();
        let sequence = 0;
        const operations = writeOperations(doc);
        counts.operations = operations.length;

        for (const op of operations) {
          const name = `${op.method} ${op.path}`;
          const inputs = fc.record({
            body: hostile(op.body, hints, EXAMPLES[name] ?? []),
            params: fc.tuple(...op.pathParams.map((p) => pathValue(paramFor(op.path, p)))),
            purpose: op.purposeHeader ? purposeHeader : fc.constant(undefined),
          });
          for (const caller of CALLERS) {
            counts.pairs++;
            const samples = fc.sample(inputs, { seed: caseSeed(SEED, `${name} ${caller}`), numRuns: RUNS });
            for (const [index, input] of samples.entries()) {
              let current = actors.get(caller);
              if (current) {
                current = await healthy(current);
                actors.set(caller, current);
              }
              const client = current?.client ?? new Client(t.app);
              const marker = `qz${(++sequence).toString(36).padStart(8, '0')}`;
              let url = op.path;
              op.pathParams.forEach((p, i) => {
                url = url.replace(`{${p}}`, input.params[i]!);
              });
              const { payload, contentType } = serialize(input.body as FuzzBody, marker);
              const headers: Record<string, string> = {};
              if (contentType) headers['content-type'] = contentType;
              if (input.purpose !== undefined)
                headers['x-haven-purpose'] = input.purpose.replaceAll(MARKER_SLOT, marker);
              const reply = await client.request(op.method, url, payload, { headers });
              counts.requests++;
              const finding = (detail: string): Finding => ({
                operation: name,
                caller,
                status: reply.status,
                detail,
                sent: `${url.slice(0, 120)}${input.purpose === undefined ? '' : ` purpose ${JSON.stringify(input.purpose.slice(0, 40))}`}`,
                body: describeBody(input.body as FuzzBody),
              });

              const after = await print.take();
              if (reply.status >= 500) fiveXX.push(finding(reply.text.slice(0, 300)));
              else if (reply.status >= 400) {
                counts.refusals++;
                const error = reply.body as { code?: unknown; message?: unknown; requestId?: unknown };
                codes.set(
                  `${reply.status} ${String(error.code)}`,
                  (codes.get(`${reply.status} ${String(error.code)}`) ?? 0) + 1,
                );
                const problems = [
                  typeof error.code === 'string' && ERROR_CODE.test(error.code) ? '' : 'code',
                  typeof error.message === 'string' && error.message.length > 0 ? '' : 'message',
                  typeof error.requestId === 'string' ? '' : 'requestId',
                  /stack|\bat .+:\d+:\d+/.test(reply.text) ? 'stack trace' : '',
                  reply.text.includes(marker) ? 'echoes a submitted value' : '',
                  String(reply.headers['content-type']).startsWith('application/json') ? '' : 'not JSON',
                ].filter(Boolean);
                if (problems.length)
                  badShape.push(finding(`${problems.join(', ')}: ${reply.text.slice(0, 200)}`));
                const changed = changedTables(before, after);
                if (changed.length)
                  wrote.push(finding(`changed ${changed.join(', ')} (${String(error.code)})`));
                refusedMarkers.set(marker, finding(String(error.code)));
                // A role the route refuses up front never reads the body: one request shows it.
                if (error.code === 'forbidden' && index === 0) break;
                if (error.code === 'not-signed-in' && caller === 'anonymous' && index === 0) break;
              } else counts.accepted++;
              before = after;
              if (
                caller !== 'anonymous' &&
                (op.path.startsWith('/api/auth/') || op.path.startsWith('/api/account/'))
              ) {
                actors.set(caller, await healthy(actors.get(caller)!));
                before = await print.take();
              }
            }
          }
        }
      },
      { timeout: 30 * 60_000 },
    );
    after(() => t?.close());

    test('the counts', (c) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      c.diagnostic(
        `seed ${SEED}, ${RUNS} runs: ${counts.operations} write operations, ${counts.pairs} operation×caller pairs, ` +
          `${counts.requests} requests, ${counts.refusals} refusals, ${counts.accepted} accepted, ` +
          `${counts.refreshed} sessions replaced, ${seconds} s`,
      );
      c.diagnostic(
        `refusals by code: ${[...codes]
          .sort()
          .map(([k, n]) => `${k}×${n}`)
          .join(', ')}`,
      );
      c.diagnostic(`tables left out of the write check: ${excluded.join(', ')}`);
      assert.ok(counts.requests >= counts.operations * CALLERS.length);
      assert.ok(counts.refusals > 0 && counts.accepted > 0, 'the fuzzer reached both refusals and successes');
    });

    test('no request is answered with a server error', () => {
      assert.deepEqual(fiveXX, []);
    });

    test('every refusal has a stable code, a message and a request id, and no stack or submitted value', () => {
      assert.deepEqual(badShape, []);
    });

    test('a refused request writes nothing', () => {
      assert.deepEqual(wrote, []);
    });

    test('nothing a refused request carried is in the databases or the logs', async () => {
      const places = {
        database: await textDump([t.database.db]),
        'key vault': await textDump([t.vaultDatabase.db]),
        logs: t.logs.text(),
      };
      const found = Object.entries(places).flatMap(([where, text]) =>
        [...new Set(text.toLowerCase().match(/qz[0-9a-z]{8}/g) ?? [])]
          .filter((m) => refusedMarkers.has(m))
          .map((m) => ({ where, ...refusedMarkers.get(m)! })),
      );
      assert.ok(refusedMarkers.size > 0);
      assert.deepEqual(found, []);
    });
  });
}
