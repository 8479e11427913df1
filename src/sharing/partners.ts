/**
 * Partners (issue 17 item 1): the organisations a Haven tenant may share with — their kind, the state an
 * authority acts for (SHA-3), their staff contacts, public keys and state. Partners hold no data of registered
 * people, so this module runs on the general pool. Every change is a ledger event (AUD-1).
 */
import { randomUUID } from 'node:crypto';
import type { FieldProblem } from '../domain/errors.ts';
import { HavenError } from '../domain/errors.ts';
import { checkPartnerCountries, PARTNER_KINDS, type PartnerKind } from '../domain/sharing/agreements.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import { checkPartnerKey, type PartnerKeyInput } from './partner-keys.ts';

/** Who changes partners and agreements: the staff account and how the ledger names them. */
export interface SharingActor {
  account: string;
  audit: AuditActor;
}

export interface PartnerContact {
  name: string;
  email: string;
  role?: string;
}

export interface PartnerKey {
  kid: string;
  use: 'sig' | 'enc';
  alg: string;
  jwk: Record<string, unknown>;
  addedAt: string;
  retiredAt: string | null;
}

export interface Partner {
  id: string;
  organisationId: string;
  name: string;
  jurisdiction: string;
  kind: PartnerKind;
  actsForCountry: string | null;
  contacts: PartnerContact[];
  webhookUrl: string | null;
  state: 'active' | 'suspended';
  suspensionReason: string | null;
  createdAt: string;
  updatedAt: string;
  keys: PartnerKey[];
}

export interface PartnerInput {
  name: string;
  jurisdiction: string;
  kind: PartnerKind;
  actsForCountry?: string | null;
  contacts?: PartnerContact[];
  webhookUrl?: string | null;
}

interface Row {
  id: string;
  organisation_id: string;
  name: string;
  jurisdiction: string;
  kind: PartnerKind;
  acts_for_country: string | null;
  contacts: PartnerContact[];
  webhook_url: string | null;
  state: 'active' | 'suspended';
  suspension_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface KeyRow {
  partner_id: string;
  kid: string;
  use: 'sig' | 'enc';
  alg: string;
  jwk: Record<string, unknown>;
  added_at: Date;
  retired_at: Date | null;
}

const COLUMNS = `id, organisation_id, name, jurisdiction, kind, acts_for_country, contacts, webhook_url, state,
  suspension_reason, created_at, updated_at`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

export const partnerNotFound = () =>
  new HavenError('partner-not-found', 'There is no partner with that id in your organisation.', {
    status: 404,
  });

const toKey = (row: KeyRow): PartnerKey => ({
  kid: row.kid,
  use: row.use,
  alg: row.alg,
  jwk: row.jwk,
  addedAt: row.added_at.toISOString(),
  retiredAt: row.retired_at?.toISOString() ?? null,
});

const toPartner = (row: Row, keys: KeyRow[]): Partner => ({
  id: row.id,
  organisationId: row.organisation_id,
  name: row.name,
  jurisdiction: row.jurisdiction,
  kind: row.kind,
  actsForCountry: row.acts_for_country,
  contacts: row.contacts,
  webhookUrl: row.webhook_url,
  state: row.state,
  suspensionReason: row.suspension_reason,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  keys: keys.filter((k) => k.partner_id === row.id).map(toKey),
});

async function ledger(tx: Sql, actor: SharingActor, action: string, partnerId: string, reason = 'ok') {
  await recordAuditEvent(tx, {
    actor: actor.audit,
    action,
    subject: partnerId,
    subjectType: 'partner',
    decision: 'allow',
    reason,
  });
}

/** A webhook receives pushes (issue 17): https only, except on this machine for development. */
function webhookProblem(url: string): FieldProblem | undefined {
  try {
    const parsed = new URL(url);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && local)) {
      if (!parsed.username && !parsed.password && url.length <= 2000) return undefined;
    }
  } catch {
    // not a URL at all
  }
  return { path: 'webhookUrl', code: 'url-invalid', message: 'an https:// address without credentials.' };
}

