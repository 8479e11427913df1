import { createHash, randomUUID } from 'node:crypto';
import { dayOf } from '../domain/calendar.ts';
import {
  formatRetentionRule,
  type RetentionEvent,
  type RetentionRule,
} from '../domain/dictionary/retention.ts';
import { HavenError } from '../domain/errors.ts';
import { latestDueEventDay } from '../domain/retention/due.ts';
import { PENDING_HOLD_DAYS } from '../domain/retention/legal-holds.ts';
import { type RetentionClass, retentionRules } from '../domain/retention/rules.ts';
import { type AuditActor, type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import { completeErasures, eraseGroups } from '../records/person-records.ts';
import type { Sql, SqlValue } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest } from './context.ts';
import { throughGate } from './entry.ts';
import { RETENTION, retentionEvent, WHOLE_PERSON } from './retention-preview.ts';

/**
 * The retention sweep (RET-2): erases what the rules in force make due today — whole persons past the
 * person-wide rule, and single field groups past their own — by crypto-shredding (the keys go first), removes
 * their blind-index tokens, queues erase notices to partners that hold copies, and writes the disposal record:
 * one ledger event per person erased (ids only, as the ledger always has), the figures per organisation, group
 * and rule, and one event for the sweep with the digest of those figures.
 *
 * What is due is found by SQL on one cut-off day per rule (`latestDueEventDay`: the same answer as the preview's
 * `dueDates`), never by reading person after person. Legal holds in force (RET-1) and restrictions of processing
 * (GDPR 18(1)(c): kept for the person's legal claims) keep what they cover; a hold's expiry lets the next sweep
 * take it. Safe on several servers (rows are claimed with the due test repeated under their lock) and after a
 * crash: whatever a killed sweep had claimed is finished first by the next one, nothing is erased twice.
 */

export type SweepTrigger = 'schedule' | 'staff' | 'command';

export interface SweepProgress {
  phase: 'finishing' | 'persons' | 'groups' | 'done';
  done: number;
  /** Known for the current phase once it was counted; null before. */
  total: number | null;
}

export interface SweepOutcome {
  sweepId: string;
  onDay: string;
  personsErased: number;
  groupsErased: number;
  /** Due items a legal hold or a restriction kept. */
  held: number;
  /** Group erasures of persons stored before key sets (decision 15): ciphertext deleted, no key of their own. */
  notSeparated: number;
  /** Erasures an earlier, interrupted sweep had begun and this one finished. */
  finished: number;
  digest: string;
}

export interface SweepOptions {
  trigger: SweepTrigger;
  /** Who started it: the DPO from the staff page, the command line, or the system's schedule. */
  actor?: AuditActor;
  /** Persons or groups per transaction. */
  batchSize?: number;
  onProgress?: (progress: SweepProgress) => void;
  signal?: AbortSignal;
  /** The sweep's id when it was announced before it ran (the DPO's button answers with it). */
  sweepId?: string;
  /** Tests only: stop after this many batches, as a kill would (the next sweep must finish the job). */
  crashAfterBatches?: number;
}

const SYSTEM: AuditActor = { kind: 'system' };

/** Due rows read per prefilter query; claimed and erased `batchSize` at a time. */
const PREFILTER_PAGE = 50_000;

/** Each rule event as a day of person `p` (with `c` its case state), the same facts the preview reads. */
const EVENT_DAY: Record<Exclude<RetentionEvent, 'consent-withdrawn'>, string> & {
  'consent-withdrawn': string;
} = {
  registration: `(p.created_at at time zone 'UTC')::date`,
  'last-contact': `greatest((p.created_at at time zone 'UTC')::date, (p.updated_at at time zone 'UTC')::date, c.last_contact_on)`,
  'case-closed': 'c.case_closed_on',
  'claim-decided': 'c.claim_decided_on',
  // The day the last consent was withdrawn, once none is left (as the preview counts it).
  'consent-withdrawn': `(select (max(b.recorded_at) at time zone 'UTC')::date from (
      select distinct on (purpose) action, recorded_at from processing_basis
       where person_id = p.id and basis = 'consent' order by purpose, recorded_at desc) b
     having bool_and(b.action = 'withdraw'))`,
};

/**
 * What a hold in force or a restriction of processing keeps ($2: today): for the whole person (`categories` null)
 * any hold; for a field group, a hold on everything or on one of the group's categories (`holdCovers`).
 */
