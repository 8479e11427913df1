import Fastify from 'fastify';
import type { Database } from '../src/store/database.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { TWENTY_FIELDS } from './b5-encryption.ts';
import { cpuMeter, type Figure, round } from './harness.ts';
import { benchConsent, monitorNotes, startBenchServer } from './haven-server.ts';

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
  kind: 'postgres' | 'pglite';
  /** With the anomaly monitor running (M1). */
  monitor?: boolean;
}): Promise<Figure[]> {
  const server = await startBenchServer({ kind: options.kind, monitor: options.monitor ?? false });
  const ids: string[] = [];
  let plainPool: (Database & { close(): Promise<void> }) | undefined;
  try {
    // Registered through the gate, a few hundred at a time (they share commits).
    for (let start = 0; start < options.people; start += 200) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(200, options.people - start) }, (_, k) => {
          const i = start + k;
          const values = {
            ...TWENTY_FIELDS,
            'given-name-latin': `Mohammed${i}`,
            'case-number': `SYR-24-${String(i).padStart(7, '0')}`,
          };
          return server.haven.gate.registerPerson(
            {
              actor: { kind: 'importer', organisationId: server.organisationId, importId: 'bench' },
              purpose: 'registration',
            },
            { values, basis: benchConsent(server.haven) },
          );
        }),
      );
      ids.push(...batch.map((r) => r.id));
    }
    // The baseline: the same values in plaintext, one row per person, read by a bare Fastify route.
    const url = server.databases[0]!.url;
    if (url) plainPool = await openPostgres({ url, maxConnections: server.config.databaseMaxConnections });
    const plainDb: Database = plainPool ?? server.databases[0]!.db;
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

    const havenCpu = cpuMeter();
    const haven = await load({
      url: server.url,
      connections: options.connections,
      seconds: options.seconds,
      method: 'GET',
      headers: { ...server.headers, 'x-haven-purpose': 'registration' },
      paths: ids.map((id) => `/api/persons/${id}`),
    });
    const havenUse = havenCpu.stop(haven.total);
    const baselineCpu = cpuMeter();
    const baseline = await load({
      url: plainUrl,
      connections: options.connections,
      seconds: options.seconds,
      method: 'GET',
      headers: {},
      paths: ids.map((id) => `/plain/${id}`),
    });
    const baselineUse = baselineCpu.stop(baseline.total);
    await plain.close();
    const ratio = haven.requestsPerSecond / baseline.requestsPerSecond;
    const monitorNote = options.monitor ? await monitorNotes(server.haven) : '';
    return [
      {
        id: 'B2',
        figure: `protected read of one person (5 field groups) over HTTP (${options.kind})`,
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
        concurrency: `${options.connections} connections, ${options.seconds} s; pool ${server.config.databaseMaxConnections} per database`,
        database:
          options.kind === 'postgres'
            ? 'PostgreSQL server (localhost)'
            : 'PGlite (embedded, data folder on disk)',
        notes:
          `Haven p50 ${round(haven.p50)} ms, p95 ${round(haven.p95)} ms, p99 ${round(haven.p99)} ms, non-2xx ${haven.non2xx}, errors ${haven.errors}; ` +
          `CPU per read: Node ${round(havenUse.nodeMs, 3)} ms, PostgreSQL ${round(havenUse.postgresMs, 3)} ms. ` +
          `Baseline p50 ${round(baseline.p50)} ms, p95 ${round(baseline.p95)} ms; CPU per read: Node ${round(baselineUse.nodeMs, 3)} ms, PostgreSQL ${round(baselineUse.postgresMs, 3)} ms${monitorNote}`,
      },
    ];
  } finally {
    await plainPool?.close();
    await server.close();
  }
}
