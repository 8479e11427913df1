import { createHash } from 'node:crypto';
import type { Dictionary, TypeSpec } from '../domain/dictionary/index.ts';
import { formatRetentionRule } from '../domain/dictionary/retention.ts';
import { HavenError } from '../domain/errors.ts';
import type { AccessRecord } from '../ledger/access-history.ts';
import { canonicalJson } from '../ledger/canonical-json.ts';

/**
 * The answer to an access or portability request (RIG-3, GDPR 15 and 20): everything Haven holds on the person —
 * every value, each purpose with its legal basis and consent history, who received the data, how long each kind
 * is kept, where each value came from, and the logic of any automated decision. One document serves both forms:
 * the printable page renders it in the person's language, and the JSON itself is the portable copy, described by
 * docs/schemas/access-answer.schema.json. Built here from what the gate read; nothing here touches storage.
 */
export const ACCESS_ANSWER_FORMAT = 'haven-access-answer/1';

export interface AnswerValue {
  field: string;
  label: string;
  category: string;
  /** The value as recorded; `null` with `redacted` set when a reviewer withheld it (GDPR 15(4)). */
  value: unknown;
  redacted?: RedactionReason;
}

export interface AnswerGroup {
  group: string;
  label: string;
  values: AnswerValue[];
  /** Where the values came from: each recorded change of this group, oldest first (organisation and role only). */
  sources: { on: string; action: string; organisation: string | null; role: string | null }[];
}

export interface AnswerPurpose {
  name: string;
  title: string;
  description: string;
  legalBases: string[];
  /** The history of consent and other bases for this purpose, oldest first. */
  history: {
    on: string;
    basis: string;
    action: 'grant' | 'withdraw';
    /** For consent: the notice the person was given, its language, and how they agreed. */
    noticeVersion: string | null;
    language: string | null;
    method: string | null;
  }[];
  retention: string | null;
  automatedDecisions: boolean;
}

export interface AccessAnswer {
  format: typeof ACCESS_ANSWER_FORMAT;
  request: { id: string; kind: 'access' | 'portability'; receivedOn: string };
  composedOn: string;
  person: { id: string; registeredOn: string; organisation: string };
  data: AnswerGroup[];
  purposes: AnswerPurpose[];
  /** Who had the data: organisations and the roles within them that read or changed it, and for which purposes. */
  recipients: { organisation: string; roles: string[]; purposes: string[] }[];
  /** Partners the data was released to (SHA-1); none until sharing is set up. */
  partners: { name: string; purposes: string[] }[];
  /** How long each kind of data is kept (RET-1), per field group. */
  retention: { group: string; label: string; rules: string[] }[];
  /**
   * GDPR 15(1)(h): decisions taken by a machine about the person, with their logic. The first, with no purpose,
   * says what Haven itself does.
   */
  automatedDecisions: { purpose: string | null; logic: string }[];
  /** What a reviewer withheld and why, never the withheld value. */
  redactions: Redaction[];
}

export const REDACTION_REASONS = ['third-party', 'protection-risk', 'legal-privilege'] as const;
export type RedactionReason = (typeof REDACTION_REASONS)[number];
export interface Redaction {
  /** `group.field`, e.g. `family.family-links`. */
  path: string;
  reason: RedactionReason;
}

/** What the gate read for the person, decrypted, and the history it holds on them. */
export interface AnswerSources {
  request: { id: string; kind: 'access' | 'portability'; receivedOn: string };
  person: { id: string; createdAt: Date; organisation: string };
  values: Record<string, Record<string, unknown>>;
  bases: {
    purpose: string;
    basis: string;
    action: 'grant' | 'withdraw';
    recordedAt: string;
    details: Record<string, unknown> | null;
  }[];
  /** The person's access history (AUD-5), newest first as the ledger gives it. */
  history: AccessRecord[];
  today: string;
}

const WRITES = new Set(['person.register', 'person.update', 'person.correct', 'person.import']);

const HAVEN_LOGIC =
  'Haven takes no decision about a person by machine alone. When it finds records that may be the same person, ' +
  'a staff member decides; Haven never merges or refuses anyone on its own.';