const kept = (categories: string | null) => `(exists (select 1 from legal_hold h where h.person_id = p.id
      and h.released_at is null
      and (h.until_on is null or h.until_on >= $2::date)
      and (h.approved_by is not null or h.placed_on + ${PENDING_HOLD_DAYS} >= $2::date)
      ${categories === null ? '' : `and (h.categories is null or h.categories && ${categories}::text[])`})
   or exists (select 1 from restriction r where r.person_id = p.id and r.lifted_at is null))`;

function duePredicate(rule: RetentionRule, cutParam: string): string {
  if (rule.event === 'until-erasure') return 'false';
  return `${EVENT_DAY[rule.event]} <= ${cutParam}::date`;
}

const checkBatch = (n: number | undefined): number => {
  const size = n ?? 5000;
  if (!Number.isInteger(size) || size < 1 || size > 50_000)
    throw new HavenError('retention-batch-invalid', 'A sweep batch is 1 to 50,000.', { status: 422 });
  return size;
};

interface Counter {
  organisationId: string;
  group: string;
  rule: string;
  categories: string[];
  items: number;
}

/** Adds a batch's figures to the sweep's disposal record, in the batch's transaction. */
async function addDisposals(tx: Sql, sweepId: string, counters: Iterable<Counter>): Promise<void> {
  const list = [...counters].filter((c) => c.items > 0);
  if (list.length === 0) return;
  await tx.query(
    `insert into retention_disposal (sweep_id, organisation_id, field_group, rule, categories, items)
     select $1, o, g, r, string_to_array(c, ','), n
       from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[]) as x(o, g, r, c, n)
     on conflict (sweep_id, organisation_id, field_group, rule) do update
       set items = retention_disposal.items + excluded.items`,
    [
      sweepId,
      list.map((c) => c.organisationId),
      list.map((c) => c.group),
      list.map((c) => c.rule),
      list.map((c) => c.categories.join(',')),
      list.map((c) => c.items),
    ],
  );
}

function tally(
  counters: Map<string, Counter>,
  organisationId: string,
  group: string,
  rule: string,
  categories: readonly string[],
): void {
  const key = `${organisationId} ${group} ${rule}`;
  const c = counters.get(key) ?? { organisationId, group, rule, categories: [...categories], items: 0 };
  c.items++;
  counters.set(key, c);
}

/** Erase notices to the partners holding copies: only persons something was released about (PUR-4, RIG-4). */
async function queueErasureNotices(
  tx: Sql,
  items: readonly { personId: string; organisationId: string; groups: readonly string[] }[],
): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `insert into change_outbox (person_id, organisation_id, change, field_groups)
     select x.p, x.o, 'erasure', string_to_array(nullif(x.g, ''), ',')::text[]
       from unnest($1::uuid[], $2::uuid[], $3::text[]) as x(p, o, g)
      where exists (select 1 from release_person rp where rp.person_id = x.p)`,
    [items.map((i) => i.personId), items.map((i) => i.organisationId), items.map((i) => i.groups.join(','))],
  );
}

function eraseEvent(actor: AuditActor, personId: string, groups?: readonly string[]): NewAuditEvent {
  return {
    actor,
    action: groups ? 'retention.erase-groups' : 'retention.erase-person',
    purpose: RETENTION.name,
    subject: personId,
    subjectType: 'person',
    ...(groups ? { fieldGroups: [...groups] } : {}),
    decision: 'allow',
    reason: 'retention-due',
  };
}

class Crash extends Error {}

const batchesOf = (page: readonly { id: string }[], size: number): string[][] => {
  const batches: string[][] = [];
  for (let i = 0; i < page.length; i += size) batches.push(page.slice(i, i + size).map((r) => r.id));
  return batches;
};

/**
 * Works through the batches two at a time, so one batch's claim overlaps another's erasure (B8: both cores busy).
 * A failure stops both from taking more; the first error is thrown once neither is running.
 */
