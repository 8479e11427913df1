import { createHash } from 'node:crypto';
import { type Dictionary, formatRetentionRule } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { DEFAULT_CASE_STATES, PERSON_RULE } from '../domain/retention/rules.ts';
import { ROLES } from '../domain/roles.ts';

import { dpiaStateOn, type PurposeState } from '../gate/purposes.ts';
import { canonicalJson } from '../ledger/canonical-json.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import { compileForEvaluation, type EvaluationSet, evaluateUnder } from '../policy/evaluate.ts';
import type { Database, Sql } from '../store/database.ts';
import { listProcessors, type Processor } from './processors.ts';

/**
 * The record of processing activities (GOV-1, GDPR 30(1)(a)–(g)), generated — never kept by hand — from the
 * purpose register and dictionary, the retention rules, the access policies in force (who receives the data),
 * the processor register and the DPIA register. Published without sign-in at /transparency; every version that
 * differs from the one before is kept, dated.
 */

/** Haven's security measures (GDPR 30(1)(g)), as codes the public page explains in each language. */
export const SECURITY_MEASURES = [
  'purpose-and-consent-on-every-access',
  'least-privilege-by-role-tier-caseload',
  'second-factor-and-passkeys',
  'encryption-with-a-key-per-person',
  'keys-outside-the-database',
  'tamper-evident-audit-ledger',
  'erasure-by-destroying-keys',
  'independent-checkpoints-and-witnesses',
  'two-person-rule-for-changes',
] as const;

export interface RecordPurpose {
  name: string;
  title: string;
  description: string;
  status: PurposeState['status'];
  /** (b) the legal bases it rests on. */
  legalBases: string[];
  /** (c) categories of data, with the highest tier of each. */
  categories: { category: string; tier: number }[];
  /** (d) who receives it inside the organisation (roles the policies in force let read it); partners later. */
  recipients: { kind: 'role'; name: string }[];
  /** (e) countries outside the controller's where processors handle it, and on what safeguard. */
  transfers: { country: string; processor: string; safeguard: string | null }[];
  /** (f) how long: the purpose's rule and each category's. */
  retention: { purpose: string | null; categories: { category: string; rule: string }[] };
  dpia: {
    required: boolean;
    criteria: string[];
    state: string;
    version: number | null;
    reviewDate: string | null;
  };
  processors: { name: string; service: string; locations: string[]; problems: string[] }[];
}

export interface ProcessingRecord {
  /** (a) the controller and its DPO. */
  controller: {
    name: string;
    slug: string;
    contact: string | null;
    dpoContact: string | null;
    country: string | null;
  };
  /** (c) the people it is about. */
  subjects: { vulnerable: boolean; description: string | null };
  purposes: RecordPurpose[];
  /**
   * (f) how long, over all purposes (RET-1): the person-wide rule, the case states retention counts from, and that
   * the sweep erases by destroying keys. Each purpose adds its categories' rules.
   */
  retention: { person: string; caseStates: { name: string; closesCase: boolean; decidesClaim: boolean }[] };
  /** (g) general description of the technical and organisational measures. */
  security: string[];
  processors: PublicProcessor[];
  sources: { dictionary: string; dictionaryVersion: number; policyVersion: number };
}

export interface PublicProcessor {
  id: string;
  name: string;
  service: string;
  /** The processor it works for, when it is a sub-processor. */
  parent: string | null;
  categories: string[];
  purposes: string[];
  locations: string[];
  transferSafeguard: string | null;
  contractInForce: boolean;
  dpaInForce: boolean;
  ended: string | null;
  problems: string[];
}

export interface PublishedRecord {
  version: number;
  publishedAt: string;
  sha256: string;
  record: ProcessingRecord;
}

const compiled = new WeakMap<PolicyEngine, EvaluationSet>();

