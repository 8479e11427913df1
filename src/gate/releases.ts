import { createHash, createHmac, randomUUID } from 'node:crypto';
import { type PartnerEncryptionKey, sealForPartner } from '../crypto/release-envelope.ts';
import type { FieldDefinition, TypeSpec } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import type { AgreementFacts } from '../domain/sharing/agreements.ts';
import { maskIdentifiers } from '../domain/sharing/free-text.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import type { RecipientFacts, ResourceFacts } from '../policy/requests.ts';
import { isPersonId, type PersonMeta, readGroups } from '../records/person-records.ts';
import type { Sql } from '../store/database.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { decideOne } from './decide.ts';
import { throughGate } from './entry.ts';
import { primaryReason } from './explain.ts';
import { basisFor } from './facts.ts';
import { partnerBlocked } from './partner-notices.ts';
import { loadPerson } from './person-facts.ts';
import type { ResolvedPurpose } from './purposes.ts';

/**
 * Releases to partners (SHA-2, SHA-3, MIN-5): records go out only under an agreement in force (checked by the
 * caller with activeAgreement, and again here for its purposes), only the agreed fields, only for people whose
 * legal basis covers every purpose of the agreement, never to the authorities of a state the person's nationality,
 * origin or claim concerns — decided by the policies for each person, with the countries read from their own
 * record for this decision only — under a pseudonym of that partner, free text masked, signed by Haven and
 * encrypted to the partner's key. One ledger event per person (allowed or refused) and the release kept as sent.
 */
export const RELEASE_FORMAT = 'haven-release/1';
/** A release may be fetched this long, and this many times (each fetch recorded). */
export const RELEASE_HOURS = 24;
export const RELEASE_DOWNLOADS = 3;
/** The most people one release may hold; more go in several. */
export const RELEASE_MAX_PEOPLE = 5000;

export interface ReleaseTarget {
  agreement: AgreementFacts;
  partner: { id: string; kind: string; actsForCountry: string | null };
  encryptionKey: PartnerEncryptionKey;
}

/** Who: people by id (a staff push), by the pseudonyms a partner knows them by, or everyone the agreement covers. */
export type ReleaseSelection = { personIds: unknown } | { pseudonyms: unknown } | { all: true };

export interface ReleasedRecord {
  pseudonym: string;
  /** The agreed fields the person has, by field name. */
  fields: Record<string, unknown>;
  /** Identifiers masked in free text (MIN-5), by kind. */
  masked?: Record<string, number>;
}

export interface ReleasePayload {
  format: typeof RELEASE_FORMAT;
  release: string;
  agreement: string;
  partner: string;
  issuedAt: string;
  records: ReleasedRecord[];
  /** For people the partner asked about by pseudonym: why nothing came (`consent_withdrawn`, `not-released`, …). */
  refused: { pseudonym: string; code: string }[];
}

export interface ReleaseSummary {
  id: string;
  agreementId: string;
  partnerId: string;
  records: number;
  refused: number;
  /** For a staff push: who was refused and why (ids stay inside the organisation). */
  refusals: { personId: string; reason: string }[];
  /** For a partner's request: its pseudonyms refused, with the codes it is told. */
  refusedPseudonyms: { pseudonym: string; code: string }[];
  fieldGroups: string[];
  expiresAt: string;
  digest: string;
}

const invalid = (code: string, message: string) => new HavenError(code, message, { status: 422 });

/** The pseudonym a partner knows a person by: keyed per partner, so two partners' pseudonyms never match. */
export function pseudonymOf(ctx: GateContext, partnerId: string, personId: string): string {
  const key = createHmac('sha256', ctx.pseudonymSecret).update(`partner:${partnerId}`).digest();
  const mac = createHmac('sha256', key).update(personId).digest();
  return `p-${base32(mac).slice(0, 26)}`;
}

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The countries a value of this spec names (nationality, country of origin, a claim against a state). */
function countriesIn(spec: TypeSpec, value: unknown, out: Set<string>): void {
  if (spec.type === 'country' && typeof value === 'string') out.add(value);
  else if (spec.type === 'list' && Array.isArray(value)) for (const v of value) countriesIn(spec.of, v, out);
  else if (spec.type === 'record' && value && typeof value === 'object') {
    for (const member of spec.fields)
      countriesIn(member.spec, (value as Record<string, unknown>)[member.name], out);
  }
}

