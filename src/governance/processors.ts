import { randomUUID } from 'node:crypto';
import {
  CATEGORIES,
  type Dictionary,
  isAssignedCountryCode,
  isCalendarDate,
} from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The processor register (GOV-3): who processes personal data on the organisation's behalf — hosting, SMS,
 * biometrics vendors — and their sub-processors: what they process, for which purposes, where, and the state of
 * their contract and data processing agreement (GDPR 28) and audits. A contract or agreement that has lapsed,
 * or is missing, puts the processor on the DPO's work list and is shown on the record of processing.
 */
export interface ProcessorInput {
  name: string;
  service: string;
  parentId?: string | null;
  categories: string[];
  purposes: string[];
  locations: string[];
  transferSafeguard?: string | null;
  contractSigned?: string | null;
  contractExpires?: string | null;
  dpaSigned?: string | null;
  dpaExpires?: string | null;
  lastAudit?: string | null;
  nextAudit?: string | null;
  endedOn?: string | null;
}

export interface Processor extends Required<ProcessorInput> {
  id: string;
  /** Why it needs attention today, if it does: `contract-lapsed`, `dpa-missing`, `dpa-lapsed`, `audit-overdue`. */
  problems: string[];
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  service: string;
  parent_id: string | null;
  categories: string[];
  purposes: string[];
  locations: string[];
  transfer_safeguard: string | null;
  contract_signed: string | null;
  contract_expires: string | null;
  dpa_signed: string | null;
  dpa_expires: string | null;
  last_audit: string | null;
  next_audit: string | null;
  ended_on: string | null;
  updated_at: Date;
}

const DATES = [
  'contract_signed',
  'contract_expires',
  'dpa_signed',
  'dpa_expires',
  'last_audit',
  'next_audit',
  'ended_on',
] as const;
const COLUMNS = `id, name, service, parent_id, categories, purposes, locations, transfer_safeguard, ${DATES.map(
  (d) => `to_char(${d}, 'YYYY-MM-DD') as ${d}`,
).join(', ')}, updated_at`;

/** What needs attention about a processor on a day (YYYY-MM-DD). An ended processor needs none. */
export function processorProblems(
  p: Omit<Processor, 'problems' | 'id' | 'updatedAt'>,
  today: string,
): string[] {
  if (p.endedOn && p.endedOn <= today) return [];
  const problems: string[] = [];
  if (!p.contractSigned || (p.contractExpires && p.contractExpires < today)) problems.push('contract-lapsed');
  if (!p.dpaSigned) problems.push('dpa-missing');
  else if (p.dpaExpires && p.dpaExpires < today) problems.push('dpa-lapsed');
  if (p.nextAudit && p.nextAudit < today) problems.push('audit-overdue');
  return problems;
}

function toProcessor(row: Row, today: string): Processor {
  const p = {
    name: row.name,
    service: row.service,
    parentId: row.parent_id,
    categories: row.categories,
    purposes: row.purposes,
    locations: row.locations,
    transferSafeguard: row.transfer_safeguard,
    contractSigned: row.contract_signed,
    contractExpires: row.contract_expires,
    dpaSigned: row.dpa_signed,
    dpaExpires: row.dpa_expires,
    lastAudit: row.last_audit,
    nextAudit: row.next_audit,
    endedOn: row.ended_on,
  };
  return { id: row.id, ...p, problems: processorProblems(p, today), updatedAt: row.updated_at.toISOString() };
}

