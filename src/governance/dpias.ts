import { randomUUID } from 'node:crypto';
import type { Dictionary } from '../domain/dictionary/index.ts';
import { checkDpiaContent, type DpiaContent } from '../domain/dpia/dpia.ts';
import { HavenError } from '../domain/errors.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The DPIA register (GOV-2, PUR-6). One DPIA per purpose, kept in versions: a version is written (draft),
 * submitted, then approved or rejected by a DPO who is not its author (ACC-6). The approved version is in force
 * until its review date — the gate refuses the purpose before it and after it (src/gate/purposes.ts). A new
 * version is a revision of the latest; approving it supersedes the one in force. Nothing is deleted; every step
 * is a ledger event.
 */
export type DpiaVersionStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'superseded';

export interface DpiaVersion {
  id: string;
  version: number;
  subjectKind: 'purpose' | 'agreement';
  subject: string;
  status: DpiaVersionStatus;
  content: DpiaContent & { migrated?: boolean };
  dpoOpinion: string | null;
  author: string | null;
  createdAt: string;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  reviewDate: string | null;
}

interface Row {
  id: string;
  version: number;
  subject_kind: 'purpose' | 'agreement';
  subject: string;
  status: DpiaVersionStatus;
  content: DpiaVersion['content'];
  dpo_opinion: string | null;
  author: string | null;
  created_at: Date;
  submitted_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  review_date: string | null;
}

const COLUMNS = `id, version, subject_kind, subject, status, content, dpo_opinion, author, created_at, submitted_at,
  decided_by, decided_at, decision_note, to_char(review_date, 'YYYY-MM-DD') as review_date`;

const toVersion = (row: Row): DpiaVersion => ({
  id: row.id,
  version: row.version,
  subjectKind: row.subject_kind,
  subject: row.subject,
  status: row.status,
  content: row.content,
  dpoOpinion: row.dpo_opinion,
  author: row.author,
  createdAt: row.created_at.toISOString(),
  submittedAt: row.submitted_at?.toISOString() ?? null,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decisionNote: row.decision_note,
  reviewDate: row.review_date,
});

const notFound = () =>
  new HavenError('dpia-not-found', 'There is no DPIA with that id and version.', { status: 404 });
const today = (now: Date) => now.toISOString().slice(0, 10);

/** Every DPIA: its newest version, and the version in force if another. */
export async function listDpias(sql: Sql): Promise<{ latest: DpiaVersion; inForce: DpiaVersion | null }[]> {
  const { rows } = await sql.query<Row & { in_force: boolean }>(
    `select ${COLUMNS}, false as in_force from (
       select distinct on (id) * from dpia order by id, version desc) latest
     union all
     select ${COLUMNS}, true from dpia where status = 'approved'
     order by subject, version desc`,
  );
  const byId = new Map<string, { latest: DpiaVersion; inForce: DpiaVersion | null }>();
  for (const row of rows.filter((r) => !r.in_force))
    byId.set(row.id, { latest: toVersion(row), inForce: null });
  for (const row of rows.filter((r) => r.in_force)) {
    const entry = byId.get(row.id);
    if (entry) entry.inForce = toVersion(row);
  }
  return [...byId.values()];
}

export async function dpiaVersions(sql: Sql, id: string): Promise<DpiaVersion[]> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
  const { rows } = await sql.query<Row>(`select ${COLUMNS} from dpia where id = $1 order by version desc`, [
    id,
  ]);
  if (rows.length === 0) throw notFound();
  return rows.map(toVersion);
}