const hasCountry = (spec: TypeSpec): boolean =>
  spec.type === 'country' ||
  (spec.type === 'list' && hasCountry(spec.of)) ||
  (spec.type === 'record' && spec.fields.some((m) => m.spec.type === 'country'));

/**
 * The countries a person's own record names — nationality, country of origin, any other country field — read for
 * the SHA-3 decision only and never released for it.
 */
export async function countriesOf(
  ctx: GateContext,
  tx: Sql,
  meta: PersonMeta,
  read?: Record<string, Record<string, unknown>>,
): Promise<string[]> {
  const fields = ctx.dictionary.fields.filter((f) => hasCountry(f.spec));
  const values =
    read ??
    (await readGroups(
      ctx.vault,
      tx,
      meta,
      meta.groups.filter((g) => fields.some((f) => f.group === g)),
    ));
  const countries = new Set<string>();
  for (const f of fields) countriesIn(f.spec, values[f.group]?.[f.name], countries);
  return [...countries];
}

/**
 * What every release and every answer to a partner starts with, in its transaction: the agreement is the actor's
 * organisation's; a partner that left notices of withdrawals, corrections or erasures unacknowledged past their
 * time gets nothing new until the DPO settles them (PUR-4, RIG-4); and the agreement's purposes, resolved now.
 */
export async function openForPartner(
  ctx: GateContext,
  tx: Sql,
  request: GateRequest,
  target: { agreement: AgreementFacts; partner: { id: string } },
  now: Date,
): Promise<ResolvedPurpose[]> {
  if (target.agreement.organisationId !== request.actor.organisationId) {
    throw new HavenError('agreement-not-found', 'No such agreement.', { status: 404 });
  }
  if (await partnerBlocked(tx, target.partner.id, now)) {
    throw new HavenError(
      'partner-notices-unacknowledged',
      'This partner has not acknowledged notices of withdrawals, corrections or erasures in time: nothing more goes to it until they are settled.',
      { status: 409 },
    );
  }
  const purposes: ResolvedPurpose[] = [];
  for (const name of target.agreement.purposes) purposes.push(await ctx.purposes.resolve(name, now, tx));
  return purposes;
}

/**
 * The policies' decision for one person going to a partner (SHA-2 – SHA-4), for every purpose of the agreement:
 * undefined when allowed, else the reason. Any basis a purpose accepts covers it, but an agreement made on consent
 * needs the person's consent.
 */
export async function decideForPartner(
  ctx: GateContext,
  tx: Sql,
  request: GateRequest,
  action: 'release' | 'verify',
  purposes: readonly ResolvedPurpose[],
  agreement: AgreementFacts,
  release: Omit<Extract<ResourceFacts, { type: 'PersonRelease' }>, 'type'>,
): Promise<string | undefined> {
  for (const purpose of purposes) {
    const basis = await basisFor(tx, release.person.id, purpose.name);
    const covering =
      basis.state === 'active' && agreement.legalBasis === 'consent' && basis.kind !== 'consent'
        ? { state: 'none' as const, kind: 'none' }
        : basis;
    const decision = decideOne(
      ctx,
      request.actor,
      action,
      { type: 'PersonRelease', ...release },
      purpose,
      covering,
    );
    if (!decision.allowed) return primaryReason(decision.reasons);
  }
  return undefined;
}

/** Free text of a value, masked (MIN-5); other values as they are. */
function masked(
  spec: TypeSpec,
  value: unknown,
  names: readonly string[],
  counts: Record<string, number>,
): unknown {
  const text = (v: unknown) => {
    if (typeof v !== 'string') return v;
    const m = maskIdentifiers(v, names);
    for (const [k, n] of Object.entries(m.counts)) if (n > 0) counts[k] = (counts[k] ?? 0) + n;
    return m.text;
  };
  if (spec.type === 'text') return text(value);
  if (spec.type === 'list' && Array.isArray(value))
    return value.map((v) => masked(spec.of, v, names, counts));
  if (spec.type === 'record' && value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const member = spec.fields.find((f) => f.name === k);
      // Another person's Haven id never leaves with this person's record.
      if (member?.spec.type === 'person-ref') continue;
      out[k] = member?.spec.type === 'text' ? text(v) : v;
    }
    return out;
  }
  return value;
}