/**
 * Categories whose values may be about someone else or put someone in danger (a relative's whereabouts, a
 * protection note): a reviewer decides each of them explicitly — release or withhold — before the answer can be
 * released (GDPR 15(4)); nothing of these goes out by default.
 */
export const REVIEWED_CATEGORIES: ReadonlySet<string> = new Set([
  'family',
  'health',
  'case-notes',
  'protection',
  'biometric',
  'location',
]);

/** The paths (`group.field`) a reviewer must decide on. */
export function pathsToDecide(answer: AccessAnswer): string[] {
  return answer.data.flatMap((g) =>
    g.values.filter((v) => REVIEWED_CATEGORIES.has(v.category)).map((v) => `${g.group}.${v.field}`),
  );
}

/** Another person's Haven id (a relative's record) is never part of this person's answer. */
function withoutPersonRefs(spec: TypeSpec | undefined, value: unknown): unknown {
  if (!spec) return value;
  if (spec.type === 'person-ref') return null;
  const record = (s: TypeSpec, v: unknown) => {
    if (s.type !== 'record' || !v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const member of s.fields) if (member.spec.type === 'person-ref') delete out[member.name];
    return out;
  };
  if (spec.type === 'list' && Array.isArray(value)) {
    return spec.of.type === 'person-ref' ? [] : value.map((item) => record(spec.of, item));
  }
  return record(spec, value);
}

