import { randomUUID } from 'node:crypto';
import type { Gate } from '../gate/service.ts';
import { disableAccount } from '../identity/accounts.ts';
import { type AuditEvent, recordAuditEvent } from '../ledger/events.ts';
import { leavesInRange, treeHead } from '../ledger/tree-store.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database, Sql } from '../store/database.ts';
import { accessOf, countsAsAccess, type Explanation, needsExplanation } from './accesses.ts';
import { type Baseline, loadBaselines } from './baseline.ts';
import { type AlertDraft, Detector, type LedgerEntry, MAX_EVIDENCE } from './detector.ts';
import { allThresholds, DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.ts';

/**
 * The monitor (AUD-6): follows the ledger in its own order — the tree's leaves, after the sequencer took them in,
 * so long after their commit and never on the path that writes them — and runs every entry through the rules once.
 * One monitor at a time across servers (an advisory lock); the cursor, the alerts, the hourly counts and the
 * explained figures of a batch commit together, so an entry is judged exactly once.
 */
const MONITOR_LOCK = 7_302_153;
export const MONITOR_BATCH = 2_000;

export interface MonitorOptions {
  db: Database;
  explain: Gate['explainAccesses'];
  logger: Logger;
}

export interface MonitorRound {
  entries: number;
  alerts: number;
  suspended: number;
}

export class Monitor {
  readonly #options: MonitorOptions;
  #detector: Detector;
  #thresholds = new Map<string, Thresholds>();
  #baselines = new Map<string, Baseline>();
  #loadedAt = 0;
  /** The next leaf this process expects; another server moving the cursor means our windows are stale. */
  #expected: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<MonitorRound> | undefined;
  /** Time spent judging entries and writing what they led to (for the benchmark and metrics). */
  readonly stats = { rounds: 0, entries: 0, alerts: 0, ms: 0 };

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#detector = this.#newDetector();
  }

  #newDetector(): Detector {
    return new Detector({
      thresholds: (organisation) => this.#thresholds.get(organisation) ?? DEFAULT_THRESHOLDS,
      baseline: (actor) => this.#baselines.get(actor),
    });
  }

  /**
   * The monitor's first start on this database (AUD-6) begins at the current end of the sequenced ledger: history
   * before it is not judged. An installation upgraded with years of work behind it would otherwise flood the DPO
   * with alerts on old episodes at once; a fresh one has (almost) nothing behind it, so one rule serves both.
   * Entries appended but not yet sequenced at that moment come after the head and are judged. Later starts find
   * the cursor and go on from it. Ledgered (`monitoring.start`, reason `from-leaf:N`) and logged; returns the leaf
   * it began at, or undefined where it had begun before.
   */
  async begin(): Promise<number | undefined> {
    const { db, logger } = this.#options;
    const from = await db.transaction(async (tx) => {
      const head = await treeHead(tx);
      // Two servers starting together: the second waits on the first's row, then finds it and does nothing.
      const { rows } = await tx.query(
        `insert into monitoring_cursor (id, next_leaf, updated_at) values (1, $1, now())
         on conflict (id) do nothing returning next_leaf`,
        [head.size],
      );
      if (rows.length === 0) return undefined;
      await recordAuditEvent(tx, {
        actor: { kind: 'system' },
        action: 'monitoring.start',
        subjectType: 'ledger',
        decision: 'allow',
        reason: `from-leaf:${head.size}`,
      });
      return Number(head.size);
    });
    if (from !== undefined)
      logger.info(
        { fromLeaf: from },
        'anomaly monitor begins at the head of the ledger; earlier entries are not judged',
      );
    return from;
  }

  /** Thresholds and baselines change rarely (the DPO, the daily job): re-read them at most once a minute. */
  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.#loadedAt < 60_000) return;
    this.#thresholds = await allThresholds(this.#options.db);
    this.#baselines = await loadBaselines(this.#options.db);
    this.#loadedAt = Date.now();
  }

  /** Judges what the ledger has taken in since the last round, a batch at a time, until it has caught up. */
  async catchUp(): Promise<MonitorRound> {
    const total: MonitorRound = { entries: 0, alerts: 0, suspended: 0 };
    for (;;) {
      const round = await this.tick();
      total.entries += round.entries;
      total.alerts += round.alerts;
      total.suspended += round.suspended;
      if (round.entries === 0) return total;
    }
  }

  /** One batch; concurrent calls share the round in flight. */
  tick(): Promise<MonitorRound> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => {
      void this.catchUp().catch((error: unknown) =>
        this.#options.logger.error({ err: error }, 'monitor failed'),
      );
    }, everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #round(): Promise<MonitorRound> {
    const { db } = this.#options;
    await this.refresh();
    const started = performance.now();
    const none = { entries: 0, alerts: 0, suspended: 0 };
    try {
      // Read and explain outside the writing transaction: on PGlite the gate shares the one connection, and the
      // explanation is the slow part — the transaction below only judges and writes.
      const next = await cursorOf(db);
      const head = await treeHead(db);
      if (head.size <= next) return none;
      const to = Math.min(head.size, next + MONITOR_BATCH);
      const entries = await entriesOf(db, next, to);
      const explanations = await this.#explain(entries);
      const round = await db.transaction(async (tx) => {
        const { rows: lock } = await tx.query<{ locked: boolean }>(
          'select pg_try_advisory_xact_lock($1) as locked',
          [MONITOR_LOCK],
        );
        // Another server judges these entries (or just did): leave them to it.
        if (!lock[0]?.locked || (await cursorOf(tx)) !== next) return none;
        if (this.#expected !== undefined && this.#expected !== next) this.#detector = this.#newDetector();
        const outcome = await this.#judge(tx, entries, explanations);
        await tx.query(
          `insert into monitoring_cursor (id, next_leaf, updated_at) values (1, $1, now())
           on conflict (id) do update set next_leaf = excluded.next_leaf, updated_at = excluded.updated_at`,
          [to],
        );
        this.#expected = to;
        return { entries: entries.length, ...outcome };
      });
      this.stats.rounds++;
      this.stats.entries += round.entries;
      this.stats.alerts += round.alerts;
      this.stats.ms += performance.now() - started;
      return round;
    } catch (error) {
      // The windows took in entries whose round did not commit: start them afresh rather than count twice.
      this.#detector = this.#newDetector();
      this.#expected = undefined;
      throw error;
    }
  }

  /** What the data says about each entry that needs explaining (through the gate, one statement per batch). */
  async #explain(entries: readonly LedgerEntry[]): Promise<(Explanation | null)[]> {
    const accesses = entries.map((e) => accessOf(e.event));
    const asked = accesses
      .map((a, i) => ({ a, i }))
      .filter((x): x is { a: NonNullable<typeof x.a> & { person: string }; i: number } =>
        needsExplanation(x.a),
      );
    const answers = await this.#options.explain(
      asked.map(({ a }) => ({
        account: a.actor,
        organisation: a.organisation,
        role: a.role,
        person: a.person,
        at: a.time,
      })),
    );
    const explanations = new Array<Explanation | null>(entries.length).fill(null);
    asked.forEach(({ i }, k) => {
      explanations[i] = answers[k] ?? null;
    });
    return explanations;
  }

  async #judge(
    tx: Sql,
    entries: readonly LedgerEntry[],
    explanations: readonly (Explanation | null)[],
  ): Promise<{ alerts: number; suspended: number }> {
    const accesses = entries.map((e) => accessOf(e.event));
    const hourly = new Map<string, { actor: string; organisation: string; hour: string; n: number }>();
    const figures = new Map<
      string,
      { organisation: string; day: string; accesses: number; explained: number; by: Record<string, number> }
    >();
    const drafts: AlertDraft[] = [];
    entries.forEach((entry, i) => {
      const access = accesses[i];
      if (!access) return;
      drafts.push(...this.#detector.observe(entry, explanations[i] ?? null));
      if (countsAsAccess(access)) {
        const hour = new Date(Math.floor(access.time.getTime() / 3_600_000) * 3_600_000).toISOString();
        const key = `${access.actor}|${hour}`;
        const h = hourly.get(key) ?? { actor: access.actor, organisation: access.organisation, hour, n: 0 };
        h.n++;
        hourly.set(key, h);
      }
      if (needsExplanation(access)) {
        const day = access.time.toISOString().slice(0, 10);
        const key = `${access.organisation}|${day}`;
        const f = figures.get(key) ?? {
          organisation: access.organisation,
          day,
          accesses: 0,
          explained: 0,
          by: {},
        };
        f.accesses++;
        const why = explanations[i];
        if (why) {
          f.explained++;
          f.by[why] = (f.by[why] ?? 0) + 1;
        }
        figures.set(key, f);
      }
    });
    if (hourly.size > 0) {
      const rows = [...hourly.values()];
      await tx.query(
        `insert into monitoring_hourly (actor, organisation_id, hour, accesses)
         select * from unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::int[])
         on conflict (actor, hour) do update set accesses = monitoring_hourly.accesses + excluded.accesses`,
        [
          rows.map((r) => r.actor),
          rows.map((r) => r.organisation),
          rows.map((r) => r.hour),
          rows.map((r) => r.n),
        ],
      );
    }
    for (const f of figures.values()) {
      await tx.query(
        `insert into monitoring_figure (organisation_id, day, accesses, explained, by_reason)
         values ($1::uuid, $2::date, $3, $4, $5::jsonb)
         on conflict (organisation_id, day) do update set
           accesses = monitoring_figure.accesses + excluded.accesses,
           explained = monitoring_figure.explained + excluded.explained,
           by_reason = (select coalesce(jsonb_object_agg(k, v), '{}'::jsonb) from (
             select k, sum(v::int) as v from (
               select * from jsonb_each_text(monitoring_figure.by_reason)
               union all select * from jsonb_each_text(excluded.by_reason)) as both_(k, v) group by k) as s)`,
        [f.organisation, f.day, f.accesses, f.explained, JSON.stringify(f.by)],
      );
    }
    return writeAlerts(
      tx,
      drafts,
      (organisation) => this.#thresholds.get(organisation) ?? DEFAULT_THRESHOLDS,
    );
  }
}

