import { HavenError, notFound } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { throughGate } from './entry.ts';
import { fixedPurpose } from './purposes.ts';

/**
 * The people a breach affected (BRE-3), kept per incident: which people, which categories of their data, how —
 * computed from the ledger by src/incidents/affected.ts and stored here, because the list links each person to a
 * breach. The incident page sees counts; the list itself leaves the gate only as the notices (breach-notices.ts).
 */

/** Telling the authority and the people of a breach is the organisation's legal duty (GDPR 33, 34), not a purpose a header declares. */
export const BREACH = fixedPurpose(
  'breach-response',
  'Breach response',
  'Finding the people a personal-data breach affected and telling them (GDPR 33, 34).',
);

/** What src/incidents/affected.ts computed; the gate checks the people against the organisation before keeping it. */
export interface AffectedInput {
  source: { kind: 'account' | 'partner' | 'partner-credential'; id: string; key: string | null };
  window: { from: Date; to: Date };
  attribution: 'exact' | 'partner-wide';
  ledgerHead: number;
  firstSeq: number | null;
  lastSeq: number | null;
  people: { personId: string; categories: string[]; exposures: string[]; events: number }[];
  events: number;
  denied: number;
  byCategory: Record<string, number>;
  byExposure: Record<string, number>;
  /** SHA-256 of the computation (computationDigest): the ledger keeps it instead of the ids. */
  digest: Buffer;
}

export interface NoticeFigures {
  issued: number;
  portal: number;
  letters: number;
  read: number;
  printed: number;
  /** When the notices were issued (a drill's step too); null while none. */
  issuedAt: string | null;
}

export interface AffectedSummary {
  incidentId: string;
  source: { kind: string; id: string; key: string | null };
  window: { from: string; to: string };
  attribution: 'exact' | 'partner-wide';
  ledgerHead: number;
  firstSeq: number | null;
  lastSeq: number | null;
  people: number;
  events: number;
  denied: number;
  byCategory: Record<string, number>;
  byExposure: Record<string, number>;
  computedAt: string;
  computedBy: string;
  digest: string;
  notices: NoticeFigures;
}

/** Who computes and issues (the DPO) and who may read the counts (also oversight and auditors), of one organisation. */
const COMPUTE: readonly Role[] = ['dpo'];
const READ: readonly Role[] = ['dpo', 'oversight', 'auditor'];

export function staffWith(
  request: GateRequest,
  roles: readonly Role[],
  what: string,
): Extract<GateRequest['actor'], { kind: 'staff' }> {
  const actor = request.actor;
  if (actor.kind !== 'staff' || !roles.includes(actor.role)) {
    throw new HavenError('access-denied', `Only ${roles.join(', ')} staff ${what}.`, {
      status: 403,
      reason: 'not-permitted',
    });
  }
  return actor;
}

export interface IncidentFacts {
  id: string;
  organisationId: string;
  reference: string;
  drill: boolean;
  highRisk: boolean;
}

/** The incident, only the actor's organisation's: another's is not found (it is not theirs to know of). */
export async function incidentFacts(
  sql: Sql,
  organisationId: string,
  incidentId: string,
  lock = false,
): Promise<IncidentFacts> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(incidentId))
    throw notFound('incident');
  const { rows } = await sql.query<{ id: string; reference: string; drill: boolean; high_risk: boolean }>(
    `select id, reference, drill, high_risk from incident where id = $1::uuid and organisation_id = $2::uuid
     ${lock ? 'for update' : ''}`,
    [incidentId, organisationId],
  );
  if (!rows[0]) throw notFound('incident');
  return {
    id: rows[0].id,
    organisationId,
    reference: rows[0].reference,
    drill: rows[0].drill,
    highRisk: rows[0].high_risk,
  };
}

export function breachEvent(
  request: GateRequest,
  action: string,
  subject: { id: string; type: 'incident' | 'person' },
  extra: Partial<Pick<NewAuditEvent, 'reason' | 'fieldGroups' | 'digest' | 'decision'>> = {},
): NewAuditEvent {
  return {
    actor: auditActor(request.actor),
    ...policyOf(request),
    action,
    purpose: BREACH.name,
    subject: subject.id,
    subjectType: subject.type,
    decision: 'allow',
    reason: 'ok',
    ...extra,
    ...(request.requestId ? { requestId: request.requestId } : {}),
  };
}

/**
 * Keeps a computation for the incident, replacing an earlier one — unless notices were issued from it: then it
 * stays as the record of whom they went to. One ledger event for the incident (the digest, no ids) and one per
 * person (each sees in their access history that the DPO found them affected, AUD-5).
 */