/** Roles the policies in force let read some of a purpose's data (in their caseload, with a valid basis). */
export function recipientRoles(
  engine: PolicyEngine,
  dictionary: Dictionary,
  state: PurposeState,
  organisation: string,
): string[] {
  let set = compiled.get(engine);
  if (!set) {
    set = compileForEvaluation(engine.compiled);
    compiled.set(engine, set);
  }
  const d = state.definition;
  const groups = dictionary.groups.filter((g) =>
    dictionary.fieldsOfGroup(g.name).some((f) => f.purposes.includes(d.name)),
  );
  const roles: string[] = [];
  for (const role of ROLES) {
    const reads = groups.some((g) =>
      d.legalBases.some((kind) => {
        const [decision] = evaluateUnder([set], {
          principal: { type: 'Staff', id: 'me', organisation, role, tier: 4 },
          action: 'read',
          resource: {
            type: 'PersonGroup',
            person: { id: 'p', organisation, assignees: ['me'], restricted: false },
            group: g.name,
            tier: g.tier,
            purposes: [...new Set(dictionary.fieldsOfGroup(g.name).flatMap((f) => f.purposes))],
          },
          context: {
            purpose: {
              name: d.name,
              prohibited: false,
              usable: true,
              dpia: 'approved',
              legalBases: [...d.legalBases],
            },
            basis: { state: 'active', kind },
            assurance: 3,
            breakGlass: false,
          },
        });
        return decision?.allowed === true;
      }),
    );
    if (reads) roles.push(role);
  }
  return roles;
}

/** What Haven knows of a purpose's processing: the record's entry for it, and the context shown with its DPIA. */
export function describeProcessing(
  state: PurposeState,
  sources: { dictionary: Dictionary; policies: PolicyEngine },
  organisation: { id: string; country: string | null },
  processors: readonly Processor[],
  now: Date,
): RecordPurpose {
  const { dictionary, policies } = sources;
  const d = state.definition;
  const today = now.toISOString().slice(0, 10);
  const categories = new Map<string, { tier: number; rules: Set<string> }>();
  for (const f of dictionary.fieldsReadableFor(d.name)) {
    const entry = categories.get(f.category) ?? { tier: 0, rules: new Set<string>() };
    entry.tier = Math.max(entry.tier, f.tier);
    entry.rules.add(formatRetentionRule(f.retention));
    categories.set(f.category, entry);
  }
  const serving = processors.filter((p) => p.purposes.includes(d.name) && !(p.endedOn && p.endedOn <= today));
  return {
    name: d.name,
    title: d.title,
    description: d.description,
    status: state.status,
    legalBases: [...d.legalBases],
    categories: [...categories]
      .map(([category, e]) => ({ category, tier: e.tier }))
      .sort((a, b) => (a.category < b.category ? -1 : 1)),
    recipients: recipientRoles(policies, dictionary, state, organisation.id).map((name) => ({
      kind: 'role' as const,
      name,
    })),
    transfers: serving.flatMap((p) =>
      p.locations
        .filter((c) => c !== organisation.country)
        .map((country) => ({ country, processor: p.name, safeguard: p.transferSafeguard })),
    ),
    retention: {
      purpose: d.retention ? formatRetentionRule(d.retention) : null,
      categories: [...categories]
        .flatMap(([category, e]) => [...e.rules].map((rule) => ({ category, rule })))
        .sort((a, b) => (a.category + a.rule < b.category + b.rule ? -1 : 1)),
    },
    dpia: {
      required: state.dpia.required,
      criteria: state.dpia.criteria.map((c) => c.criterion),
      state: dpiaStateOn(state.dpia, today),
      version: state.dpia.inForce?.version ?? null,
      reviewDate: state.dpia.inForce?.reviewDate ?? null,
    },
    processors: serving.map((p) => ({
      name: p.name,
      service: p.service,
      locations: p.locations,
      problems: p.problems,
    })),
  };
}

export async function processingRecord(
  sql: Sql,
  organisationId: string,
  sources: { dictionary: Dictionary; states: Map<string, PurposeState>; policies: PolicyEngine },
  now: Date,
): Promise<ProcessingRecord> {
  const { dictionary, states, policies } = sources;
  const { rows } = await sql.query<{
    name: string;
    slug: string;
    contact: string | null;
    dpo_contact: string | null;
    country: string | null;
  }>('select name, slug, contact, dpo_contact, country from organisation where id = $1', [organisationId]);
  const org = rows[0]!;
  const processors = await listProcessors(sql, organisationId, now);
  const purposes = [...states.values()]
    .filter((state) => !state.definition.prohibited)
    .map((state) =>
      describeProcessing(state, sources, { id: organisationId, country: org.country }, processors, now),
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    controller: {
      name: org.name,
      slug: org.slug,
      contact: org.contact,
      dpoContact: org.dpo_contact,
      country: org.country,
    },
    subjects: { vulnerable: dictionary.vulnerableSubjects, description: dictionary.description ?? null },
    purposes,
    retention: {
      person: formatRetentionRule(PERSON_RULE),
      caseStates: DEFAULT_CASE_STATES.map((state) => ({
        name: state.name,
        closesCase: state.sets.includes('case-closed'),
        decidesClaim: state.sets.includes('claim-decided'),
      })),
    },
    security: [...SECURITY_MEASURES],
    processors: processors.map(publicProcessor),
    sources: {
      dictionary: dictionary.name,
      dictionaryVersion: dictionary.version,
      policyVersion: policies.version,
    },
  };
}