async function cursorOf(sql: Sql): Promise<number> {
  const { rows } = await sql.query<{ next_leaf: string }>(
    'select next_leaf from monitoring_cursor where id = 1',
  );
  return Number(rows[0]?.next_leaf ?? 0);
}

/** The ledger entries at leaves [from, to), in tree order. */
async function entriesOf(sql: Sql, from: number, to: number): Promise<LedgerEntry[]> {
  const leaves = await leavesInRange(sql, from, to);
  const { rows } = await sql.query<{ seq: string; body: Buffer }>(
    'select seq, body from audit_event where seq = any($1::bigint[])',
    [leaves.map((l) => l.seq)],
  );
  const bodies = new Map(rows.map((r) => [Number(r.seq), r.body]));
  return leaves.flatMap((leaf) => {
    const body = bodies.get(leaf.seq);
    return body ? [{ entry: leaf.seq, event: JSON.parse(body.toString('utf8')) as AuditEvent }] : [];
  });
}

/**
 * One draft per actor and rule for a batch: a burst of hundreds of accesses raises one alert and adds its evidence
 * in one statement, not one per entry.
 */
export function mergeDrafts(drafts: readonly AlertDraft[]): AlertDraft[] {
  const merged = new Map<string, AlertDraft>();
  for (const d of drafts) {
    const key = `${d.actor}|${d.rule}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...d, evidence: [...d.evidence] });
      continue;
    }
    seen.first ||= d.first;
    seen.evidence.push(...d.evidence);
    seen.params = d.params;
    seen.time = d.time;
  }
  return [...merged.values()].map((d) => ({
    ...d,
    evidence: [...new Set(d.evidence)].sort((x, y) => x - y).slice(0, MAX_EVIDENCE),
  }));
}

/** The alert's subject: the staff account, or the partner, whose accesses raised it. */

function subjectOf(actor: string): { subject: string; account: string | null } {
  return actor.startsWith('partner:')
    ? { subject: actor.slice('partner:'.length), account: null }
    : { subject: actor, account: actor };
}

/**
 * Writes the rules' alerts: a new one on the DPO's list, or — while one of the same rule on the same person is
 * still open — its evidence added there (no flood of alerts for one episode). Suspends the account where the
 * organisation's thresholds say so for that rule: the account is disabled and its sessions end (ACC-4), ledgered.
 */
export async function writeAlerts(
  tx: Sql,
  drafts: readonly AlertDraft[],
  thresholdsOf: (organisation: string) => Thresholds,
): Promise<{ alerts: number; suspended: number }> {
  let alerts = 0;
  let suspended = 0;
  for (const draft of mergeDrafts(drafts)) {
    const { subject, account } = subjectOf(draft.actor);
    const kind = `anomaly.${draft.rule}`;
    const explanation = JSON.stringify({ code: kind, params: draft.params });
    const { rows: open } = await tx.query<{ id: string }>(
      `update alert set evidence = (select array(select distinct e from unnest(evidence || $4::bigint[]) as e order by e limit $6)),
              explanation = $5::jsonb, last_seen_at = $7
        where id = (select id from alert where organisation_id = $1::uuid and subject = $2::uuid and kind = $3
                      and acknowledged_at is null order by raised_at desc limit 1)
        returning id`,
      [draft.organisation, subject, kind, draft.evidence, explanation, MAX_EVIDENCE, draft.time],
    );
    if (open.length > 0 || !draft.first) continue;
    const id = randomUUID();
    const suspend = account !== null && thresholdsOf(draft.organisation).suspendOn.includes(draft.rule);
    await tx.query(
      `insert into alert (id, organisation_id, kind, subject, raised_by, raised_at, evidence, explanation, suspended, last_seen_at)
       values ($1, $2::uuid, $3, $4::uuid, $5::uuid, now(), $6::bigint[], $7::jsonb, $8, $9)`,
      [id, draft.organisation, kind, subject, account, draft.evidence, explanation, suspend, draft.time],
    );
    alerts++;
    await recordAuditEvent(tx, {
      actor: { kind: 'system' },
      action: 'monitoring.alert',
      subject,
      subjectType: account ? 'account' : 'partner',
      decision: 'allow',
      reason: draft.rule,
    });
    if (suspend && account) {
      suspended += await suspendAccount(tx, account, draft.rule);
    }
  }
  return { alerts, suspended };
}

/** AUD-6 automatic suspension: the account is disabled (its sessions end at once) and the ledger says why. */
async function suspendAccount(tx: Sql, account: string, rule: string): Promise<number> {
  if (!(await disableAccount(tx, account, 'suspended'))) return 0;
  await recordAuditEvent(tx, {
    actor: { kind: 'system' },
    action: 'monitoring.suspend',
    subject: account,
    subjectType: 'account',
    decision: 'allow',
    reason: rule,
  });
  return 1;
}