/** Names of other people Haven knows around the person (relatives), to mask in free text. */
function relativesNames(values: Record<string, Record<string, unknown>>): string[] {
  const names: string[] = [];
  for (const group of Object.values(values)) {
    const links = group['family-links'];
    if (!Array.isArray(links)) continue;
    for (const link of links) {
      const name = (link as { name?: unknown }).name;
      if (typeof name === 'string') names.push(name, ...name.split(/\s+/).filter((n) => n.length >= 3));
    }
  }
  return names;
}

async function peopleOf(
  tx: Sql,
  target: ReleaseTarget,
  selection: ReleaseSelection,
): Promise<{ personId: string; asked?: string }[]> {
  if ('all' in selection) {
    const { rows } = await tx.query<{ id: string }>(
      `select id from person where organisation_id = $1 and status = 'active' order by created_at, id limit $2`,
      [target.agreement.organisationId, RELEASE_MAX_PEOPLE],
    );
    return rows.map((r) => ({ personId: r.id }));
  }
  if ('personIds' in selection) {
    const ids = selection.personIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > RELEASE_MAX_PEOPLE || !ids.every(isIdText)) {
      throw invalid('release-people-invalid', `Give 1 to ${RELEASE_MAX_PEOPLE} person ids.`);
    }
    return [...new Set(ids as string[])].map((personId) => ({ personId }));
  }
  const asked = selection.pseudonyms;
  if (
    !Array.isArray(asked) ||
    asked.length === 0 ||
    asked.length > RELEASE_MAX_PEOPLE ||
    !asked.every((p) => typeof p === 'string' && /^p-[a-z2-7]{26}$/.test(p))
  ) {
    throw invalid('release-pseudonyms-invalid', `Give 1 to ${RELEASE_MAX_PEOPLE} pseudonyms (p-…).`);
  }
  const { rows } = await tx.query<{ pseudonym: string; person_id: string }>(
    'select pseudonym, person_id from partner_pseudonym where partner_id = $1 and pseudonym = any($2::text[])',
    [target.partner.id, asked],
  );
  const known = new Map(rows.map((r) => [r.pseudonym, r.person_id]));
  return [...new Set(asked as string[])].map((p) => ({ personId: known.get(p) ?? '', asked: p }));
}

const isIdText = (v: unknown) => typeof v === 'string' && isPersonId(v);

/** The code a partner is told for a refused person: withdrawal is said; anything else (SHA-3 above all) is not. */
function partnerCode(reason: string): string {
  return reason === 'consent_withdrawn' ? 'consent_withdrawn' : 'not-released';
}

