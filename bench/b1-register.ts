import Fastify from 'fastify';
import { openPostgres } from '../src/store/postgres.ts';
import { generateDemoPlan } from '../src/workflows/demo/people.ts';
import { type Figure, round } from './harness.ts';
import { benchConsent, startBenchServer } from './haven-server.ts';
import { load } from './load.ts';

/**
 * B1: registrations over HTTP with everything on — session, purpose, validation against the dictionary, consent
 * recorded with its notice, policy per field group, a data key per person in the key vault, field-group
 * encryption, blind-index tokens, ledger events in the same transaction (and the sequencer running) — by 32
 * concurrent clients against a PostgreSQL server.
 *
 * Baseline, same run, same machine, same server and database, same framework, same clients and request bodies:
 * a bare Fastify route that inserts the request body (the same values and consent, as plaintext JSON) into one
 * table with one INSERT, committed like Haven's transaction, with no validation, policy, keys, tokens or ledger.
 */
export async function benchRegister(options: {
  people: number;
  seconds: number;
  connections: number;
}): Promise<Figure[]> {
  const server = await startBenchServer();
  try {
    const consent = benchConsent(server.haven);
    // Realistic people from the demo generator: names in several scripts, households, documents, phones.
    const bodies = generateDemoPlan(options.people, 2026).people.map((p) =>
      JSON.stringify({
        values: { ...p.values, ...(p.otherRelatives.length ? { 'family-links': p.otherRelatives } : {}) },
        basis:
          p.registration.method === 'guardian'
            ? { ...consent, method: 'guardian', guardianRelationship: 'parent' }
            : consent,
      }),
    );
    const url = server.databases[0]!.url!;
    const plainDb = await openPostgres({ url, maxConnections: 32 });
    await plainDb.exec(
      'create table bench_plain_registration (id uuid primary key default gen_random_uuid(), body jsonb not null, created_at timestamptz not null default now())',
    );
    const plain = Fastify({ bodyLimit: 1_048_576 });
    plain.post('/plain/persons', async (request, reply) => {
      const { rows } = await plainDb.query<{ id: string }>(
        'insert into bench_plain_registration (body) values ($1) returning id',
        [request.body as Record<string, unknown>],
      );
      return reply.code(201).send({ id: rows[0]!.id });
    });
    await plain.listen({ host: '127.0.0.1', port: 0 });
    const plainUrl = `http://127.0.0.1:${(plain.server.address() as { port: number }).port}`;
    const json = { 'content-type': 'application/json' };

    const before = await server.databases[0]!.db.query<{ n: number }>(
      'select count(*)::int as n from person',
    );
    const haven = await load({
      url: server.url,
      connections: options.connections,
      seconds: options.seconds,
      method: 'POST',
      headers: { ...server.headers, ...json, 'x-haven-purpose': 'registration' },
      paths: ['/api/persons'],
      bodies,
    });
    const after = await server.databases[0]!.db.query<{ n: number }>('select count(*)::int as n from person');
    const baseline = await load({
      url: plainUrl,
      connections: options.connections,
      seconds: options.seconds,
      method: 'POST',
      headers: json,
      paths: ['/plain/persons'],
      bodies,
    });
    await plain.close();
    const inserted = await plainDb.query<{ n: number }>(
      'select count(*)::int as n from bench_plain_registration',
    );
    await plainDb.close();
    // Throughput is what was stored, counted in the database, for both.
    const registered = after.rows[0]!.n - before.rows[0]!.n;
    const rate = registered / options.seconds;
    const baselineRate = inserted.rows[0]!.n / options.seconds;
    const ratio = rate / baselineRate;
    return [
      {
        id: 'B1',
        figure: 'registrations over HTTP with everything on',
        value: Math.round(rate),
        unit: 'registrations/s',
        baseline: {
          value: Math.round(baselineRate),
          unit: 'inserts/s',
          what: 'plain INSERT of the same request bodies (plaintext JSON) from a bare Fastify route',
        },
        ratio: round(ratio),
        ratioMeaning: 'Haven / baseline throughput',
        goal: '≥ 1,000 registrations/s, p95 ≤ 50 ms, ratio ≥ 0.6',
        met: rate >= 1000 && haven.p95 <= 50 && ratio >= 0.6,
        dataSize: `${bodies.length} distinct synthetic people (demo generator), ${registered} registered`,
        concurrency: `${options.connections} connections, ${options.seconds} s`,
        database: 'PostgreSQL server (localhost); key vault in a second database',
        notes:
          `Haven p50 ${round(haven.p50)} ms, p95 ${round(haven.p95)} ms, p99 ${round(haven.p99)} ms, ` +
          `non-2xx ${haven.non2xx}, errors ${haven.errors}; baseline p50 ${round(baseline.p50)} ms, ` +
          `p95 ${round(baseline.p95)} ms, non-2xx ${baseline.non2xx}`,
      },
    ];
  } finally {
    await server.close();
  }
}
