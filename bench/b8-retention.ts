import { performance } from 'node:perf_hooks';
import { type Figure, round } from './harness.ts';
import { startBenchServer } from './haven-server.ts';

/**
 * B8: the retention sweep (RET-2) erasing `persons` due persons — each with three sealed field groups, six
 * blind-index tokens and a key in the vault, registered eleven years ago and not contacted since, so the
 * person-wide rule (last contact + 10 years) makes every one of them due. They are written straight into the
 * tables (registering 10⁶ people through the gate would measure B1); the sweep is the real one: the SQL prefilter,
 * claims under row locks, a ledger event per person, the disposal figures, keys destroyed in the vault, then the
 * ciphertexts, tokens and the rest of each record.
 *
 * Baseline, same run and same rows: a plain DELETE of what the sweep removes — the persons' field groups, tokens
 * and keys, one statement per table (the person rows stay, as the sweep keeps tombstones) — rolled back afterwards,
 * so the sweep then finds exactly the same rows.
 */
export async function benchRetention(options: {
  kind: 'postgres' | 'pglite';
  persons: number;
  log?: (line: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const server = await startBenchServer({ kind: options.kind });
  try {
    const { haven, organisationId } = server;
    const [main, vault] = [server.databases[0]!.db, server.databases[1]!.db];
    const dictionaryVersion = haven.dictionary.version;
    const { rows: vk } = await vault.query<{ v: number }>('select max(version) as v from vault_key');
    const chunk = 50_000;
    const started = performance.now();
    // Ids from a counter, the same in both databases without carrying them across.
    const ids = `md5('b8:' || i)::uuid`;
    for (let done = 0; done < options.persons; done += chunk) {
      const [from, to] = [done + 1, Math.min(options.persons, done + chunk)];
      await main.query(
        `insert into person (id, organisation_id, dictionary, dictionary_version, created_at, updated_at)
         select ${ids}, $1, $2, $3, now() - interval '11 years', now() - interval '11 years'
           from generate_series($4::int, $5::int) i`,
        [organisationId, haven.dictionary.name, dictionaryVersion, from, to],
      );
      await main.query(
        `insert into person_group (person_id, field_group, version, ciphertext)
         select ${ids}, g, 1, decode(repeat(md5(i || g), 10), 'hex')
           from generate_series($1::int, $2::int) i, unnest(array['identity', 'contact', 'documents']) g`,
        [from, to],
      );
      await main.query(
        `insert into person_token (token, person_id, field_group)
         select decode(md5(i || ':' || t), 'hex'), ${ids}, case when t <= 4 then 'identity' else 'documents' end
           from generate_series($1::int, $2::int) i, generate_series(1, 6) t`,
        [from, to],
      );
      await vault.query(
        `insert into person_key (person_id, vault_key_version, format, wrapped)
         select ${ids}, $3, 2, decode(repeat(md5(i::text), 4), 'hex') from generate_series($1::int, $2::int) i`,
        [from, to, vk[0]!.v],
      );
      log(`B8 ${options.kind}: ${to}/${options.persons} persons written`);
    }
    for (const t of ['person', 'person_group', 'person_token']) await main.exec(`analyze ${t}`);
    await vault.exec('analyze person_key');
    const fillSeconds = (performance.now() - started) / 1000;

    // The baseline: the same rows deleted plainly, then rolled back.
    const plainStart = performance.now();
    const rollback = new Error('rollback');
    await Promise.all([
      main
        .transaction(async (tx) => {
          // Every group and token in the registry is one of the due persons'.
          await tx.query('delete from person_token');
          await tx.query('delete from person_group');
          throw rollback;
        })
        .catch((e) => {
          if (e !== rollback) throw e;
        }),
      vault
        .transaction(async (tx) => {
          await tx.query('delete from person_key');
          throw rollback;
        })
        .catch((e) => {
          if (e !== rollback) throw e;
        }),
    ]);
    const plainSeconds = (performance.now() - plainStart) / 1000;
    log(`B8 ${options.kind}: plain DELETE ${round(plainSeconds, 1)} s; sweeping`);

    const sweepStart = performance.now();
    const outcome = await haven.gate.runRetentionSweep({
      trigger: 'command',
      onProgress: (p) => {
        if (p.phase === 'persons' && p.total && p.done % 100_000 < 5_000)
          log(`B8 ${options.kind}: ${p.done}/${p.total} erased`);
      },
    });
    const sweepSeconds = (performance.now() - sweepStart) / 1000;
    const left = await main.query<{ active: number; groups: number }>(
      `select (select count(*)::int from person where status <> 'erased') as active,
              (select count(*)::int from person_group) as groups`,
    );
    const keysLeft = await vault.query<{ n: number }>('select count(*)::int as n from person_key');
    if (outcome.personsErased !== options.persons || left.rows[0]!.groups !== 0 || keysLeft.rows[0]!.n !== 0)
      throw new Error(
        `B8: the sweep erased ${outcome.personsErased} of ${options.persons}; ${left.rows[0]!.groups} groups and ${keysLeft.rows[0]!.n} keys left`,
      );
    const database =
      options.kind === 'postgres'
        ? 'PostgreSQL server (localhost)'
        : 'PGlite (embedded, data folder on disk)';
    return [
      {
        id: 'B8',
        figure: 'retention sweep: due persons crypto-shredded (keys, groups, tokens, ledger events, figures)',
        value: round(sweepSeconds, 3),
        unit: 's',
        baseline: {
          value: round(plainSeconds, 3),
          unit: 's',
          what: 'plain DELETE of the same field groups, tokens and keys, one statement per table',
        },
        ratio: round(sweepSeconds / Math.max(plainSeconds, 0.001)),
        ratioMeaning: 'sweep time / plain DELETE time',
        goal: '10⁶ persons in ≤ 60 s',
        met: options.persons >= 1_000_000 && sweepSeconds <= 60,
        dataSize: `${options.persons.toLocaleString('en')} due persons, 3 field groups and 6 tokens each`,
        concurrency: '1 sweep, batches of 5,000, two in flight',
        database,
        notes: `${round(options.persons / sweepSeconds)} persons/s; ${outcome.personsErased} ledger events; registry written in ${round(fillSeconds, 1)} s`,
      },
    ];
  } finally {
    await server.close();
  }
}