async function twoAtATime(
  batches: readonly string[][],
  work: (batch: string[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < batches.length) {
      const batch = batches[next++]!;
      try {
        await work(batch);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled([worker(), worker()]);
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
}

/** RET-2: one sweep, start to end. Throws only when it could not finish; the sweep row then says `failed`. */
export async function runRetentionSweep(ctx: GateContext, options: SweepOptions): Promise<SweepOutcome> {
  const batch = checkBatch(options.batchSize);
  const actor = options.actor ?? SYSTEM;
  const progress = options.onProgress ?? (() => {});
  const today = dayOf(ctx.now());
  const sweepId = options.sweepId ?? randomUUID();
  let batches = 0;
  const step = () => {
    options.signal?.throwIfAborted();
    if (options.crashAfterBatches !== undefined && ++batches > options.crashAfterBatches)
      throw new Crash('crash requested');
  };
  // A sweep whose server died long ago stays `running` no more: the job expires after 3 hours
  // (src/retention/sweep-job.ts), so a sweep started 6 hours ago is certainly not running any more.

  await ctx.db.query(
    `update retention_sweep set state = 'failed', finished_at = now()
      where state = 'running' and started_at < now() - interval '6 hours'`,
  );
  const { rowCount } = await ctx.db.query(
    `insert into retention_sweep (id, on_day, trigger) values ($1, $2, $3) on conflict (id) do nothing`,
    [sweepId, today, options.trigger],
  );
  // The job ran before (at least once): its sweep is done, or the next one finishes what it left.
  if (rowCount === 0 && options.sweepId)
    throw new HavenError('retention-sweep-ran', 'This sweep has run already.', { status: 409 });
  const outcome: SweepOutcome = {
    sweepId,
    onDay: today,
    personsErased: 0,
    groupsErased: 0,
    held: 0,
    notSeparated: 0,
    finished: 0,
    digest: '',
  };
  try {
    progress({ phase: 'finishing', done: 0, total: null });
    outcome.finished = await finishInterrupted(ctx, step);
    const rules = retentionRules(ctx.dictionary);
    await erasePersons(ctx, { sweepId, today, batch, actor, rule: rules.person, outcome, step, progress });
    for (const cls of rules.classes) {
      await eraseDueGroups(ctx, { sweepId, today, batch, actor, cls, outcome, step, progress });
    }
    const held = await countKept(ctx, today, rules.person, rules.classes);
    outcome.held = Object.values(held).reduce((n, k) => n + k, 0);
    await ctx.db.query('update retention_sweep set held_by_organisation = $2::jsonb where id = $1', [
      sweepId,
      JSON.stringify(held),
    ]);
    progress({ phase: 'done', done: outcome.personsErased + outcome.groupsErased, total: null });
    outcome.digest = await closeSweep(ctx, sweepId, actor, 'done', outcome);
    return outcome;
  } catch (error) {
    if (error instanceof Crash) throw error;
    await closeSweep(ctx, sweepId, actor, 'failed', outcome).catch(() => {});
    throw error;
  }
}

/** The sweep's end: its row, and one ledger event with the digest of the disposal figures it wrote. */
async function closeSweep(
  ctx: GateContext,
  sweepId: string,
  actor: AuditActor,
  state: 'done' | 'failed',
  outcome: SweepOutcome,
): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      organisation_id: string;
      field_group: string;
      rule: string;
      items: number;
    }>(
      `select organisation_id, field_group, rule, items from retention_disposal where sweep_id = $1
        order by 1, 2, 3`,
      [sweepId],
    );
    const digest = createHash('sha256')
      .update(JSON.stringify({ sweep: sweepId, onDay: outcome.onDay, disposals: rows }))
      .digest('hex');
    await tx.query(
      `update retention_sweep set state = $2, finished_at = now(), persons_erased = $3, groups_erased = $4, held = $5
        where id = $1`,
      [sweepId, state, outcome.personsErased, outcome.groupsErased, outcome.held],
    );
    await recordAuditEvents(tx, [
      { actor, action: 'retention.sweep', purpose: RETENTION.name, decision: 'allow', reason: state, digest },
    ]);
    return digest;
  });
}

interface PhaseInput {
  sweepId: string;
  today: string;
  batch: number;
  actor: AuditActor;
  outcome: SweepOutcome;
  step: () => void;
  progress: (p: SweepProgress) => void;
}

/**
 * Whole persons past the person-wide rule. Per batch: claim (status `erasing`, ledger events, figures, partner
 * notices) in one transaction; destroy their keys in the vault; then delete what the records held.
 */
