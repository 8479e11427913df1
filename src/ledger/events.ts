import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import type { Sql } from '../store/database.ts';
import { WriteStatement } from '../store/write-statement.ts';
import { leafHashOfPrefixed } from './tree-hash.ts';

/**
 * One schema for every audit event (AUD-1). Events hold ids, codes and categories — never a personal value:
 * the subject is the person's random internal id, the actor an account id with organisation and role.
 */
export interface AuditActor {
  /** Staff account id; absent for the system itself or an unidentified caller (e.g. a sign-in with an unknown email). */
  account?: string;
  organisation?: string;
  /** The partner, for a partner's machine client (SHA-1). */
  partner?: string;
  role?: Role;
  /**
   * 'system' for Haven's own jobs, 'cli' for the haven command, 'staff' for a signed-in staff member, 'person' for
   * a registered person in their portal (no id: the event's subject is that person), 'anonymous' otherwise.
   */
  kind: 'staff' | 'system' | 'cli' | 'anonymous' | 'witness' | 'partner' | 'person';
}

export interface AuditEvent {
  /** Event schema version. */
  v: 1;
  /** UTC time in RFC 3339 with milliseconds. */
  time: string;
  actor: AuditActor;
  /** Dotted action name, e.g. `auth.sign-in`, `person.read`, `consent.withdraw`. */
  action: string;
  purpose?: string;
  /** Person id (random UUID) or, for actions on staff or configuration, the id of that object. */
  subject?: string;
  subjectType?:
    | 'person'
    | 'account'
    | 'organisation'
    | 'purpose'
    | 'policy'
    | 'ledger'
    | 'import'
    | 'dpia'
    | 'processor'
    | 'concern'
    | 'partner'
    | 'agreement'
    | 'incident';

