import { type Dictionary, NO_PROCESSING_TRAITS, type Purpose } from '../domain/dictionary/index.ts';
import { type CriterionMet, type DpiaNeed, dpiaNeed } from '../domain/dpia/criteria.ts';
import { HavenError } from '../domain/errors.ts';
import type { DpiaState } from '../policy/requests.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The purpose register (PUR-1, PUR-2, PUR-6). What a purpose is comes from the data dictionary; whether it needs a
 * DPIA is computed from it (src/domain/dpia/criteria.ts). The register holds what changes in operation: in use
 * or suspended, and — from the DPIA register — the approved DPIA in force and its review date.
 */

/** What the register knows about a purpose's DPIA (PUR-6). */
export interface DpiaStatus {
  required: boolean;
  criteria: CriterionMet[];
  rule: DpiaNeed['rule'];
  /** The approved version in force, if any, and the day it must be reviewed by. */
  inForce: { id: string; version: number; reviewDate: string } | null;
  /** The newest version whatever its state (a draft under way, a rejection). */
  latest: { id: string; version: number; status: string } | null;
}

export interface PurposeState {
  definition: Purpose;
  status: 'active' | 'suspended' | 'prohibited';
  dpia: DpiaStatus;
  updatedAt: Date;
}

export interface ResolvedPurpose {
  name: string;
  definition: Purpose;
  prohibited: boolean;
  /** In use: active on the register, not suspended. */
  usable: boolean;
  /** What the policies see of the DPIA (PUR-6). */
  dpia: DpiaState;
  dpiaStatus: DpiaStatus;
  legalBases: readonly string[];
}

interface PurposeRow {
  name: string;
  status: PurposeState['status'];
  updated_at: Date;
  in_force: { id: string; version: number; reviewDate: string } | null;
  latest: { id: string; version: number; status: string } | null;
}

/** The DPIA state on a day (UTC, YYYY-MM-DD): in force through its review date, expired the day after. */
export function dpiaStateOn(status: DpiaStatus, today: string): DpiaState {
  if (!status.required) return 'not-required';
  if (!status.inForce) return 'none';
  return status.inForce.reviewDate >= today ? 'approved' : 'expired';
}

/** Adds the dictionary's purposes the register does not know yet; never changes an existing entry's state. */
export async function syncPurposes(db: Database, dictionary: Dictionary): Promise<void> {
  const names = dictionary.purposes.map((p) => p.name);
  await db.query(
    `insert into purpose (name, status)
     select * from unnest($1::text[], $2::text[]) on conflict (name) do nothing`,
    [names, dictionary.purposes.map((p) => (p.prohibited ? 'prohibited' : 'active'))],
  );
  // A purpose the dictionary now lists as prohibited is prohibited in the register too (PUR-2).
  await db.query(
    `update purpose set status = 'prohibited', updated_at = now() where name = any($1::text[]) and status <> 'prohibited'`,
    [dictionary.purposes.filter((p) => p.prohibited).map((p) => p.name)],
  );
}

/** Register state, cached for a few seconds so the hot path does not query it on every request. */
export class PurposeRegister {
  private readonly db: Database;
  private readonly dictionary: Dictionary;
  private cache: { at: number; states: Map<string, PurposeState> } | undefined;
  private readonly ttlMs: number;

  constructor(db: Database, dictionary: Dictionary, ttlMs = 5_000) {
    this.db = db;
    this.dictionary = dictionary;
    this.ttlMs = ttlMs;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  async states(sql: Sql = this.db): Promise<Map<string, PurposeState>> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.states;
    const { rows } = await sql.query<PurposeRow>(
      `select p.name, p.status, p.updated_at,
              (select json_build_object('id', d.id, 'version', d.version,
                                        'reviewDate', to_char(d.review_date, 'YYYY-MM-DD'))
                 from dpia d where d.subject_kind = 'purpose' and d.subject = p.name and d.status = 'approved') as in_force,
              (select json_build_object('id', d.id, 'version', d.version, 'status', d.status)
                 from dpia d where d.subject_kind = 'purpose' and d.subject = p.name
                order by d.version desc limit 1) as latest
         from purpose p`,
    );
    const states = new Map<string, PurposeState>();
    for (const row of rows) {
      const definition = this.dictionary.purpose(row.name);
      if (!definition) continue;
      const need = dpiaNeed(this.dictionary, definition);
      states.set(row.name, {
        definition,
        status: row.status,
        dpia: { ...need, inForce: row.in_force, latest: row.latest },
        updatedAt: row.updated_at,
      });
    }
    this.cache = { at: Date.now(), states };
    return states;
  }

  /**
   * Resolves a declared purpose. A missing or unknown purpose is refused here; a prohibited or unusable one is
   * resolved, so that the policies refuse it with their reason and the refusal reaches the ledger. Inside a
   * transaction, pass it as `sql`: on PGlite a query outside a running transaction waits for it to end, so
   * reading the register on the side from within one would never return.
   */
  async resolve(name: string | undefined, now: Date, sql: Sql = this.db): Promise<ResolvedPurpose> {
    if (name === undefined || name.trim() === '') {
      throw new HavenError(
        'purpose-required',
        'Say why you need this data: declare a purpose (X-Haven-Purpose header).',
        {
          status: 400,
          reason: 'PUR-1',
        },
      );
    }
    const state = (await this.states(sql)).get(name);
    if (!state) {
      throw new HavenError('purpose-unknown', 'That purpose is not in the purpose register.', {
        status: 422,
        reason: 'PUR-1',
      });
    }
    return {
      name,
      definition: state.definition,
      prohibited: state.status === 'prohibited' || state.definition.prohibited,
      usable: state.status === 'active',
      dpia: dpiaStateOn(state.dpia, now.toISOString().slice(0, 10)),
      dpiaStatus: state.dpia,
      legalBases: state.definition.legalBases,
    };
  }
}

/**
 * A purpose the gate sets itself and no header can declare (the person's rights, legal holds, retention): it rests
 * on a legal obligation, collects nothing, and is no processing of its own that needs a DPIA. Their names are
 * reserved, so no dictionary can define one (RESERVED_PURPOSE_NAMES).
 */
export function fixedPurpose(name: string, title: string, description: string): ResolvedPurpose {
  return {
    name,
    definition: {
      name,
      title,
      description,
      legalBases: ['legal-obligation'],
      consentRequired: false,
      processing: NO_PROCESSING_TRAITS,
      retention: undefined,
      collect: [],
      require: [],
      prohibited: false,
    },
    prohibited: false,
    usable: true,
    dpia: 'not-required',
    dpiaStatus: { required: false, criteria: [], rule: null, inForce: null, latest: null },
    legalBases: ['legal-obligation'],
  };
}