async function erasePersons(ctx: GateContext, input: PhaseInput & { rule: RetentionRule }): Promise<void> {
  const cut = latestDueEventDay(input.rule, input.today);
  if (cut === null) return;
  const ruleText = formatRetentionRule(input.rule);
  const allCategories = [...new Set(ctx.dictionary.fields.map((f) => f.category))].sort();
  const due = `p.status = 'active' and ${duePredicate(input.rule, '$1')} and not ${kept(null)}`;
  const { rows: counted } = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from person p left join case_state c on c.person_id = p.id where ${due}`,
    [cut, input.today],
  );
  const total = counted[0]?.n ?? 0;
  let done = 0;
  input.progress({ phase: 'persons', done, total });
  // The prefilter reads the persons in the order they are stored (by ctid, a page at a time): those due are the
  // oldest and lie together, so every later step touches neighbouring pages instead of the whole table (B8).
  let after = '(0,0)';
  for (;;) {
    const { rows: page } = await ctx.db.query<{ id: string; at: string }>(
      `select p.id, p.ctid::text as at from person p left join case_state c on c.person_id = p.id
        where p.ctid > $3::tid and ${due} order by p.ctid limit $4`,
      [cut, input.today, after, PREFILTER_PAGE],
    );
    if (page.length === 0) break;
    after = page.at(-1)!.at;
    await twoAtATime(batchesOf(page, input.batch), async (batch) => {
      const claimed = await ctx.db.transaction(async (tx) => {
        // The due test again, under the rows' locks: a record changed since, or held, is no longer taken.
        const { rows } = await tx.query<{ id: string; organisation_id: string }>(
          `with due as (
             select p.id from person p left join case_state c on c.person_id = p.id
              where p.id = any($3::uuid[]) and ${due} for update of p skip locked)
           update person p set status = 'erasing', updated_at = now() from due where p.id = due.id
           returning p.id, p.organisation_id`,
          [cut, input.today, batch],
        );
        if (rows.length === 0) return rows;
        const counters = new Map<string, Counter>();
        for (const row of rows) tally(counters, row.organisation_id, WHOLE_PERSON, ruleText, allCategories);
        await addDisposals(tx, input.sweepId, counters.values());
        await recordAuditEvents(
          tx,
          rows.map((r) => eraseEvent(input.actor, r.id)),
        );
        await queueErasureNotices(
          tx,
          rows.map((r) => ({ personId: r.id, organisationId: r.organisation_id, groups: [] })),
        );
        return rows;
      });
      if (claimed.length === 0) return;
      input.step();
      await completeErasures(
        ctx.vault,
        ctx.db,
        claimed.map((r) => r.id),
      );
      done += claimed.length;
      input.outcome.personsErased += claimed.length;
      input.progress({ phase: 'persons', done, total });
    });
  }
}

/** One retention class (a field group under its rule): its key destroyed per person, then its ciphertext. */
async function eraseDueGroups(ctx: GateContext, input: PhaseInput & { cls: RetentionClass }): Promise<void> {
  const { cls } = input;
  const cut = latestDueEventDay(cls.rule, input.today);
  if (cut === null) return;
  let done = 0;
  input.progress({ phase: 'groups', done, total: null });
  const due = `p.status = 'active' and ${duePredicate(cls.rule, '$1')} and not ${kept('$5')}
    and not exists (select 1 from group_erasure e where e.person_id = p.id and e.field_group = $3
                      and e.done_at is null)`;
  // The group's rows in the order they are stored, a page at a time (as for whole persons).
  let after = '(0,0)';
  for (;;) {
    const { rows: page } = await ctx.db.query<{ id: string; at: string }>(
      `select p.id, g.ctid::text as at from person_group g
         join person p on p.id = g.person_id
         left join case_state c on c.person_id = p.id
        where g.field_group = $3 and g.ctid > $4::tid and ${due} order by g.ctid limit $6`,
      [cut, input.today, cls.group, after, [...cls.categories], PREFILTER_PAGE],
    );
    if (page.length === 0) break;
    after = page.at(-1)!.at;
    await twoAtATime(batchesOf(page, input.batch), async (batch) => {
      const claimed = await ctx.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string; organisation_id: string }>(
          `select p.id, p.organisation_id from person p
             join person_group g on g.person_id = p.id and g.field_group = $3
             left join case_state c on c.person_id = p.id
            where p.id = any($4::uuid[]) and ${due} for update of p skip locked`,
          [cut, input.today, cls.group, batch, [...cls.categories]],
        );
        if (rows.length === 0) return rows;
        await tx.query(
          `insert into group_erasure (person_id, field_group, sweep_id, rule)
           select p, $2, $3, $4 from unnest($1::uuid[]) as x(p)`,
          [rows.map((r) => r.id), cls.group, input.sweepId, cls.ruleText],
        );
        const counters = new Map<string, Counter>();
        for (const row of rows) tally(counters, row.organisation_id, cls.group, cls.ruleText, cls.categories);
        await addDisposals(tx, input.sweepId, counters.values());
        await recordAuditEvents(
          tx,
          rows.map((r) => eraseEvent(input.actor, r.id, [cls.group])),
        );
        await queueErasureNotices(
          tx,
          rows.map((r) => ({ personId: r.id, organisationId: r.organisation_id, groups: [cls.group] })),
        );
        return rows;
      });
      if (claimed.length === 0) return;
      input.step();
      const finished = await finishGroupErasures(
        ctx,
        claimed.map((r) => r.id),
      );
      input.outcome.notSeparated += finished.notSeparated;
      done += claimed.length;
      input.outcome.groupsErased += claimed.length;
      input.progress({ phase: 'groups', done, total: null });
    });
  }
}

/**
 * Pending group erasures of these persons (all, when none are named): keys, then ciphertexts and tokens
 * (`eraseGroups`); the rows are then marked done.
 */
async function finishGroupErasures(
  ctx: GateContext,
  personIds?: readonly string[],
): Promise<{ done: number; notSeparated: number }> {
  const { rows } = await ctx.db.query<{ person_id: string; groups: string[] }>(
    `select e.person_id, array_agg(distinct e.field_group) as groups
       from group_erasure e where e.done_at is null ${personIds ? 'and e.person_id = any($1::uuid[])' : ''}
      group by e.person_id order by e.person_id`,
    personIds ? [personIds] : [],
  );
  if (rows.length === 0) return { done: 0, notSeparated: 0 };
  const items = rows.map((r) => ({ personId: r.person_id, groups: r.groups }));
  const { notSeparated } = await eraseGroups(ctx.vault, ctx.db, items);
  await ctx.db.query(
    `update group_erasure e set done_at = now() from unnest($1::uuid[], $2::text[]) as x(p, g)
      where e.person_id = x.p and e.field_group = x.g and e.done_at is null`,
    [items.flatMap((i) => i.groups.map(() => i.personId)), items.flatMap((i) => i.groups)],
  );
  return { done: rows.length, notSeparated };
}

/** What a killed sweep (or erasure) left half-done: persons still `erasing`, group erasures still pending. */
async function finishInterrupted(ctx: GateContext, step: () => void): Promise<number> {
  let finished = 0;
  for (;;) {
    const { rows } = await ctx.db.query<{ id: string }>(
      `select id from person where status = 'erasing' order by id limit 5000`,
    );
    if (rows.length === 0) break;
    await completeErasures(
      ctx.vault,
      ctx.db,
      rows.map((r) => r.id),
    );
    finished += rows.length;
  }
  const groups = await finishGroupErasures(ctx);
  finished += groups.done;
  if (finished > 0) step();
  return finished;
}

/** Items due today that a hold or a restriction keeps, per organisation (the sweep's figures; counts only). */
async function countKept(
  ctx: GateContext,
  today: string,
  personRule: RetentionRule,
  classes: readonly RetentionClass[],
): Promise<Record<string, number>> {
  const parts: string[] = [];
  const params: SqlValue[] = [null, today];
  const personCut = latestDueEventDay(personRule, today);
  if (personCut !== null) {
    params.push(personCut);
    parts.push(`(${duePredicate(personRule, `$${params.length}`)} and ${kept(null)})::int`);
  }
  for (const cls of classes) {
    const cut = latestDueEventDay(cls.rule, today);
    if (cut === null) continue;
    params.push(cut, cls.group, [...cls.categories]);
    const n = params.length;
    parts.push(
      `(${duePredicate(cls.rule, `$${n - 2}`)} and exists (select 1 from person_group g
         where g.person_id = p.id and g.field_group = $${n - 1}) and ${kept(`$${n}`)})::int`,
    );
  }
  if (parts.length === 0) return {};
  const { rows } = await ctx.db.query<{ organisation_id: string; n: number }>(
    `select p.organisation_id, sum(${parts.join(' + ')})::int as n
       from person p left join case_state c on c.person_id = p.id
      where p.status = 'active' and ${kept(null)} and $1::text is null group by 1`,
    params,
  );
  return Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.organisation_id, r.n]));
}

export interface SweepView {
  id: string;
  onDay: string;
  trigger: SweepTrigger;
  startedAt: string;
  finishedAt: string | null;
  state: 'running' | 'done' | 'failed';
  personsErased: number;
  groupsErased: number;
  held: number;
  /** The disposal figures of the caller's organisation ('*': whole persons). */
  disposals: { group: string; rule: string; categories: string[]; items: number }[];
}

export interface SweepsView {
  sweeps: SweepView[];
  lastDrill: { at: string; pass: boolean; digest: string } | null;
}

function supervisorsAndDpo(request: GateRequest, what: string, roles: readonly string[]) {
  const actor = request.actor;
  if (actor.kind !== 'staff' || !roles.includes(actor.role)) {
    throw new HavenError('access-denied', what, { status: 403, reason: 'not-permitted' });
  }
  return actor;
}

/**
 * The last sweeps with the organisation's disposal figures, and the last restore drill (RET-2, RES-1): for the
 * DPO and supervisors. Counts only; one ledger event.
 */
export function retentionSweeps(ctx: GateContext, request: GateRequest): Promise<SweepsView> {
  const action = 'retention.sweeps';
  const scoped: GateRequest = { ...request, purpose: RETENTION.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const actor = supervisorsAndDpo(request, 'The sweeps are shown to supervisors and the DPO.', [
      'supervisor',
      'dpo',
    ]);
    return ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<{
        id: string;
        on_day: string;
        trigger: SweepTrigger;
        started_at: Date;
        finished_at: Date | null;
        state: SweepView['state'];
        held: number;
        disposals: SweepView['disposals'] | null;
      }>(
        `select s.id, to_char(s.on_day, 'YYYY-MM-DD') as on_day, s.trigger, s.started_at, s.finished_at, s.state,
                coalesce((s.held_by_organisation ->> $1::text)::int, 0) as held,
                (select json_agg(json_build_object('group', d.field_group, 'rule', d.rule, 'categories', d.categories,
                   'items', d.items) order by d.field_group, d.rule)
                   from retention_disposal d where d.sweep_id = s.id and d.organisation_id = $1::uuid) as disposals
           from retention_sweep s order by s.started_at desc limit 20`,
        [actor.organisationId],
      );
      const { rows: drills } = await tx.query<{ at: Date; pass: boolean; digest: string }>(
        'select at, pass, digest from backup_drill order by at desc limit 1',
      );
      await recordAuditEvents(tx, [retentionEvent(scoped, action)]);
      return {
        sweeps: rows.map((r) => {
          const disposals = r.disposals ?? [];
          const sum = (whole: boolean) =>
            disposals.filter((d) => (d.group === WHOLE_PERSON) === whole).reduce((n, d) => n + d.items, 0);
          return {
            id: r.id,
            onDay: r.on_day,
            trigger: r.trigger,
            startedAt: r.started_at.toISOString(),
            finishedAt: r.finished_at?.toISOString() ?? null,
            state: r.state,
            // The organisation's own figures: other organisations' erasures are theirs to see.
            personsErased: sum(true),
            groupsErased: sum(false),
            held: r.held,
            disposals,
          };
        }),
        lastDrill: drills[0]
          ? { at: drills[0].at.toISOString(), pass: drills[0].pass, digest: drills[0].digest }
          : null,
      };
    });
  });
}

/**
 * The DPO's "sweep now" (RET-2): queues the sweep in the transaction of its ledger event, so it runs (once, on
 * whichever server takes it) only if the request was recorded. Answers with the sweep's id.
 */
export function requestRetentionSweep(
  ctx: GateContext,
  request: GateRequest,
  queue: (job: { sweepId: string; actor: AuditActor }, tx: Sql) => Promise<void>,
): Promise<{ sweepId: string }> {
  const action = 'retention.sweep-request';
  const scoped: GateRequest = { ...request, purpose: RETENTION.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const actor = supervisorsAndDpo(request, 'Only the DPO starts a retention sweep.', ['dpo']);
    const sweepId = randomUUID();
    await ctx.db.transaction(async (tx) => {
      await recordAuditEvents(tx, [retentionEvent(scoped, action)]);
      await queue({ sweepId, actor: auditActor(actor) }, tx);
    });
    return { sweepId };
  });
}
