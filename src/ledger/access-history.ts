import type { Role } from '../domain/roles.ts';
import type { Sql } from '../store/database.ts';
import type { AuditEvent } from './events.ts';

/**
 * A person's access history (AUD-5): who — organisation and role, never a staff member's name or account — looked
 * at or changed their record, when, for which purpose, and what was decided. Read from the audit events.
 */
export interface AccessRecord {
  /** The ledger entry (its index), so that one entry can be pointed at: "I don't recognise this". */
  entry: number;
  time: string;
  /** Who acted: staff, the person themselves in their portal, Haven's own jobs, … (AuditActor kinds). */
  actorKind: string;
  organisation: { id: string; name: string } | null;
  role: Role | null;
  action: string;
  purpose: string | null;
  fieldGroups: string[];
  decision: 'allow' | 'deny';
  reason: string;
}

export async function accessHistory(
  sql: Sql,
  personId: string,
  options: { limit?: number; before?: number; hide?: readonly string[] } = {},
): Promise<AccessRecord[]> {
  const limit = options.limit ?? 200;
  const hidden = (action: string) => (options.hide ?? []).some((prefix) => action.startsWith(prefix));
  const events: (AuditEvent & { entry: number })[] = [];
  let before = options.before ?? null;
  // Hidden kinds are left out after reading (the event is the only place the action is kept): read on until
  // the page is full or the history ends.
  while (events.length < limit) {
    const { rows } = await sql.query<{ seq: string; body: Buffer }>(
      `select e.seq, e.body from audit_event e
        where e.person_id = $1 and ($2::bigint is null or e.seq < $2)
        order by e.seq desc limit $3`,
      [personId, before, limit],
    );
    for (const r of rows) {
      before = Number(r.seq);
      const event = JSON.parse(r.body.toString('utf8')) as AuditEvent;
      if (!hidden(event.action) && events.length < limit) events.push({ entry: Number(r.seq), ...event });
    }
    if (rows.length < limit) break;
  }
  const organisationIds = [
    ...new Set(events.map((e) => e.actor.organisation).filter((id): id is string => !!id)),
  ];
  const { rows: organisations } = await sql.query<{ id: string; name: string }>(
    'select id, name from organisation where id = any($1::uuid[])',
    [organisationIds],
  );
  const names = new Map(organisations.map((o) => [o.id, o.name]));
  return events.map((event) => ({
    entry: event.entry,
    time: event.time,
    actorKind: event.actor.kind,
    organisation: event.actor.organisation
      ? { id: event.actor.organisation, name: names.get(event.actor.organisation) ?? '' }
      : null,
    role: event.actor.role ?? null,
    action: event.action,
    purpose: event.purpose ?? null,
    fieldGroups: event.fieldGroups ?? [],
    decision: event.decision,
    reason: event.reason,
  }));
}

/** Persons whose records an account touched in a time window (BRE-3: who is affected when an account leaks). */
export async function personsTouchedBy(sql: Sql, accountId: string, from: Date, to: Date): Promise<string[]> {
  const { rows } = await sql.query<{ person_id: string }>(
    `select distinct person_id from audit_event
      where actor_account = $1 and person_id is not null and recorded_at between $2 and $3`,
    [accountId, from, to],
  );
  return rows.map((r) => r.person_id);
}