function checkInput(input: PartnerInput, creating: boolean): PartnerInput {
  const problems: FieldProblem[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > 200)
    problems.push({ path: 'name', code: 'required', message: '1 to 200 characters.' });
  if (creating && !PARTNER_KINDS.includes(input.kind)) {
    problems.push({ path: 'kind', code: 'kind-unknown', message: `one of ${PARTNER_KINDS.join(', ')}.` });
  } else {
    problems.push(...checkPartnerCountries(input.kind, input.jurisdiction, input.actsForCountry));
  }
  const contacts = input.contacts ?? [];
  if (!Array.isArray(contacts) || contacts.length > 20) {
    problems.push({ path: 'contacts', code: 'list-invalid', message: 'at most 20 contacts.' });
  } else {
    contacts.forEach((c, i) => {
      if (typeof c?.name !== 'string' || c.name.trim() === '' || c.name.length > 200) {
        problems.push({ path: `contacts/${i}/name`, code: 'required', message: '1 to 200 characters.' });
      }
      if (typeof c?.email !== 'string' || !EMAIL.test(c.email)) {
        problems.push({ path: `contacts/${i}/email`, code: 'email-invalid', message: 'an e-mail address.' });
      }
      if (c?.role !== undefined && (typeof c.role !== 'string' || c.role.length > 200)) {
        problems.push({ path: `contacts/${i}/role`, code: 'too-long', message: 'at most 200 characters.' });
      }
    });
  }
  const webhook = input.webhookUrl?.trim() || null;
  const hook = webhook ? webhookProblem(webhook) : undefined;
  if (hook) problems.push(hook);
  if (problems.length > 0) {
    throw new HavenError(
      'partner-invalid',
      `The partner is not valid: ${problems[0]!.path} — ${problems[0]!.message}`,
      {
        status: 422,
        fields: problems,
      },
    );
  }
  return {
    name,
    jurisdiction: input.jurisdiction,
    kind: input.kind,
    actsForCountry: input.actsForCountry || null,
    contacts: (contacts as PartnerContact[]).map((c) => ({
      name: c.name.trim(),
      email: c.email.trim(),
      ...(c.role?.trim() ? { role: c.role.trim() } : {}),
    })),
    webhookUrl: webhook,
  };
}

async function keysOf(sql: Sql, partnerIds: string[]): Promise<KeyRow[]> {
  const { rows } = await sql.query<KeyRow>(
    `select partner_id, kid, use, alg, jwk, added_at, retired_at from partner_key
      where partner_id = any($1::uuid[]) order by added_at, kid`,
    [partnerIds],
  );
  return rows;
}

export async function listPartners(sql: Sql, organisationId: string): Promise<Partner[]> {
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from partner where organisation_id = $1 order by name, id`,
    [organisationId],
  );
  const keys = await keysOf(
    sql,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPartner(r, keys));
}

export async function getPartner(
  sql: Sql,
  organisationId: string,
  id: string,
  lock = false,
): Promise<Partner> {
  if (!UUID.test(id)) throw partnerNotFound();
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from partner where id = $1 and organisation_id = $2 ${lock ? 'for update' : ''}`,
    [id, organisationId],
  );
  if (!rows[0]) throw partnerNotFound();
  return toPartner(rows[0], await keysOf(sql, [id]));
}

