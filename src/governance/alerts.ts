import type { Sql } from '../store/database.ts';

/** A DPO alert (ACC-8): what happened and to which ids, never a personal value. */
export interface Alert {
  id: string;
  kind: string;
  subject: string | null;
  raisedBy: string | null;
  raisedAt: string;
}

/** The organisation's alerts not yet acknowledged, oldest first. */
export async function openAlerts(sql: Sql, organisationId: string): Promise<Alert[]> {
  const { rows } = await sql.query<{
    id: string;
    kind: string;
    subject: string | null;
    raised_by: string | null;
    raised_at: Date;
  }>(
    `select id, kind, subject, raised_by, raised_at from alert
      where organisation_id = $1 and acknowledged_at is null order by raised_at`,
    [organisationId],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    raisedBy: r.raised_by,
    raisedAt: r.raised_at.toISOString(),
  }));
}