export function releaseRecords(
  ctx: GateContext,
  request: GateRequest,
  target: ReleaseTarget,
  selection: ReleaseSelection,
): Promise<ReleaseSummary> {
  const action = 'sharing.release';
  const { agreement, partner } = target;
  return throughGate(ctx, { ...request, purpose: agreement.purposes[0] }, action, undefined, async () => {
    const fields = agreement.fields
      .map((name) => ctx.dictionary.field(name))
      .filter((f): f is FieldDefinition => f !== undefined);
    const countryFields = ctx.dictionary.fields.filter((f) => hasCountry(f.spec));
    const recipient: RecipientFacts = { kind: partner.kind, actsFor: partner.actsForCountry ?? '' };
    const now = ctx.now();
    return ctx.db.transaction(async (tx) => {
      const purposes = await openForPartner(ctx, tx, request, target, now);
      const people = await peopleOf(tx, target, selection);
      const releaseId = randomUUID();
      const records: ReleasedRecord[] = [];
      const releasedIds: string[] = [];
      const refusals: { personId: string; reason: string }[] = [];
      const refusedPseudonyms: { pseudonym: string; code: string }[] = [];
      const events: NewAuditEvent[] = [];
      const groupsOut = new Set<string>();
      const base = {
        actor: auditActor(request.actor),
        // A staff push: the ledger names the staff member as actor, and the partner as the recipient (BRE-3).
        ...(request.actor.kind === 'staff' ? { recipient: partner.id } : {}),
        ...policyOf(request),
        action,
        purpose: purposes[0]!.name,

        ...(request.requestId ? { requestId: request.requestId } : {}),
      };
      for (const { personId, asked } of people) {
        if (!personId) {
          refusedPseudonyms.push({ pseudonym: asked!, code: 'unknown-pseudonym' });
          continue;
        }
        const loaded = await loadPerson(tx, { ...request, purpose: purposes[0]!.name }, personId, action);
        if (!loaded.ok) {
          // Unknown, erased or another organisation's: already a deny event in the ledger.
          if (asked) refusedPseudonyms.push({ pseudonym: asked, code: 'not-released' });
          else refusals.push({ personId, reason: loaded.error.code });
          continue;
        }
        const { meta, facts } = loaded.value;
        const wanted = new Set([...fields, ...countryFields].map((f) => f.group));
        const values = await readGroups(
          ctx.vault,
          tx,
          meta,
          meta.groups.filter((g) => wanted.has(g)),
        );
        const countries = await countriesOf(ctx, tx, meta, values);
        const refusedFor = await decideForPartner(ctx, tx, request, 'release', purposes, agreement, {
          person: facts,
          countries,
          recipient,
        });
        if (refusedFor) {
          events.push({
            ...base,
            subject: personId,
            subjectType: 'person',
            decision: 'deny',
            reason: refusedFor,
          });
          if (asked) refusedPseudonyms.push({ pseudonym: asked, code: partnerCode(refusedFor) });
          else refusals.push({ personId, reason: refusedFor });
          continue;
        }
        const names = relativesNames(values);
        const counts: Record<string, number> = {};
        const out: Record<string, unknown> = {};
        const groups = new Set<string>();
        for (const f of fields) {
          const value = values[f.group]?.[f.name];
          if (value === undefined) continue;
          out[f.name] = masked(f.spec, value, names, counts);
          groups.add(f.group);
          groupsOut.add(f.group);
        }
        const pseudonym = pseudonymOf(ctx, partner.id, personId);
        await tx.query(
          `insert into partner_pseudonym (partner_id, person_id, pseudonym) values ($1, $2, $3)
           on conflict (partner_id, person_id) do nothing`,
          [partner.id, personId, pseudonym],
        );
        records.push({
          pseudonym,
          fields: out,
          ...(Object.keys(counts).length > 0 ? { masked: counts } : {}),
        });
        releasedIds.push(personId);
        events.push({
          ...base,
          subject: personId,
          subjectType: 'person',
          fieldGroups: [...groups].sort(),
          decision: 'allow',
          reason: 'ok',
        });
      }
      const payload: ReleasePayload = {
        format: RELEASE_FORMAT,
        release: releaseId,
        agreement: agreement.id,
        partner: partner.id,
        issuedAt: now.toISOString(),
        records,
        refused: refusedPseudonyms,
      };
      const envelope = await sealForPartner(payload, ctx.releaseSigner, target.encryptionKey);
      const digest = createHash('sha256').update(envelope).digest();
      const expiresAt = new Date(now.getTime() + RELEASE_HOURS * 3_600_000);
      const staffId = request.actor.kind === 'staff' ? request.actor.accountId : null;
      await tx.query(
        `insert into release (id, organisation_id, partner_id, agreement_id, requested_by, staff_id, records, refused,
           field_groups, envelope, digest, expires_at, max_downloads)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          releaseId,
          agreement.organisationId,
          partner.id,
          agreement.id,
          staffId ? 'staff' : 'partner',
          staffId,
          records.length,
          refusals.length + refusedPseudonyms.length,
          [...groupsOut].sort(),
          envelope,
          digest,
          expiresAt,
          RELEASE_DOWNLOADS,
        ],
      );
      if (releasedIds.length > 0) {
        await tx.query('insert into release_person (release_id, person_id) select $1, unnest($2::uuid[])', [
          releaseId,
          releasedIds,
        ]);
      }
      await recordAuditEvents(tx, events);
      return {
        id: releaseId,
        agreementId: agreement.id,
        partnerId: partner.id,
        records: records.length,
        refused: refusals.length + refusedPseudonyms.length,
        refusals,
        refusedPseudonyms,
        fieldGroups: [...groupsOut].sort(),
        expiresAt: expiresAt.toISOString(),
        digest: digest.toString('hex'),
      };
    });
  });
}

/**
 * A partner fetches its release (the JWE as sent): only its own, before it expires, a few times — each fetch
 * recorded; the last one drops the envelope, which Haven cannot read anyway.
 */
export function fetchRelease(
  ctx: GateContext,
  request: GateRequest,
  releaseId: string,
): Promise<{ envelope: string; downloadsLeft: number }> {
  const action = 'sharing.release-fetch';
  return throughGate(ctx, request, action, undefined, () =>
    ctx.db.transaction(async (tx) => {
      const partnerId = request.actor.kind === 'partner' ? request.actor.partnerId : null;
      const { rows } = await tx.query<{
        envelope: string | null;
        downloads: number;
        max_downloads: number;
        expired: boolean;
        agreement_id: string;
      }>(
        `select envelope, downloads, max_downloads, expires_at <= now() as expired, agreement_id from release
          where id = $1 and partner_id = $2 for update`,
        [isPersonId(releaseId) ? releaseId : '00000000-0000-0000-0000-000000000000', partnerId],
      );
      const row = rows[0];
      if (!row) throw new HavenError('release-not-found', 'No such release for you.', { status: 404 });
      if (row.downloads >= row.max_downloads) {
        throw new HavenError('release-download-limit', 'This release was fetched as often as allowed.', {
          status: 410,
        });
      }
      if (row.expired || row.envelope === null) {
        throw new HavenError('release-expired', 'This release can no longer be fetched; ask again.', {
          status: 410,
        });
      }
      const last = row.downloads + 1 >= row.max_downloads;
      await tx.query(
        `update release set downloads = downloads + 1, envelope = case when $2 then null else envelope end
          where id = $1`,
        [releaseId, last],
      );
      await recordAuditEvents(tx, [
        {
          actor: auditActor(request.actor),
          ...policyOf(request),
          action,
          subject: row.agreement_id,
          subjectType: 'agreement',
          decision: 'allow',
          reason: 'ok',
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
      ]);
      return { envelope: row.envelope, downloadsLeft: row.max_downloads - row.downloads - 1 };
    }),
  );
}

export interface ReleaseListItem {
  id: string;
  releasedAt: string;
  /** People released, and refused. */
  people: number;
  refused: number;
  requestedBy: 'partner' | 'staff';
  fieldGroups: string[];
  downloads: number;
  expiresAt: string;
  digest: string;
}

/** What went out under one agreement (SHA-2): counts and dates, never who. Newest first. */
export function listAgreementReleases(
  ctx: GateContext,
  request: GateRequest,
  agreementId: string,
): Promise<ReleaseListItem[]> {
  return throughGate(ctx, request, 'sharing.release-list', undefined, async () => {
    // Whoever answers for sharing, and those who audit it; never a partner, a clerk or a caseworker.
    const readers = ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'];
    if (request.actor.kind !== 'staff' || !readers.includes(request.actor.role)) {
      throw new HavenError('not-permitted', 'Your role does not see what was released to partners.', {
        status: 403,
      });
    }
    const { rows } = await ctx.db.query<{
      id: string;
      created_at: Date;
      records: number;
      refused: number;
      requested_by: 'partner' | 'staff';
      field_groups: string[];
      downloads: number;
      expires_at: Date;
      digest: Buffer;
    }>(
      `select id, created_at, records, refused, requested_by, field_groups, downloads, expires_at, digest
         from release where agreement_id = $1 and organisation_id = $2 order by created_at desc limit 500`,
      [
        isPersonId(agreementId) ? agreementId : '00000000-0000-0000-0000-000000000000',
        request.actor.organisationId,
      ],
    );
    return rows.map((r) => ({
      id: r.id,
      releasedAt: r.created_at.toISOString(),
      people: r.records,
      refused: r.refused,
      requestedBy: r.requested_by,
      fieldGroups: r.field_groups,
      downloads: r.downloads,
      expiresAt: r.expires_at.toISOString(),
      digest: r.digest.toString('hex'),
    }));
  });
}
