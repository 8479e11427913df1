import { Secret } from 'otpauth';
import { loadConfig } from '../src/config/config.ts';
import { type Haven, havenInternals, openHaven } from '../src/haven.ts';
import { buildApp } from '../src/http/app.ts';
import type { HttpApp } from '../src/http/http-app.ts';
import { createAccount, createOrganisation } from '../src/identity/accounts.ts';
import { totpCode } from '../src/identity/totp.ts';
import { startLedgerJobs } from '../src/ledger/ledger-jobs.ts';
import { createLogger } from '../src/observability/logger.ts';
import { approveDpiasForTests } from '../test/support/dpias.ts';
import { rolePools, tempDir } from '../test/support/haven.ts';
import { type BenchDatabase, benchDatabase } from './databases.ts';

/**
 * A real Haven HTTP server for the HTTP benchmarks: PostgreSQL server, everything on (policies, encryption, blind
 * indexes, ledger with its sequencer running), listening on a free port, with a signed-in staff session.
 */
export interface BenchServer {
  haven: Haven;
  app: HttpApp;
  url: string;
  organisationId: string;
  /** Headers of a signed-in clerk: session cookie and CSRF token. */
  headers: Record<string, string>;
  databases: BenchDatabase[];
  /** The group commit of registrations, for its batch sizes. */
  registrations: { stats: { batches: number; items: number; largest: number } };
  /** The settings it runs with (pool size, batch sizes). */
  config: ReturnType<typeof loadConfig>;
  close(): Promise<void>;
}

/** Consent as a clerk records it: the current version of the purpose's privacy notice, read in Arabic. */
export function benchConsent(haven: Haven, purpose = 'registration') {
  const noticeVersion = haven.gate.notices.versions(purpose)[0];
  if (noticeVersion === undefined) throw new Error(`no privacy notice for ${purpose}`);
  return { kind: 'consent', noticeVersion, noticeLanguage: 'ar', method: 'written' } as const;
}

export interface BenchServerOptions {
  role?: 'clerk' | 'caseworker';
  /** The PostgreSQL server (default) or embedded PGlite with its data in a folder, as `npm start` runs it. */
  kind?: 'postgres' | 'pglite';
  /** Connections per pool (PostgreSQL); Haven's default when absent. */
  pool?: number;
  /** Further HAVEN_* settings. */
  env?: Record<string, string>;
  /** Run the anomaly monitor (AUD-6) as `haven serve` does, every 250 ms (M1 compares with and without). */
  monitor?: boolean;
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const kind = options.kind ?? 'postgres';
  const config = loadConfig(
    {
      HAVEN_DATA_DIR: tempDir('haven-bench-'),
      HAVEN_PORT: '0',
      HAVEN_LOG_LEVEL: 'silent',
      HAVEN_RATE_LIMIT_PER_MINUTE: '1000000',
      HAVEN_SIGN_IN_RATE_LIMIT_PER_MINUTE: '100000',
      HAVEN_DEK_CACHE_SIZE: '200000',
      ...(options.pool ? { HAVEN_DATABASE_MAX_CONNECTIONS: String(options.pool) } : {}),
      ...options.env,
    },
    process.cwd(),
  );
  const main = await benchDatabase(kind, { pool: config.databaseMaxConnections, dataDir: config.dataDir });
  const vault = await benchDatabase(kind, {
    vault: true,
    pool: config.databaseMaxConnections,
    dataDir: config.dataDir,
  });
  // The pools with their roles, as in production: the gate's pool is the only one that can touch personal data.
  const pools = await rolePools(main, vault, config.databaseMaxConnections);
  const haven = await openHaven(config, {
    ...pools,
    logger: createLogger('silent'),
  });
  // The purposes' DPIAs approved, as a DPO would have before any processing (PUR-6).
  await approveDpiasForTests(main.db, haven.dictionary);
  haven.gate.purposes.invalidate();
  const jobs = startLedgerJobs(haven.db, haven.ledger, haven.logger, {
    sequenceMs: 200,
    checkpointSeconds: 3600,
  });
  if (options.monitor) haven.monitor.start(250);
  const app = await buildApp(haven);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const organisation = await createOrganisation(haven.db, { slug: 'bench-org' }, { kind: 'system' });
  const created = await createAccount(
    haven.identity,
    haven.db,
    {
      organisationId: organisation.id,
      email: 'bench.clerk@example.org',
      role: options.role ?? 'clerk',
      tier: 2,
      password: 'bench password for a clerk 2026',
      enrolTotp: true,
    },
    { kind: 'system' },
  );
  const secret = Buffer.from(Secret.fromBase32(new URL(created.totpUri!).searchParams.get('secret')!).bytes);
  const signIn = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench.clerk@example.org', password: 'bench password for a clerk 2026' }),
  });
  const pending = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const second = await fetch(`${url}/api/auth/second-factor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: pending, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ method: 'totp', code: totpCode(secret) }),
  });
  const cookie = second.headers.get('set-cookie')!.split(';')[0]!;
  const session = (await second.json()) as { csrfToken: string };
  return {
    haven,
    app,
    url,
    organisationId: organisation.id,
    headers: { cookie, 'x-csrf-token': session.csrfToken },
    databases: [main, vault],
    registrations: havenInternals(haven).gateContext.registrations,
    config,
    async close() {
      await app.close();
      await haven.policyImpacts.close();
      await jobs.stop();
      await haven.monitor.stop();

      // The job queue's timers would keep the process alive after the benchmark (docs/jobs.md).
      await haven.jobs.stop();
      await haven.sessions.close();
      await havenInternals(haven).gateContext.registrations.close();
      await havenInternals(haven).keyRing.close();
      for (const pool of Object.values(pools)) if (pool !== main.db && pool !== vault.db) await pool.close();
      for (const d of [main, vault]) await d.drop();
    },
  };
}

/**
 * What the anomaly monitor did during a run (M1): entries judged while the load ran, the time it spent per entry,
 * and how far behind the ledger it was when the load stopped (judged now, timed apart).
 */
export async function monitorNotes(haven: Haven): Promise<string> {
  const during = { ...haven.monitor.stats };
  const lagStart = performance.now();
  const behind = await haven.monitor.catchUp();
  const lagMs = performance.now() - lagStart;
  const perEntry = during.entries > 0 ? (during.ms * 1000) / during.entries : 0;
  return ` Monitor: ${during.entries} ledger entries judged during the run in ${during.rounds} rounds, ${Math.round(perEntry)} µs of wall time each (read, explain, judge, write: mostly waiting on the database, not CPU); ${behind.entries} still to judge when the load stopped (${Math.round(lagMs)} ms to catch up); ${during.alerts} alerts.`;
}
