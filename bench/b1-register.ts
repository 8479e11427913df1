import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { Dictionary } from '../src/domain/dictionary/index.ts';
import type { Database } from '../src/store/database.ts';
import { GroupCommit, retryEach } from '../src/store/group-commit.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { WriteStatement } from '../src/store/write-statement.ts';
import { generateDemoPlan } from '../src/workflows/demo/people.ts';
import { cpuMeter, type Figure, round } from './harness.ts';
import { benchConsent, monitorNotes, startBenchServer } from './haven-server.ts';

import { type LoadResult, load } from './load.ts';

/**
 * B1: registrations over HTTP with everything on — session, purpose, validation against the dictionary, consent
 * recorded with its notice, policy per field group, a data key per person in the key vault, field-group
 * encryption, blind-index tokens, ledger events in the same commit (and the sequencer running) — by concurrent
 * clients, on the PostgreSQL server or on embedded PGlite.
 *
 * Two baselines, same run, same database, same framework, same clients and request bodies (performance.md):
 * (a) the same rows written the same way — a person row, one row per field group, the consent row; gathered by
 *     the same group commit with the same settings and written by one statement per batch — in plaintext, with
 *     no validation, policy, keys, encryption, tokens or ledger;
 * (b) one plaintext row per registration (the request body as JSON), one INSERT each.
 */
export async function benchRegister(options: {
  people: number;
  seconds: number;
  connections: number;
  kind: 'postgres' | 'pglite';
  /** With the anomaly monitor running (M1). */
  monitor?: boolean;
}): Promise<Figure[]> {
  const server = await startBenchServer({ kind: options.kind, monitor: options.monitor ?? false });
  const { config } = server;
  const db = server.databases[0]!;
  let plainDb: Database = db.db;
  const plains: { close(): Promise<void> }[] = [];
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
    if (db.url) {
      const pool = await openPostgres({ url: db.url, maxConnections: config.databaseMaxConnections });
      plainDb = pool;
      plains.push(pool);
    }
    await plainDb.exec(`
      create table bench_plain_registration (id uuid primary key default gen_random_uuid(), body jsonb not null,
        created_at timestamptz not null default now());
      create table bench_plain_person (id uuid primary key, organisation_id uuid not null,
        created_at timestamptz not null default now());
      create table bench_plain_group (person_id uuid not null references bench_plain_person (id),
        field_group text not null, version integer not null, data jsonb not null, primary key (person_id, field_group));
      create table bench_plain_basis (id uuid primary key, person_id uuid not null references bench_plain_person (id),
        purpose text not null, basis text not null, action text not null, details jsonb,
        recorded_at timestamptz not null default now());`);

    const json = { 'content-type': 'application/json' };
    const run = async (url: string, path: string, headers: Record<string, string>) => {
      const meter = cpuMeter();
      const result = await load({
        url,
        connections: options.connections,
        seconds: options.seconds,
        method: 'POST',
        headers: { ...headers, ...json },
        paths: [path],
        bodies,
      });
      return { result, cpu: meter.stop(result.total) };
    };
    const count = async (table: string) =>
      (await db.db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;

    // Haven.
    const writer = server.registrations;
    const stats0 = { ...writer.stats };
    const persons0 = await count('person');
    const haven = await run(server.url, '/api/persons', {
      ...server.headers,
      'x-haven-purpose': 'registration',
    });
    const registered = (await count('person')) - persons0;
    const batches = writer.stats.batches - stats0.batches;
    const havenBatch = (writer.stats.items - stats0.items) / Math.max(1, batches);

    // Baseline (a): the same rows, the same group commit, plaintext.
    const sameRows = await plainServer(plainDb, server.haven.gate.dictionary, config, server.organisationId);
    plains.push(sameRows);
    const a = await run(sameRows.url, '/plain/persons', {});
    const aCount = await count('bench_plain_person');

    // Baseline (b): one row per registration.
    const oneRow = Fastify({ bodyLimit: 1_048_576 });
    oneRow.post('/plain/persons', async (request, reply) => {
      const { rows } = await plainDb.query<{ id: string }>(
        'insert into bench_plain_registration (body) values ($1) returning id',
        [request.body as Record<string, unknown>],
      );
      return reply.code(201).send({ id: rows[0]!.id });
    });
    await oneRow.listen({ host: '127.0.0.1', port: 0 });
    plains.push(oneRow);
    const b = await run(
      `http://127.0.0.1:${(oneRow.server.address() as { port: number }).port}`,
      '/plain/persons',
      {},
    );
    const bCount = await count('bench_plain_registration');

    // Throughput is what was stored, counted in the database, for all three.
    const rate = registered / options.seconds;
    const aRate = aCount / options.seconds;
    const bRate = bCount / options.seconds;
    const ratioA = rate / aRate;
    const where =
      options.kind === 'postgres'
        ? 'PostgreSQL server (localhost); key vault in a second database'
        : 'PGlite (embedded, data folders on disk); key vault in a second one';
    const latency = (r: LoadResult) =>
      `p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms, p99 ${round(r.p99)} ms`;
    const cpu = (c: { nodeMs: number; postgresMs: number }) =>
      `CPU per request: Node ${round(c.nodeMs, 3)} ms${options.kind === 'postgres' ? `, PostgreSQL ${round(c.postgresMs, 3)} ms` : ' (PGlite runs inside Node)'}`;
    const monitorNote = options.monitor ? await monitorNotes(server.haven) : '';
    return [
      {
        id: 'B1',
        figure: `registrations over HTTP with everything on (${options.kind})`,
        value: Math.round(rate),
        unit: 'registrations/s',
        baseline: {
          value: Math.round(aRate),
          unit: 'registrations/s',
          what: '(a) the same rows written the same way (same group commit), plaintext, no policy, crypto or ledger',
        },
        ratio: round(ratioA),
        ratioMeaning: 'Haven / baseline (a) throughput',
        goal: '≥ 1,000 registrations/s, p95 ≤ 50 ms, ratio ≥ 0.6 against (a)',
        met: rate >= 1000 && haven.result.p95 <= 50 && ratioA >= 0.6,
        dataSize: `${bodies.length} distinct synthetic people (demo generator), ${registered} registered`,
        concurrency: `${options.connections} connections, ${options.seconds} s; pool ${config.databaseMaxConnections} per database; batches of up to ${config.writeBatchMax} (average ${round(havenBatch, 1)}), wait ${config.writeBatchWaitMs} ms, ${config.writeBatchConcurrency} in flight`,
        database: where,
        notes:
          `Haven ${latency(haven.result)}, non-2xx ${haven.result.non2xx}, errors ${haven.result.errors}; ${cpu(haven.cpu)}. ` +
          `Baseline (a) ${Math.round(aRate)}/s, ${latency(a.result)}; ${cpu(a.cpu)}. ` +
          `Baseline (b) one plaintext row per registration: ${Math.round(bRate)}/s, ratio ${round(rate / bRate)}, ${latency(b.result)}; ${cpu(b.cpu)}.${monitorNote}`,
      },
      {
        id: 'B1',
        figure: `registrations against baseline (b), one plaintext row each (${options.kind})`,
        value: Math.round(rate),
        unit: 'registrations/s',
        baseline: {
          value: Math.round(bRate),
          unit: 'inserts/s',
          what: '(b) one plaintext row per registration',
        },
        ratio: round(rate / bRate),
        ratioMeaning: 'Haven / baseline (b) throughput (reported, no goal)',
        goal: '— (reported)',
        dataSize: `${registered} registered`,
        concurrency: `${options.connections} connections`,
        database: where,
      },
    ];
  } finally {
    for (const plain of plains) await plain.close();
    await server.close();
  }
}

