import { randomUUID } from 'node:crypto';
import { type NewAuditEvent, recordAuditEvents } from '../../src/ledger/events.ts';
import { exportEntries } from '../../src/ledger/export.ts';
import type { Sql } from '../../src/store/database.ts';

export function sampleEvents(n: number, action = 'person.read'): NewAuditEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    actor: { kind: 'staff', account: randomUUID(), organisation: randomUUID(), role: 'caseworker' },
    action,
    purpose: 'registration',
    subject: randomUUID(),
    subjectType: 'person',
    fieldGroups: ['identity', 'contact'],
    decision: i % 7 === 0 ? 'deny' : 'allow',
    reason: i % 7 === 0 ? 'no-consent' : 'ok',
    requestId: `req-${i.toString().padStart(6, '0')}`,
  }));
}

export async function appendEvents(
  db: { transaction<T>(w: (tx: Sql) => Promise<T>): Promise<T> },
  n: number,
): Promise<void> {
  const events = sampleEvents(n);
  for (let i = 0; i < events.length; i += 500) {
    await db.transaction((tx) => recordAuditEvents(tx, events.slice(i, i + 500)));
  }
}

export async function exportLines(sql: Sql, from: number, to: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportEntries(sql, from, to)) lines.push(line.trimEnd());
  return lines;
}
