import { readFileSync } from 'node:fs';
import { HavenError } from '../domain/errors.ts';
import type { Sql } from '../store/database.ts';

/**
 * Who was erased, from a ledger (ENC-4): every allowed `person.erase` event names the person as its subject. The
 * ledger holds ids only, so this list can be read, exported and carried without carrying personal data.
 */

export interface Erasure {
  personId: string;
  time: string;
}

export async function erasuresInLedger(sql: Sql): Promise<Erasure[]> {
  const { rows } = await sql.query<{ person_id: string; time: string }>(
    `select person_id, min(convert_from(body, 'UTF8')::jsonb ->> 'time') as time from audit_event
      where person_id is not null
        and convert_from(body, 'UTF8')::jsonb @> '{"action": "person.erase", "decision": "allow"}'::jsonb
      group by person_id order by 2, 1`,
  );
  return rows.map((r) => ({ personId: r.person_id, time: r.time }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Erasures from a file the operator brings when the live system is gone: a ledger export (`haven ledger export`,
 * NDJSON, e.g. from the off-host checkpoint store's companion export) or plain person ids, one per line.
 */
export function erasuresInFile(file: string): Erasure[] {
  const found: Erasure[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (UUID.test(line)) {
      found.push({ personId: line, time: '' });
      continue;
    }
    let entry: {
      event?: { action?: string; decision?: string; subject?: string; subjectType?: string; time?: string };
    };
    try {
      entry = JSON.parse(line);
    } catch {
      throw new HavenError(
        'erasures-file-invalid',
        `${file} line ${i + 1} is neither a person id nor a ledger export entry.`,
        {
          status: 422,
        },
      );
    }
    const event = entry.event;
    if (
      event?.action === 'person.erase' &&
      event.decision === 'allow' &&
      event.subject &&
      UUID.test(event.subject)
    ) {
      found.push({ personId: event.subject, time: event.time ?? '' });
    }
  }
  return found;
}

/** One list, each person once, earliest time kept. */
export function mergeErasures(...lists: Erasure[][]): Erasure[] {
  const byId = new Map<string, Erasure>();
  for (const e of lists.flat()) {
    const seen = byId.get(e.personId);
    if (!seen || (e.time !== '' && (seen.time === '' || e.time < seen.time))) byId.set(e.personId, e);
  }
  return [...byId.values()].sort((a, b) =>
    a.time < b.time ? -1 : a.time > b.time ? 1 : a.personId < b.personId ? -1 : 1,
  );
}