export function recordAffected(
  ctx: GateContext,
  request: GateRequest,
  incidentId: string,
  input: AffectedInput,
): Promise<AffectedSummary> {
  const action = 'incident.affected';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, COMPUTE, 'compute the people a breach affected');
    return ctx.db.transaction(async (tx) => {
      const incident = await incidentFacts(tx, staff.organisationId, incidentId, true);
      const { rows: issued } = await tx.query('select 1 from breach_notice where incident_id = $1 limit 1', [
        incident.id,
      ]);
      if (issued.length > 0) {
        throw new HavenError(
          'affected-notices-issued',
          'Notices were issued from the people computed for this incident: that computation stays as their record.',
          { status: 409 },
        );
      }
      // Every event of an organisation's staff or partner is about its own people; anything else is dropped.
      const ids = input.people.map((p) => p.personId);
      const { rows: own } = await tx.query<{ id: string }>(
        'select id from person where id = any($1::uuid[]) and organisation_id = $2::uuid',
        [ids, incident.organisationId],
      );
      const ours = new Set(own.map((r) => r.id));
      const people = input.people.filter((p) => ours.has(p.personId));
      await tx.query('delete from incident_affected where incident_id = $1', [incident.id]);
      await tx.query(
        `insert into incident_affected (incident_id, organisation_id, source_kind, source_id, source_key, window_from,
           window_to, ledger_head, first_seq, last_seq, people, events, denied, attribution, by_category, by_exposure,
           digest, computed_at, computed_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $19)`,
        [
          incident.id,
          incident.organisationId,
          input.source.kind,
          input.source.id,
          input.source.key,
          input.window.from,
          input.window.to,
          input.ledgerHead,
          people.length > 0 ? input.firstSeq : null,
          people.length > 0 ? input.lastSeq : null,
          people.length,
          input.events,
          input.denied,
          input.attribution,
          JSON.stringify(input.byCategory),
          JSON.stringify(input.byExposure),
          input.digest,
          ctx.now(),
          staff.accountId,
        ],
      );
      if (people.length > 0) {
        await tx.query(
          `insert into incident_affected_person (incident_id, person_id, categories, exposures, events)
           select $1, p, string_to_array(c, ','), string_to_array(x, ','), n
             from unnest($2::uuid[], $3::text[], $4::text[], $5::int[]) as u(p, c, x, n)`,
          [
            incident.id,
            people.map((p) => p.personId),
            people.map((p) => p.categories.join(',')),
            people.map((p) => p.exposures.join(',')),
            people.map((p) => p.events),
          ],
        );
      }
      await recordAuditEvents(tx, [
        breachEvent(
          scoped,
          action,
          { id: incident.id, type: 'incident' },
          { digest: input.digest.toString('hex') },
        ),
        ...people.map((p) =>
          breachEvent(scoped, 'incident.affected-person', { id: p.personId, type: 'person' }),
        ),
      ]);
      return (await summaryOf(tx, incident.id))!;
    });
  });
}

interface AffectedRow {
  incident_id: string;
  source_kind: string;
  source_id: string;
  source_key: string | null;
  window_from: Date;
  window_to: Date;
  attribution: 'exact' | 'partner-wide';
  ledger_head: string;
  first_seq: string | null;
  last_seq: string | null;
  people: number;
  events: number;
  denied: number;
  by_category: Record<string, number>;
  by_exposure: Record<string, number>;
  digest: Buffer;
  computed_at: Date;
  computed_by: string;
  issued: number;
  portal: number;
  letters: number;
  read: number;
  printed: number;
  issued_at: Date | null;
}

async function summaryOf(sql: Sql, incidentId: string): Promise<AffectedSummary | null> {
  const { rows } = await sql.query<AffectedRow>(
    `select a.*, n.issued, n.portal, n.letters, n.read, n.printed, n.issued_at
       from incident_affected a,
       lateral (select count(*)::int as issued, count(*) filter (where channel = 'portal')::int as portal,
                       count(*) filter (where channel = 'letter')::int as letters,
                       count(read_at)::int as read, count(printed_at)::int as printed, min(issued_at) as issued_at
                  from breach_notice b where b.incident_id = a.incident_id) n
      where a.incident_id = $1`,
    [incidentId],
  );
  const r = rows[0];
  if (!r) return null;
  const seq = (v: string | null) => (v === null ? null : Number(v));
  return {
    incidentId: r.incident_id,
    source: { kind: r.source_kind, id: r.source_id, key: r.source_key },
    window: { from: r.window_from.toISOString(), to: r.window_to.toISOString() },
    attribution: r.attribution,
    ledgerHead: Number(r.ledger_head),
    firstSeq: seq(r.first_seq),
    lastSeq: seq(r.last_seq),
    people: r.people,
    events: r.events,
    denied: r.denied,
    byCategory: r.by_category,
    byExposure: r.by_exposure,
    computedAt: r.computed_at.toISOString(),
    computedBy: r.computed_by,
    digest: Buffer.from(r.digest).toString('hex'),
    notices: {
      issued: r.issued,
      portal: r.portal,
      letters: r.letters,
      read: r.read,
      printed: r.printed,
      issuedAt: r.issued_at?.toISOString() ?? null,
    },
  };
}