function check(dictionary: Dictionary, input: ProcessorInput): void {
  const problems: { path: string; code: string; message: string }[] = [];
  const text = (path: string, value: unknown, max: number) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      problems.push({ path, code: 'required', message: `1 to ${max} characters.` });
    }
  };
  text('name', input.name, 200);
  text('service', input.service, 500);
  const list = (path: string, values: unknown, ok: (v: string) => boolean, what: string) => {
    if (!Array.isArray(values) || values.length > 100) {
      problems.push({ path, code: 'list-invalid', message: `a list of ${what}.` });
      return;
    }
    values.forEach((v, i) => {
      if (typeof v !== 'string' || !ok(v))
        problems.push({ path: `${path}/${i}`, code: 'unknown', message: `not one of the ${what}.` });
    });
  };
  list(
    'categories',
    input.categories,
    (v) => (CATEGORIES as readonly string[]).includes(v),
    'data categories',
  );
  list('purposes', input.purposes, (v) => dictionary.purpose(v)?.prohibited === false, 'usable purposes');
  list(
    'locations',
    input.locations,
    (v) => /^[A-Z]{3}$/.test(v) && isAssignedCountryCode(v),
    'ISO 3166-1 alpha-3 countries',
  );
  for (const [key, value] of Object.entries(input)) {
    if (/(Signed|Expires|Audit|endedOn)$/.test(key) && value != null) {
      if (typeof value !== 'string' || !isCalendarDate(value)) {
        problems.push({ path: key, code: 'date-invalid', message: 'a date, YYYY-MM-DD.' });
      }
    }
  }
  if (input.contractSigned && input.contractExpires && input.contractExpires < input.contractSigned) {
    problems.push({ path: 'contractExpires', code: 'date-order', message: 'ends before it was signed.' });
  }
  if (input.dpaSigned && input.dpaExpires && input.dpaExpires < input.dpaSigned) {
    problems.push({ path: 'dpaExpires', code: 'date-order', message: 'ends before it was signed.' });
  }
  if (
    input.transferSafeguard != null &&
    (typeof input.transferSafeguard !== 'string' || input.transferSafeguard.length > 500)
  ) {
    problems.push({ path: 'transferSafeguard', code: 'too-long', message: 'at most 500 characters.' });
  }
  if (problems.length > 0) {
    throw new HavenError(
      'processor-invalid',
      `The processor is not valid: ${problems[0]!.path} — ${problems[0]!.message}`,
      {
        status: 422,
        fields: problems,
      },
    );
  }
}

export async function listProcessors(sql: Sql, organisationId: string, now: Date): Promise<Processor[]> {
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from processor where organisation_id = $1 order by name, id`,
    [organisationId],
  );
  return rows.map((r) => toProcessor(r, now.toISOString().slice(0, 10)));
}

/** Adds a processor, or updates one (`id`); a sub-processor's parent must be a processor of the same organisation. */
export async function saveProcessor(
  db: Database,
  dictionary: Dictionary,
  organisationId: string,
  input: ProcessorInput,
  actor: AuditActor,
  now: Date,
  id?: string,
): Promise<Processor> {
  check(dictionary, input);
  return db.transaction(async (tx) => {
    if (input.parentId) {
      const { rows } = await tx.query('select 1 from processor where id = $1 and organisation_id = $2', [
        /^[0-9a-f-]{36}$/i.test(input.parentId) ? input.parentId : '00000000-0000-0000-0000-000000000000',
        organisationId,
      ]);
      if (rows.length === 0 || input.parentId === id) {
        throw new HavenError(
          'processor-parent-unknown',
          'The sub-processor’s processor is not in your register.',
          {
            status: 422,
          },
        );
      }
    }
    const values = [
      input.name.trim(),
      input.service.trim(),
      input.parentId ?? null,
      input.categories,
      input.purposes,
      input.locations,
      input.transferSafeguard?.trim() || null,
      input.contractSigned ?? null,
      input.contractExpires ?? null,
      input.dpaSigned ?? null,
      input.dpaExpires ?? null,
      input.lastAudit ?? null,
      input.nextAudit ?? null,
      input.endedOn ?? null,
    ];
    let rows: Row[];
    if (id) {
      if (!/^[0-9a-f-]{36}$/i.test(id))
        throw new HavenError('processor-not-found', 'No such processor.', { status: 404 });
      ({ rows } = await tx.query<Row>(
        `update processor set name = $3, service = $4, parent_id = $5, categories = $6, purposes = $7, locations = $8,
           transfer_safeguard = $9, contract_signed = $10, contract_expires = $11, dpa_signed = $12, dpa_expires = $13,
           last_audit = $14, next_audit = $15, ended_on = $16, updated_at = now()
         where id = $1 and organisation_id = $2 returning ${COLUMNS}`,
        [id, organisationId, ...values],
      ));
      if (!rows[0]) throw new HavenError('processor-not-found', 'No such processor.', { status: 404 });
    } else {
      ({ rows } = await tx.query<Row>(
        `insert into processor (id, organisation_id, name, service, parent_id, categories, purposes, locations,
           transfer_safeguard, contract_signed, contract_expires, dpa_signed, dpa_expires, last_audit, next_audit, ended_on)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning ${COLUMNS}`,
        [randomUUID(), organisationId, ...values],
      ));
    }
    const saved = toProcessor(rows[0]!, now.toISOString().slice(0, 10));
    await recordAuditEvent(tx, {
      actor,
      action: id ? 'processor.update' : 'processor.add',
      subject: saved.id,
      subjectType: 'processor',
      decision: 'allow',
      reason: saved.problems[0] ?? 'ok',
    });
    return saved;
  });
}