/** What the public record says of a processor: who, for what, where, and whether its contract and DPA hold. */
function publicProcessor(p: Processor): PublicProcessor {
  return {
    name: p.name,
    service: p.service,
    parent: p.parentId,
    id: p.id,
    categories: p.categories,
    purposes: p.purposes,
    locations: p.locations,
    transferSafeguard: p.transferSafeguard,
    contractInForce: !p.problems.includes('contract-lapsed'),
    dpaInForce: !p.problems.includes('dpa-missing') && !p.problems.includes('dpa-lapsed'),
    ended: p.endedOn,
    problems: p.problems,
  };
}

/**
 * The record as published: generated now, and stored as a new dated version when it differs from the last one
 * published (a processor's problem appearing, a purpose suspended, a new policy version all count).
 */
export async function publishedRecord(
  db: Database,
  organisationId: string,
  sources: Parameters<typeof processingRecord>[2],
  now: Date,
): Promise<PublishedRecord> {
  const record = await processingRecord(db, organisationId, sources, now);
  const sha256 = createHash('sha256').update(canonicalJson(record)).digest('hex');
  // The public page is read often and changes seldom: no transaction when this process last saw the same record.
  const seen = lastSeen.get(db) ?? new Map<string, Omit<PublishedRecord, 'record'>>();
  lastSeen.set(db, seen);

  const known = seen.get(organisationId);
  if (known?.sha256 === sha256) return { ...known, record };
  const published = await db.transaction(async (tx) => {
    // One publisher at a time per organisation, so two servers never publish the same version twice.
    await tx.query('select pg_advisory_xact_lock(7302160, hashtext($1))', [organisationId]);
    const { rows } = await tx.query<{ version: number; sha256: string; published_at: Date }>(
      'select version, sha256, published_at from processing_record where organisation_id = $1 order by version desc limit 1',
      [organisationId],
    );
    const last = rows[0];
    if (last?.sha256 === sha256) {
      return { version: last.version, publishedAt: last.published_at.toISOString(), sha256, record };
    }
    const version = (last?.version ?? 0) + 1;
    const { rows: inserted } = await tx.query<{ published_at: Date }>(
      `insert into processing_record (organisation_id, version, sha256, content, published_at)
       values ($1, $2, $3, $4, $5) returning published_at`,
      [organisationId, version, sha256, record as unknown as Record<string, unknown>, now],
    );
    return { version, publishedAt: inserted[0]!.published_at.toISOString(), sha256, record };
  });
  seen.set(organisationId, { version: published.version, publishedAt: published.publishedAt, sha256 });
  return published;
}

const lastSeen = new WeakMap<Database, Map<string, Omit<PublishedRecord, 'record'>>>();

export async function recordVersions(
  sql: Sql,
  organisationId: string,
): Promise<{ version: number; publishedAt: string; sha256: string }[]> {
  const { rows } = await sql.query<{ version: number; published_at: Date; sha256: string }>(
    'select version, published_at, sha256 from processing_record where organisation_id = $1 order by version desc',
    [organisationId],
  );
  return rows.map((r) => ({
    version: r.version,
    publishedAt: r.published_at.toISOString(),
    sha256: r.sha256,
  }));
}

export async function recordVersion(
  sql: Sql,
  organisationId: string,
  version: number,
): Promise<PublishedRecord> {
  const { rows } = await sql.query<{
    version: number;
    published_at: Date;
    sha256: string;
    content: ProcessingRecord;
  }>(
    'select version, published_at, sha256, content from processing_record where organisation_id = $1 and version = $2',
    [organisationId, version],
  );
  const row = rows[0];
  if (!row) {
    throw new HavenError('record-version-not-found', 'That version of the record was never published.', {
      status: 404,
    });
  }
  return {
    version: row.version,
    publishedAt: row.published_at.toISOString(),
    sha256: row.sha256,
    record: row.content,
  };
}