async function version(sql: Sql, id: string, v: number, lock = false): Promise<DpiaVersion> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from dpia where id = $1 and version = $2 ${lock ? 'for update' : ''}`,
    [id, v],
  );
  if (!rows[0]) throw notFound();
  return toVersion(rows[0]);
}

export interface DpiaActor {
  account: string;
  audit: AuditActor;
}

async function ledger(
  tx: Sql,
  actor: DpiaActor,
  action: string,
  dpia: { id: string; version: number; subject: string },
): Promise<void> {
  await recordAuditEvent(tx, {
    actor: actor.audit,
    action,
    purpose: dpia.subject,
    subject: dpia.id,
    subjectType: 'dpia',
    decision: 'allow',
    reason: `version-${dpia.version}`,
  });
}

/** Starts the DPIA of a purpose (a draft, version 1). A purpose has one DPIA; later changes are revisions. */
export async function createDpia(
  db: Database,
  dictionary: Dictionary,
  input: { purpose: string; content: DpiaContent },
  actor: DpiaActor,
  now: Date,
): Promise<DpiaVersion> {
  const purpose = dictionary.purpose(input.purpose);
  if (!purpose || purpose.prohibited) {
    throw new HavenError('purpose-unknown', 'Name a purpose of the register that may be used.', {
      status: 422,
    });
  }
  checkDpiaContent(input.content, { complete: false, today: today(now) });
  return db.transaction(async (tx) => {
    const { rows: existing } = await tx.query<{ id: string }>(
      `select id from dpia where subject_kind = 'purpose' and subject = $1 limit 1`,
      [purpose.name],
    );
    if (existing[0]) {
      throw new HavenError(
        'dpia-exists',
        `Purpose ${purpose.name} has a DPIA (${existing[0].id}): revise it.`,
        {
          status: 409,
        },
      );
    }
    const id = randomUUID();
    const { rows } = await tx.query<Row>(
      `insert into dpia (id, version, subject_kind, subject, status, content, author)
       values ($1, 1, 'purpose', $2, 'draft', $3, $4) returning ${COLUMNS}`,
      [id, purpose.name, input.content as unknown as Record<string, unknown>, actor.account],
    );
    await ledger(tx, actor, 'dpia.create', { id, version: 1, subject: purpose.name });
    return toVersion(rows[0]!);
  });
}

/** Edits a draft; only its author may. */
export async function updateDraft(
  db: Database,
  id: string,
  v: number,
  content: DpiaContent,
  actor: DpiaActor,
  now: Date,
): Promise<DpiaVersion> {
  checkDpiaContent(content, { complete: false, today: today(now) });
  return db.transaction(async (tx) => {
    const current = await version(tx, id, v, true);
    if (current.status !== 'draft') {
      throw new HavenError(
        'dpia-not-draft',
        'Only a draft can be edited: revise the DPIA for a new version.',
        {
          status: 409,
        },
      );
    }
    if (current.author !== actor.account) {
      throw new HavenError('dpia-not-author', 'Only the author of a draft edits it.', { status: 403 });
    }
    const { rows } = await tx.query<Row>(
      `update dpia set content = $3 where id = $1 and version = $2 returning ${COLUMNS}`,
      [id, v, content as unknown as Record<string, unknown>],
    );
    await ledger(tx, actor, 'dpia.update', current);
    return toVersion(rows[0]!);
  });
}

/** A draft, complete, goes to a DPO for approval. */
export async function submitDpia(
  db: Database,
  id: string,
  v: number,
  actor: DpiaActor,
  now: Date,
): Promise<DpiaVersion> {
  return db.transaction(async (tx) => {
    const current = await version(tx, id, v, true);
    if (current.status !== 'draft') {
      throw new HavenError('dpia-not-draft', 'Only a draft can be submitted.', { status: 409 });
    }
    if (current.author !== actor.account) {
      throw new HavenError('dpia-not-author', 'The author submits their draft.', { status: 403 });
    }
    checkDpiaContent(current.content, { complete: true, today: today(now) });
    const { rows } = await tx.query<Row>(
      `update dpia set status = 'submitted', submitted_at = $3 where id = $1 and version = $2 returning ${COLUMNS}`,
      [id, v, now],
    );
    await ledger(tx, actor, 'dpia.submit', current);
    return toVersion(rows[0]!);
  });
}

/**
 * A DPO approves (with their opinion) or rejects a submitted version. Never its author (ACC-6). Approving puts
 * it in force until its review date and supersedes the version in force before.
 */
export async function decideDpia(
  db: Database,
  id: string,
  v: number,
  decision: { approve: boolean; opinion?: string; note?: string },
  actor: DpiaActor,
  now: Date,
): Promise<DpiaVersion> {
  const opinion = decision.opinion?.trim() ?? '';
  if (decision.approve && opinion === '') {
    throw new HavenError('dpo-opinion-required', 'Give the DPO’s opinion with the approval (GDPR 35(2)).', {
      status: 422,
      fields: [{ path: 'opinion', code: 'required', message: 'the DPO’s opinion.' }],
    });
  }
  if (!decision.approve && (decision.note?.trim() ?? '') === '') {
    throw new HavenError(
      'dpia-rejection-reason-required',
      'Say why the DPIA is rejected, so it can be revised.',
      {
        status: 422,
        fields: [{ path: 'note', code: 'required', message: 'why it is rejected.' }],
      },
    );
  }
  return db.transaction(async (tx) => {
    const current = await version(tx, id, v, true);
    if (current.status !== 'submitted') {
      throw new HavenError('dpia-not-submitted', 'Only a submitted DPIA can be approved or rejected.', {
        status: 409,
      });
    }
    if (current.author === actor.account) {
      throw new HavenError(
        'own-dpia',
        'Someone other than the author must approve or reject this DPIA (ACC-6).',
        {
          status: 403,
          reason: 'own-proposal',
        },
      );
    }
    if (decision.approve) {
      // The review date may have come while it waited.
      checkDpiaContent(current.content, { complete: true, today: today(now) });
      await tx.query(
        `update dpia set status = 'superseded' where subject_kind = $1 and subject = $2 and status = 'approved'`,
        [current.subjectKind, current.subject],
      );
    }
    const { rows } = await tx.query<Row>(
      `update dpia set status = $3, dpo_opinion = $4, decision_note = $5, decided_by = $6, decided_at = $7,
              review_date = case when $3 = 'approved' then $8::date end
        where id = $1 and version = $2 returning ${COLUMNS}`,
      [
        id,
        v,
        decision.approve ? 'approved' : 'rejected',
        opinion === '' ? null : opinion,
        decision.note?.trim() || null,
        actor.account,
        now,
        current.content.reviewDate,
      ],
    );
    await ledger(tx, actor, decision.approve ? 'dpia.approve' : 'dpia.reject', current);
    return toVersion(rows[0]!);
  });
}

/** A new draft version from the newest one (to review, renew or correct it); the version in force stays in force. */
export async function reviseDpia(db: Database, id: string, actor: DpiaActor): Promise<DpiaVersion> {
  return db.transaction(async (tx) => {
    const [latest] = await dpiaVersions(tx, id);
    if (!latest) throw notFound();
    if (latest.status === 'draft' || latest.status === 'submitted') {
      throw new HavenError('dpia-open-version', `Version ${latest.version} is still open: finish it first.`, {
        status: 409,
      });
    }
    const { migrated: _migrated, ...content } = latest.content;
    const next = latest.version + 1;
    const { rows } = await tx.query<Row>(
      `insert into dpia (id, version, subject_kind, subject, status, content, author)
       values ($1, $2, $3, $4, 'draft', $5, $6) returning ${COLUMNS}`,
      [
        id,
        next,
        latest.subjectKind,
        latest.subject,
        content as unknown as Record<string, unknown>,
        actor.account,
      ],
    );
    await ledger(tx, actor, 'dpia.revise', { id, version: next, subject: latest.subject });
    return toVersion(rows[0]!);
  });
}