/**
 * Baseline (a) of B1: registrations split into the rows Haven writes (person, field groups, consent) in plaintext
 * and written by the same group commit with Haven's settings — no validation, policy, keys, encryption, tokens
 * or ledger.
 */
async function plainServer(
  db: Database,
  dictionary: Dictionary,
  config: { writeBatchMax: number; writeBatchWaitMs: number; writeBatchConcurrency: number },
  organisationId: string,
) {
  interface Row {
    id: string;
    groups: Record<string, Record<string, unknown>>;
    basis: unknown;
  }
  const writer = new GroupCommit<Row, undefined>({
    maxBatch: config.writeBatchMax,
    waitMs: config.writeBatchWaitMs,
    concurrency: config.writeBatchConcurrency,
    write: retryEach(async (rows) => {
      const statement = new WriteStatement();
      statement.add(
        `insert into bench_plain_person (id, organisation_id) select id, ${statement.param(organisationId, 'uuid')}
           from unnest(${statement.param(
             rows.map((r) => r.id),
             'uuid[]',
           )}) as x(id)`,
      );
      const groups = rows.flatMap((r) =>
        Object.entries(r.groups).map(([name, data]) => ({ id: r.id, name, data })),
      );
      statement.add(
        `insert into bench_plain_group (person_id, field_group, version, data)
         select p, g, 1, d from unnest(${statement.param(
           groups.map((g) => g.id),
           'uuid[]',
         )}, ${statement.param(
           groups.map((g) => g.name),
           'text[]',
         )}, ${statement.param(
           groups.map((g) => JSON.stringify(g.data)),
           'jsonb[]',
         )}) as x(p, g, d)`,
      );
      statement.add(
        `insert into bench_plain_basis (id, person_id, purpose, basis, action, details)
         select gen_random_uuid(), p, 'registration', 'consent', 'grant', d from unnest(${statement.param(
           rows.map((r) => r.id),
           'uuid[]',
         )}, ${statement.param(
           rows.map((r) => JSON.stringify(r.basis)),
           'jsonb[]',
         )}) as x(p, d)`,
      );
      await statement.run(db);
      return rows.map(() => undefined);
    }),
  });
  const app = Fastify({ bodyLimit: 1_048_576 });
  app.post('/plain/persons', async (request, reply) => {
    const body = request.body as { values: Record<string, unknown>; basis: unknown };
    const groups: Row['groups'] = {};
    for (const [field, value] of Object.entries(body.values)) {
      const group = dictionary.field(field)?.group ?? 'other';
      groups[group] = { ...groups[group], [field]: value };
    }
    const id = randomUUID();
    await writer.submit({ id, groups, basis: body.basis });
    return reply.code(201).send({ id });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    async close() {
      await app.close();
      await writer.close();
    },
  };
}
