import Fastify from 'fastify';
import { openPostgres } from '../src/store/postgres.ts';
import { TWENTY_FIELDS } from './b5-encryption.ts';
import type { Figure } from './harness.ts';
import { benchConsent, startBenchServer } from './haven-server.ts';
import { load } from './load.ts';

/**
 * B2: a protected read of one person (5 field groups) over HTTP — session, purpose, policy per group, key vault,
 * decryption, ledger events — against a plaintext read of the same row over HTTP from the same framework and
 * database, with the same concurrent clients, in the same run.
 */
export async function benchRead(options: {
  people: number;
  seconds: number;
  connections: number;
}): Promise<Figure[]> {
  const server = await startBenchServer();
  const ids: string[] = [];
  try {
    for (let i = 0; i < options.people; i++) {
      const values = {
        ...TWENTY_FIELDS,
        'given-name-latin': `Mohammed${i}`,
        'case-number': `SYR-24-${String(i).padStart(7, '0')}`,
      };
      const registered = await server.haven.gate.registerPerson(
        {
          actor: { kind: 'importer', organisationId: server.organisationId, importId: 'bench' },
          purpose: 'registration',
        },
        { values, basis: benchConsent(server.haven) },
      );
      ids.push(registered.id);
    }
    // The baseline: the same values in plaintext, one row per person, read by a bare Fastify route.
    const url = server.databases[0]!.url!;
    const plainDb = await openPostgres({ url, maxConnections: 32 });
    await plainDb.exec('create table bench_plain_person (id uuid primary key, data jsonb not null)');
    const read = await fetch(`${server.url}/api/persons/${ids[0]}`, {
      headers: { ...server.headers, 'x-haven-purpose': 'registration' },
    });
    const sample = (await read.json()) as { data: Record<string, unknown> };
    if (Object.keys(sample.data).length !== 5)
      throw new Error(`expected 5 field groups, got ${Object.keys(sample.data).join()}`);
    await plainDb.query('insert into bench_plain_person (id, data) select unnest($1::uuid[]), $2::jsonb', [
      ids,
      sample.data,
    ]);
    const plain = Fastify();
    plain.get('/plain/:id', async (request) => {
      const { rows } = await plainDb.query<{ id: string; data: unknown }>(
        'select id, data from bench_plain_person where id = $1',
        [(request.params as { id: string }).id],
      );
      return { id: rows[0]?.id, data: rows[0]?.data };
    });
    await plain.listen({ host: '127.0.0.1', port: 0 });
    const plainUrl = `http://127.0.0.1:${(plain.server.address() as { port: number }).port}`;

    const haven = await load({
      url: server.url,
      connections: options.connections,
      seconds: options.seconds,
      method: 'GET',
      headers: { ...server.headers, 'x-haven-purpose': 'registration' },
      paths: ids.map((id) => `/api/persons/${id}`),
    });
    const baseline = await load({
      url: plainUrl,
      connections: options.connections,
      seconds: options.seconds,
      method: 'GET',
      headers: {},
      paths: ids.map((id) => `/plain/${id}`),
    });
    await plain.close();
    await plainDb.close();
    const ratio = haven.requestsPerSecond / baseline.requestsPerSecond;
    return [
      {
        id: 'B2',
        figure: 'protected read of one person (5 field groups) over HTTP',
        value: Math.round(haven.requestsPerSecond),
        unit: 'reads/s',
        baseline: {
          value: Math.round(baseline.requestsPerSecond),
          unit: 'reads/s',
          what: 'plaintext read of the same row over HTTP',
        },
        ratio: Math.round(ratio * 100) / 100,
        ratioMeaning: 'Haven / baseline throughput',
        goal: '≥ 3,000 reads/s, p95 ≤ 20 ms, ratio ≥ 0.6',
        met: haven.requestsPerSecond >= 3000 && haven.p95 <= 20 && ratio >= 0.6,
        dataSize: `${ids.length} persons`,
        concurrency: `${options.connections} connections, ${options.seconds} s`,
        database: 'PostgreSQL server (localhost)',
        notes: `Haven p50 ${haven.p50} ms, p95 ${haven.p95} ms, p99 ${haven.p99} ms, non-2xx ${haven.non2xx}, errors ${haven.errors}; baseline p50 ${baseline.p50} ms, p95 ${baseline.p95} ms`,
      },
    ];
  } finally {
    await server.close();
  }
}
