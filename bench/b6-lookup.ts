import { performance } from 'node:perf_hooks';
import { searchTerms } from '../src/crypto/blind-index/person-tokens.ts';
import { havenInternals } from '../src/haven.ts';
import { findByTokens } from '../src/records/person-records.ts';
import { generateDemoPlan } from '../src/workflows/demo/people.ts';
import { type Figure, round, summary } from './harness.ts';
import { benchConsent, startBenchServer } from './haven-server.ts';
import { load } from './load.ts';

/**
 * B6: lookup by blind index in a large registry. A few hundred people are registered through the gate (the
 * probes); the registry is then filled to `persons` with rows and tokens written straight into the tables (random
 * 128-bit tokens, as many per person as the probes have), because registering 10⁶ people through the gate would
 * measure B1 again. The lookups are the real ones: a name search over HTTP (session, purpose, policy, tokens,
 * index lookup, decryption of the matches, ledger event), and the index query alone.
 *
 * Baseline, same run: the same searches before the filler, when the registry holds only the probes, so the
 * ratio is what size costs.
 */
export async function benchLookup(options: {
  persons: number;
  probes: number;
  seconds: number;
  log?: (line: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const server = await startBenchServer();
  try {
    const { haven, organisationId } = server;
    // B6 measures the index query and fills the tables itself: the raw database the bench created (owner).
    const store = server.databases[0]!.db;
    const consent = benchConsent(haven);
    const plan = generateDemoPlan(options.probes, 66).people;
    for (const person of plan) {
      await haven.gate.registerPerson(
        { actor: { kind: 'importer', organisationId, importId: 'bench-b6' }, purpose: 'registration' },
        { values: person.values, basis: consent },
      );
    }
    // Searched by the Latin spelling, as a clerk types it (people named in Latin script have no separate one).
    const latin = (v: Record<string, unknown>, field: string) => v[`${field}-latin`] ?? v[field];
    // Some people have one name only.
    const searches = plan.map((p) => ({
      name: [latin(p.values, 'given-name'), latin(p.values, 'family-name')]
        .filter((part) => typeof part === 'string')
        .join(' '),
    }));
    const bodies = searches.map((s) => JSON.stringify(s));
    const tokens = await store.query<{ n: number }>('select count(*)::int as n from person_token');
    const tokensPerPerson = Math.max(1, Math.round(tokens.rows[0]!.n / options.probes));

    const measure = async () => {
      const http = await load({
        url: server.url,
        connections: 1,
        seconds: options.seconds,
        method: 'POST',
        headers: { ...server.headers, 'content-type': 'application/json', 'x-haven-purpose': 'registration' },
        paths: ['/api/persons/search'],
        bodies,
      });
      // The index query alone, as the gate runs it, with the tokens the gate would compute.
      const terms = searches.map(
        (s) =>
          searchTerms(havenInternals(haven).gateContext.index, haven.gate.dictionary, organisationId, s)
            .exact,
      );
      const times: number[] = [];
      const until = performance.now() + options.seconds * 1000;
      for (let i = 0; performance.now() < until; i++) {
        const started = performance.now();
        const found = await findByTokens(store, organisationId, terms[i % terms.length]!, 20);
        times.push(performance.now() - started);
        if (found.length === 0) throw new Error('B6: a probe was not found by its own name');
      }
      return { http, index: summary(times) };
    };

    // Statistics and a warm-up (JIT, data-key cache, prepared statements), so the small-registry baseline is
    // neither a cold start nor a plan made for empty tables.
    await store.exec('analyze person; analyze person_token');
    await load({
      url: server.url,
      connections: 1,
      seconds: Math.min(3, options.seconds),
      method: 'POST',
      headers: { ...server.headers, 'content-type': 'application/json', 'x-haven-purpose': 'registration' },
      paths: ['/api/persons/search'],
      bodies,
    });
    log(`B6: ${options.probes} probes registered; searching before the filler`);
    const small = await measure();

    // The filler: persons of the same organisation with random tokens, in chunks so the server's memory and
    // WAL stay modest. md5 gives exactly the 16 bytes a truncated token has.
    const chunk = 100_000;
    const filler = Math.max(0, options.persons - options.probes);
    const started = performance.now();
    for (let done = 0; done < filler; done += chunk) {
      const n = Math.min(chunk, filler - done);
      await store.query(
        `with p as (
           insert into person (id, organisation_id, dictionary, dictionary_version)
           select gen_random_uuid(), $1, 'bench-filler', 1 from generate_series(1, $2)
           returning id)
         insert into person_token (token, person_id, field_group)
         select decode(md5(p.id::text || ':' || g), 'hex'), p.id, 'identity'
           from p, generate_series(1, $3) g`,
        [organisationId, n, tokensPerPerson],
      );
      log(`B6: filler ${done + n}/${filler} persons`);
    }
    await store.exec('analyze person; analyze person_token');
    const fillSeconds = (performance.now() - started) / 1000;
    const count = await store.query<{ persons: number; tokens: number }>(
      `select (select count(*)::int from person) as persons, (select count(*)::int from person_token) as tokens`,
    );
    const { persons, tokens: tokenRows } = count.rows[0]!;

    log(`B6: ${persons} persons; searching again`);
    const large = await measure();
    const dataSize = `${persons.toLocaleString('en')} persons, ${tokenRows.toLocaleString('en')} tokens (${tokensPerPerson} per person); ${options.probes} probe names`;
    const fillNote = `filler written in ${round(fillSeconds, 1)} s`;
    return [
      {
        id: 'B6',
        figure: 'name search over HTTP (blind index, policy, decryption, ledger), p95',
        value: round(large.http.p95),
        unit: 'ms',
        baseline: {
          value: round(small.http.p95),
          unit: 'ms',
          what: `the same searches with only the ${options.probes} probes registered`,
        },
        ratio: round(large.http.p95 / Math.max(small.http.p95, 0.001)),
        ratioMeaning: 'p95 at full size / p95 with the probes only',
        goal: 'p95 ≤ 10 ms (in 10⁷ persons)',
        met: large.http.p95 <= 10,
        dataSize,
        concurrency: `1 connection, ${options.seconds} s`,
        database: 'PostgreSQL server (localhost)',
        notes:
          `p50 ${round(large.http.p50)} ms, p99 ${round(large.http.p99)} ms, ` +
          `${round(large.http.requestsPerSecond)} searches/s, non-2xx ${large.http.non2xx}; ` +
          `probes only: p50 ${round(small.http.p50)} ms, p99 ${round(small.http.p99)} ms; ${fillNote}`,
      },
      {
        id: 'B6',
        figure: 'blind-index query alone (the gate’s lookup), p95',
        value: round(large.index.p95, 3),
        unit: 'ms',
        baseline: {
          value: round(small.index.p95, 3),
          unit: 'ms',
          what: `the same query with only the ${options.probes} probes registered`,
        },
        ratio: round(large.index.p95 / Math.max(small.index.p95, 0.001)),
        ratioMeaning: 'p95 at full size / p95 with the probes only',
        goal: 'p95 ≤ 10 ms (in 10⁷ persons)',
        met: large.index.p95 <= 10,
        dataSize,
        concurrency: `1 client, ${options.seconds} s`,
        database: 'PostgreSQL server (localhost)',
        notes: `p50 ${round(large.index.p50, 3)} ms, p99 ${round(large.index.p99, 3)} ms over ${large.index.n} lookups`,
      },
    ];
  } finally {
    await server.close();
  }
}