/** Adds a partner. Its kind and the state it acts for are fixed: a different kind is a different partner. */
export async function createPartner(
  db: Database,
  organisationId: string,
  input: PartnerInput,
  actor: SharingActor,
): Promise<Partner> {
  const p = checkInput(input, true);
  return db.transaction(async (tx) => {
    const id = randomUUID();
    const { rows: clash } = await tx.query('select 1 from partner where organisation_id = $1 and name = $2', [
      organisationId,
      p.name,
    ]);
    if (clash.length > 0) {
      throw new HavenError('partner-exists', 'Your organisation has a partner of that name already.', {
        status: 409,
      });
    }
    await tx.query(
      `insert into partner (id, organisation_id, name, jurisdiction, kind, acts_for_country, contacts, webhook_url, created_by)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [
        id,
        organisationId,
        p.name,
        p.jurisdiction,
        p.kind,
        p.actsForCountry ?? null,
        JSON.stringify(p.contacts),
        p.webhookUrl ?? null,
        actor.account,
      ],
    );
    await ledger(tx, actor, 'partner.create', id, p.kind);
    return getPartner(tx, organisationId, id);
  });
}

/** Changes a partner's name, jurisdiction, contacts or webhook; not its kind nor the state it acts for. */
export async function updatePartner(
  db: Database,
  organisationId: string,
  id: string,
  input: Omit<PartnerInput, 'kind' | 'actsForCountry'>,
  actor: SharingActor,
): Promise<Partner> {
  return db.transaction(async (tx) => {
    const current = await getPartner(tx, organisationId, id, true);
    const p = checkInput({ ...input, kind: current.kind, actsForCountry: current.actsForCountry }, false);
    const { rows: clash } = await tx.query(
      'select 1 from partner where organisation_id = $1 and name = $2 and id <> $3',
      [organisationId, p.name, id],
    );
    if (clash.length > 0) {
      throw new HavenError('partner-exists', 'Your organisation has a partner of that name already.', {
        status: 409,
      });
    }
    await tx.query(
      `update partner set name = $2, jurisdiction = $3, contacts = $4::jsonb, webhook_url = $5, updated_at = now()
        where id = $1`,
      [id, p.name, p.jurisdiction, JSON.stringify(p.contacts), p.webhookUrl ?? null],
    );
    await ledger(tx, actor, 'partner.update', id);
    return getPartner(tx, organisationId, id);
  });
}

/**
 * Suspends a partner (its tokens stop working on their next use and nothing is released to it) or resumes it.
 * Suspending needs a reason in words, kept on the partner; the ledger holds only the action.
 */
export async function setPartnerState(
  db: Database,
  organisationId: string,
  id: string,
  change: { suspend: true; reason: string } | { suspend: false },
  actor: SharingActor,
): Promise<Partner> {
  const reason = change.suspend ? change.reason.trim() : '';
  if (change.suspend && (reason === '' || reason.length > 2000)) {
    throw new HavenError('reason-required', 'Say why the partner is suspended.', {
      status: 422,
      fields: [{ path: 'reason', code: 'required', message: '1 to 2000 characters.' }],
    });
  }
  return db.transaction(async (tx) => {
    const current = await getPartner(tx, organisationId, id, true);
    const want = change.suspend ? 'suspended' : 'active';
    if (current.state === want) {
      throw new HavenError('partner-state-invalid', `The partner is ${current.state} already.`, {
        status: 409,
      });
    }
    await tx.query(
      `update partner set state = $2, suspension_reason = $3, updated_at = now() where id = $1`,
      [id, want, change.suspend ? reason : null],
    );
    // Its live tokens go at once; the access check refuses them anyway, this keeps nothing usable around.
    if (change.suspend) await tx.query('delete from partner_token where partner_id = $1', [id]);
    await ledger(tx, actor, change.suspend ? 'partner.suspend' : 'partner.resume', id);
    return getPartner(tx, organisationId, id);
  });
}

/** Adds a public key. Rotation: add the new key, let the partner switch, then retire the old one. */
export async function addPartnerKey(
  db: Database,
  organisationId: string,
  partnerId: string,
  input: PartnerKeyInput,
  actor: SharingActor,
): Promise<Partner> {
  if (input.use !== 'sig' && input.use !== 'enc') {
    throw new HavenError('partner-key-invalid', 'A key is for signatures (sig) or encryption (enc).', {
      status: 422,
    });
  }
  const key = await checkPartnerKey(input);
  return db.transaction(async (tx) => {
    await getPartner(tx, organisationId, partnerId, true);
    const { rows: clash } = await tx.query('select 1 from partner_key where partner_id = $1 and kid = $2', [
      partnerId,
      key.kid,
    ]);
    if (clash.length > 0) {
      throw new HavenError(
        'partner-key-exists',
        'This partner has a key with that kid already (kids are never reused).',
        {
          status: 409,
        },
      );
    }
    await tx.query(
      `insert into partner_key (partner_id, kid, use, alg, jwk, added_by) values ($1, $2, $3, $4, $5::jsonb, $6)`,
      [partnerId, key.kid, key.use, key.alg, JSON.stringify(key.jwk), actor.account],
    );
    await ledger(tx, actor, 'partner.key-add', partnerId, key.use);
    return getPartner(tx, organisationId, partnerId);
  });
}

/** Retires a key: assertions signed with it are refused from now on, and tokens it obtained stop working. */
export async function retirePartnerKey(
  db: Database,
  organisationId: string,
  partnerId: string,
  kid: string,
  actor: SharingActor,
): Promise<Partner> {
  return db.transaction(async (tx) => {
    await getPartner(tx, organisationId, partnerId, true);
    const { rows } = await tx.query<{ use: string }>(
      `update partner_key set retired_at = now(), retired_by = $3
        where partner_id = $1 and kid = $2 and retired_at is null returning use`,
      [partnerId, kid, actor.account],
    );
    if (!rows[0]) {
      throw new HavenError('partner-key-not-found', 'This partner has no key in use with that kid.', {
        status: 404,
      });
    }
    await tx.query('delete from partner_token where partner_id = $1 and kid = $2', [partnerId, kid]);
    await ledger(tx, actor, 'partner.key-retire', partnerId, rows[0].use);
    return getPartner(tx, organisationId, partnerId);
  });
}