export function composeAccessAnswer(dictionary: Dictionary, sources: AnswerSources): AccessAnswer {
  const data: AnswerGroup[] = [];
  for (const group of dictionary.groups) {
    const stored = sources.values[group.name];
    if (!stored) continue;
    const values = Object.entries(stored)
      .map(([field, value]) => {
        const definition = dictionary.field(field);
        return {
          field,
          label: definition?.label ?? field,
          category: definition?.category ?? 'unknown',
          value: withoutPersonRefs(definition?.spec, value),
        };
      })
      .sort((a, b) => order(dictionary, a.field) - order(dictionary, b.field));
    const sourcesOf = sources.history
      .filter((r) => r.decision === 'allow' && WRITES.has(r.action) && r.fieldGroups.includes(group.name))
      .reverse()
      .map((r) => ({
        on: r.time.slice(0, 10),
        action: r.action,
        organisation: r.organisation?.name ?? null,
        role: r.role,
      }));
    data.push({ group: group.name, label: group.label, values, sources: sourcesOf });
  }

  const usedPurposes = new Set(sources.bases.map((b) => b.purpose));
  for (const r of sources.history) if (r.decision === 'allow' && r.purpose) usedPurposes.add(r.purpose);
  // Recipients are named with the processing purposes of the dictionary and the rights purpose; a legal hold's own
  // purpose may not be disclosed to the person while it holds (GDPR 23), so it is not named here.
  const named = (purpose: string | null) =>
    purpose !== null && (purpose === 'rights-request' || dictionary.purpose(purpose) !== undefined);
  const purposes: AnswerPurpose[] = dictionary.purposes
    .filter((p) => usedPurposes.has(p.name))
    .map((p) => ({
      name: p.name,
      title: p.title,
      description: p.description,
      legalBases: [...p.legalBases],
      history: sources.bases
        .filter((b) => b.purpose === p.name)
        .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
        .map((b) => ({
          on: b.recordedAt.slice(0, 10),
          basis: b.basis,
          action: b.action,
          noticeVersion: text(b.details?.noticeVersion),
          language: text(b.details?.noticeLanguage),
          method: text(b.details?.method),
        })),
      retention: p.retention ? formatRetentionRule(p.retention) : null,
      automatedDecisions: p.processing.automatedDecisions,
    }));

  const recipients = new Map<string, { roles: Set<string>; purposes: Set<string> }>();
  for (const r of sources.history) {
    // Recipients are those who had the data: staff, operators, partners — not the person in their own portal.
    if (r.decision !== 'allow' || !r.organisation || !['staff', 'cli', 'partner'].includes(r.actorKind))
      continue;
    const entry = recipients.get(r.organisation.name) ?? { roles: new Set(), purposes: new Set() };
    if (r.role) entry.roles.add(r.role);
    if (named(r.purpose)) entry.purposes.add(r.purpose!);
    recipients.set(r.organisation.name, entry);
  }

  const retention = data.map(({ group, label }) => ({
    group,
    label,
    rules: [...new Set(dictionary.fieldsOfGroup(group).map((f) => formatRetentionRule(f.retention)))],
  }));

  return {
    format: ACCESS_ANSWER_FORMAT,
    request: sources.request,
    composedOn: sources.today,
    person: {
      id: sources.person.id,
      registeredOn: sources.person.createdAt.toISOString().slice(0, 10),
      organisation: sources.person.organisation,
    },
    data,
    purposes,
    recipients: [...recipients]
      .map(([organisation, e]) => ({
        organisation,
        roles: [...e.roles].sort(),
        purposes: [...e.purposes].sort(),
      }))
      .sort((a, b) => a.organisation.localeCompare(b.organisation)),
    partners: [],
    retention,
    automatedDecisions: [
      { purpose: null, logic: HAVEN_LOGIC },
      ...purposes
        .filter((p) => p.automatedDecisions)
        .map((p) => ({ purpose: p.name, logic: `${p.title}: ${p.description}` })),
    ],
    redactions: [],
  };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function order(dictionary: Dictionary, field: string): number {
  const i = dictionary.fields.findIndex((f) => f.name === field);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/**
 * Checks a review: known paths and reasons, each path once, and every value of a reviewed category decided —
 * withheld (in `input`) or released on purpose (in `released`).
 */
export function checkReview(answer: AccessAnswer, input: unknown, released: unknown): Redaction[] {
  const redactions = checkRedactions(answer, input);
  const decided = new Set([
    ...redactions.map((r) => r.path),
    ...(Array.isArray(released) ? released.filter((p): p is string => typeof p === 'string') : []),
  ]);
  const open = pathsToDecide(answer).filter((path) => !decided.has(path));
  if (open.length > 0) {
    throw new HavenError(
      'review-incomplete',
      `Decide each value that may concern someone else — withhold it or release it: ${open.join(', ')}.`,
      { status: 422 },
    );
  }
  return redactions;
}

/** Checks a reviewer's redactions against the answer: known paths, known reasons, each path once. */
function checkRedactions(answer: AccessAnswer, input: unknown): Redaction[] {
  const invalid = (message: string) => new HavenError('redaction-invalid', message, { status: 422 });
  if (!Array.isArray(input) || input.length > 500) throw invalid('Give a list of redactions (at most 500).');
  const paths = new Set(answer.data.flatMap((g) => g.values.map((v) => `${g.group}.${v.field}`)));
  const seen = new Set<string>();
  return input.map((item) => {
    const { path, reason } = (item ?? {}) as { path?: unknown; reason?: unknown };
    if (typeof path !== 'string' || !paths.has(path))
      throw invalid('A redaction names a value of this answer.');
    if (!REDACTION_REASONS.includes(reason as RedactionReason))
      throw invalid(`A redaction's reason is one of ${REDACTION_REASONS.join(', ')}.`);
    if (seen.has(path)) throw invalid('Each value is redacted once.');
    seen.add(path);
    return { path, reason: reason as RedactionReason };
  });
}

/** The answer as released: redacted values removed, each replaced by its reason. */
export function applyRedactions(answer: AccessAnswer, redactions: readonly Redaction[]): AccessAnswer {
  const byPath = new Map(redactions.map((r) => [r.path, r.reason]));
  return {
    ...answer,
    data: answer.data.map((g) => ({
      ...g,
      values: g.values.map((v) => {
        const reason = byPath.get(`${g.group}.${v.field}`);
        return reason ? { ...v, value: null, redacted: reason } : v;
      }),
    })),
    redactions: [...redactions],
  };
}

/** SHA-256 of the canonical JSON (RFC 8785): the ledger keeps this, so the answer given can be proven later. */
export function answerDigest(answer: AccessAnswer): Buffer {
  return createHash('sha256').update(canonicalJson(answer)).digest();
}