  fieldGroups?: string[];
  decision: 'allow' | 'deny';
  /** Stable reason code for the decision, e.g. `ok`, `wrong-password`, `no-consent`. */
  reason: string;
  /** For decisions of the gate: the version of the access policies that made it (ACC-2). */
  policy?: number;
  requestId?: string;
  /**
   * For an aggregated refusal (AUD-1, see RefusalLedger): how many repeats of the same refusal this one event
   * stands for, which were not written one by one. Absent on every other event, which stands for one.
   */
  count?: number;
  /**
   * SHA-256 (hex) of a document the event is about but must not hold, e.g. the answer released to a person
   * (RIG-3): the document given can later be proven, and the ledger still holds no value.
   */
  digest?: string;
  /**
   * The partner that received what the event gave, where the actor is someone else: a release staff pushed to a
   * partner names the staff member as actor and the partner here (its id only), so what a compromised partner
   * received is found from the ledger (BRE-3). Absent on every other event; older events never had it.
   */
  recipient?: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'v' | 'time'> & { time?: Date };

const CODE = /^[a-z0-9][a-z0-9.:_-]{0,79}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Builds the event and checks its shape: codes must be codes and ids must be ids, so a value typed by a user
 * (a name, a document number) cannot slip into the ledger through a free-text field.
 */
export function auditEvent(input: NewAuditEvent): AuditEvent {
  const bad = (field: string): never => {
    throw new HavenError('audit-event-invalid', `Audit event field ${field} is not an id or code.`, {
      status: 500,
    });
  };
  for (const [field, value] of [
    ['action', input.action],
    ['reason', input.reason],
    ['purpose', input.purpose],
  ] as const) {
    if (value !== undefined && !CODE.test(value)) bad(field);
  }
  for (const group of input.fieldGroups ?? []) if (!CODE.test(group)) bad('fieldGroups');
  if (input.subject !== undefined && !UUID.test(input.subject)) bad('subject');
  if (input.actor.account !== undefined && !UUID.test(input.actor.account)) bad('actor.account');
  if (input.actor.organisation !== undefined && !UUID.test(input.actor.organisation))
    bad('actor.organisation');
  if (input.actor.partner !== undefined && !UUID.test(input.actor.partner)) bad('actor.partner');
  if (input.requestId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(input.requestId)) bad('requestId');
  if (input.count !== undefined && !(Number.isSafeInteger(input.count) && input.count >= 1)) bad('count');
  if (input.policy !== undefined && !(Number.isSafeInteger(input.policy) && input.policy >= 1)) bad('policy');
  if (input.digest !== undefined && !/^[0-9a-f]{64}$/.test(input.digest)) bad('digest');
  if (input.recipient !== undefined && !UUID.test(input.recipient)) bad('recipient');
  const { time, ...rest } = input;
  return { v: 1, time: (time ?? new Date()).toISOString(), ...rest };
}

/** Records an event in the caller's transaction: it commits or rolls back with the change it describes. */
export async function recordAuditEvent(sql: Sql, input: NewAuditEvent): Promise<AuditEvent> {
  const [event] = await recordAuditEvents(sql, [input]);
  return event!;
}

/**
 * The canonical bytes (RFC 8785) of an event, written out directly: the keys of an event are known, so they are
 * emitted in their sorted order instead of sorting at run time. A test checks it equals `canonicalBytes`.
 */
export function eventBytes(event: AuditEvent): Buffer {
  return prefixedEventBytes(event).subarray(1);
}

/** The event's bytes behind the leaf prefix 0x00: the body is the rest, and the leaf hash one call over it all. */
function prefixedEventBytes(event: AuditEvent): Buffer {
  const s = JSON.stringify;
  const actor = event.actor;
  let text = `{"action":${s(event.action)},"actor":{`;
  const actorParts: string[] = [];
  if (actor.account !== undefined) actorParts.push(`"account":${s(actor.account)}`);
  actorParts.push(`"kind":${s(actor.kind)}`);
  if (actor.organisation !== undefined) actorParts.push(`"organisation":${s(actor.organisation)}`);
  if (actor.partner !== undefined) actorParts.push(`"partner":${s(actor.partner)}`);
  if (actor.role !== undefined) actorParts.push(`"role":${s(actor.role)}`);
  text += `${actorParts.join(',')}}`;
  if (event.count !== undefined) text += `,"count":${event.count}`;
  text += `,"decision":${s(event.decision)}`;
  if (event.digest !== undefined) text += `,"digest":${s(event.digest)}`;

  if (event.fieldGroups !== undefined)
    text += `,"fieldGroups":[${event.fieldGroups.map((g) => s(g)).join(',')}]`;
  if (event.policy !== undefined) text += `,"policy":${event.policy}`;
  if (event.purpose !== undefined) text += `,"purpose":${s(event.purpose)}`;

  text += `,"reason":${s(event.reason)}`;
  // "recipient" sorts between "reason" and "requestId" (RFC 8785); an event without it keeps its old bytes.
  if (event.recipient !== undefined) text += `,"recipient":${s(event.recipient)}`;
  if (event.requestId !== undefined) text += `,"requestId":${s(event.requestId)}`;
  if (event.subject !== undefined) text += `,"subject":${s(event.subject)}`;
  if (event.subjectType !== undefined) text += `,"subjectType":${s(event.subjectType)}`;
  text += `,"time":${s(event.time)},"v":${event.v}}`;
  return Buffer.from(`\u0000${text}`, 'utf8');
}

/** Records several events with one statement (bulk work: imports, batched reads). */
export async function recordAuditEvents(sql: Sql, inputs: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
  const statement = new WriteStatement();
  const events = addAuditEvents(statement, inputs);
  await statement.run(sql);
  return events;
}

/**
 * Adds the events' insert to a statement that writes the change they record (group commit, B1): they commit
 * with it or not at all. Bodies (behind their 0x00 prefix) and leaf hashes go as one binary parameter each.
 */
export function addAuditEvents(statement: WriteStatement, inputs: readonly NewAuditEvent[]): AuditEvent[] {
  const events = inputs.map(auditEvent);
  if (events.length === 0) return events;
  const prefixed = events.map(prefixedEventBytes);
  const bodies = statement.bytes(prefixed);
  const persons = statement.param(
    events.map((e) => (e.subjectType === 'person' ? (e.subject ?? null) : null)),
    'uuid[]',
  );
  const accounts = statement.param(
    events.map((e) => e.actor.account ?? null),
    'uuid[]',
  );
  const hashes = statement.param(Buffer.concat(prefixed.map(leafHashOfPrefixed)), 'bytea');
  statement.add(
    `insert into audit_event (body, person_id, actor_account, leaf_hash)
     select substring(${bodies.blob} from o + 2 for n - 1), p, a, substring(${hashes} from (i::int - 1) * 32 + 1 for 32)
       from unnest(${persons}, ${accounts}, ${bodies.offsets}, ${bodies.lengths}) with ordinality as x(p, a, o, n, i)`,
  );
  return events;
}
