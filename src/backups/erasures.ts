import { readFileSync } from 'node:fs';
import { HavenError } from '../domain/errors.ts';
import type { Sql } from '../store/database.ts';

/**
 * Who was erased, from a ledger (ENC-4, RET-2): every allowed `person.erase` or `retention.erase-person` event
 * names a person erased whole; every `retention.erase-groups` event a person and the field groups erased of them.
 * The ledger holds ids only, so this list can be read, exported and carried without carrying personal data.
 */

export interface Erasure {
  personId: string;
  time: string;
  /** Field groups erased on their own (RET-2); absent: the whole person. */
  groups?: string[];
}

/** Actions whose event erases a whole person. */
export const WHOLE_ERASURES = ['person.erase', 'retention.erase-person'];
export const GROUP_ERASURE = 'retention.erase-groups';

export async function erasuresInLedger(sql: Sql): Promise<Erasure[]> {
  const { rows } = await sql.query<{
    person_id: string;
    time: string;
    action: string;
    groups: string[] | null;
  }>(
    `select person_id, e ->> 'time' as time, e ->> 'action' as action,
            array(select jsonb_array_elements_text(e -> 'fieldGroups')) as groups
       from (select person_id, convert_from(body, 'UTF8')::jsonb as e from audit_event where person_id is not null) x
      where e ->> 'decision' = 'allow' and e ->> 'action' = any($1::text[])
      order by 2, 1`,
    [[...WHOLE_ERASURES, GROUP_ERASURE]],
  );
  return mergeErasures(
    rows.map((r) => ({
      personId: r.person_id,
      time: r.time,
      ...(r.action === GROUP_ERASURE ? { groups: r.groups ?? [] } : {}),
    })),
  );
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
    const event = entry.event as
      | { action?: string; decision?: string; subject?: string; time?: string; fieldGroups?: string[] }
      | undefined;
    if (event?.decision !== 'allow' || !event.subject || !UUID.test(event.subject)) continue;
    if (WHOLE_ERASURES.includes(event.action ?? ''))
      found.push({ personId: event.subject, time: event.time ?? '' });
    else if (event.action === GROUP_ERASURE && Array.isArray(event.fieldGroups))
      found.push({ personId: event.subject, time: event.time ?? '', groups: event.fieldGroups.map(String) });
  }
  return found;
}

/**
 * One list, each person once: a whole erasure wins over group erasures (its earliest time kept), group erasures
 * of the same person are joined (their earliest time kept).
 */
export function mergeErasures(...lists: Erasure[][]): Erasure[] {
  const byId = new Map<string, Erasure>();
  const earlier = (a: string, b: string) => (a === '' ? b : b === '' ? a : a < b ? a : b);
  for (const e of lists.flat()) {
    const seen = byId.get(e.personId);
    if (!seen) byId.set(e.personId, e.groups ? { ...e, groups: [...e.groups] } : e);
    else if (!e.groups && seen.groups) byId.set(e.personId, e);
    else if (!e.groups === !seen.groups) {
      const groups = seen.groups && e.groups ? [...new Set([...seen.groups, ...e.groups])].sort() : undefined;
      byId.set(e.personId, {
        personId: e.personId,
        time: earlier(seen.time, e.time),
        ...(groups ? { groups } : {}),
      });
    }
  }
  return [...byId.values()].sort((a, b) =>
    a.time < b.time ? -1 : a.time > b.time ? 1 : a.personId < b.personId ? -1 : 1,
  );
}