/** The counts for the incident page (DPO, oversight, auditors of the organisation): no person is named. Null before any computation. */
export function affectedSummary(
  ctx: GateContext,
  request: GateRequest,
  incidentId: string,
): Promise<AffectedSummary | null> {
  const action = 'incident.affected-view';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, READ, 'see the people a breach affected');
    const incident = await incidentFacts(ctx.db, staff.organisationId, incidentId);
    return summaryOf(ctx.db, incident.id);
  });
}

/** The breach-response steps of incidents, for the drills' figures (H1's register reads them): times and counts only. */
export interface BreachSteps {
  affectedComputedAt: string | null;
  people: number | null;
  noticesIssuedAt: string | null;
  notices: number;
}

/**
 * When the affected people were (last) computed and when notices were issued, per incident of the organisation —
 * the figures of drills (BRE-2) and of the annual report. Counts and times, no person.
 */
export function breachSteps(
  ctx: GateContext,
  request: GateRequest,
  incidentIds: readonly string[],
): Promise<Record<string, BreachSteps>> {
  const action = 'incident.breach-steps';
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const staff = staffWith(request, READ, 'see the steps of breach response');
    const ids = incidentIds.filter((id) => /^[0-9a-f-]{36}$/.test(id));
    const { rows } = await ctx.db.query<{
      id: string;
      computed_at: Date | null;
      people: number | null;
      issued_at: Date | null;
      notices: number;
    }>(
      `select i.id, a.computed_at, a.people,
              (select min(issued_at) from breach_notice b where b.incident_id = i.id) as issued_at,
              (select count(*)::int from breach_notice b where b.incident_id = i.id) as notices
         from incident i left join incident_affected a on a.incident_id = i.id
        where i.id = any($1::uuid[]) and i.organisation_id = $2::uuid`,
      [ids, staff.organisationId],
    );
    return Object.fromEntries(
      rows.map((r) => [
        r.id,
        {
          affectedComputedAt: r.computed_at?.toISOString() ?? null,
          people: r.people,
          noticesIssuedAt: r.issued_at?.toISOString() ?? null,
          notices: r.notices,
        },
      ]),
    );
  });
}

/** What waits on the DPO in breach response (the work list): references and counts only, no person. */
export interface BreachWork {
  /** Real high-risk incidents whose people were computed (someone found) and not yet told. */
  toIssue: { incidentId: string; reference: string; people: number }[];
  /** Real incidents with letters never printed. */
  toPrint: { incidentId: string; reference: string; letters: number }[];
}

export function breachWork(ctx: GateContext, request: GateRequest): Promise<BreachWork> {
  const scoped = { ...request, purpose: BREACH.name };
  return throughGate(ctx, scoped, 'incident.breach-work', undefined, async () => {
    const staff = staffWith(request, COMPUTE, 'see the breach notices waiting');
    const { rows: toIssue } = await ctx.db.query<{ id: string; reference: string; people: number }>(
      `select i.id, i.reference, a.people from incident i join incident_affected a on a.incident_id = i.id
        where i.organisation_id = $1::uuid and not i.drill and i.high_risk and a.people > 0
          and not exists (select 1 from breach_notice b where b.incident_id = i.id)
        order by i.aware_at`,
      [staff.organisationId],
    );
    const { rows: toPrint } = await ctx.db.query<{ id: string; reference: string; letters: number }>(
      `select i.id, i.reference, count(*)::int as letters from incident i join breach_notice b on b.incident_id = i.id
        where i.organisation_id = $1::uuid and not i.drill and b.channel = 'letter' and b.printed_at is null
        group by i.id, i.reference, i.aware_at order by i.aware_at`,
      [staff.organisationId],
    );
    return {
      toIssue: toIssue.map((r) => ({ incidentId: r.id, reference: r.reference, people: r.people })),
      toPrint: toPrint.map((r) => ({ incidentId: r.id, reference: r.reference, letters: r.letters })),
    };
  });
}
