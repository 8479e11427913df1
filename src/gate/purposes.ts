import type { Dictionary, Purpose } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The purpose register (PUR-1, PUR-2, PUR-6). What a purpose is comes from the data dictionary; the register holds
 * what changes in operation: active or suspended, and the DPIA's state. Prohibited purposes stay prohibited.
 */

export interface PurposeState {
  definition: Purpose;
  status: 'active' | 'suspended' | 'prohibited';
  dpiaStatus: 'not-required' | 'required' | 'approved' | 'rejected';
  dpiaExpiresAt: Date | null;
  updatedAt: Date;
}

export interface ResolvedPurpose {
  name: string;
  definition: Purpose;
  prohibited: boolean;
  /** Active, and its DPIA approved and unexpired where required (PUR-6). */
  usable: boolean;
  legalBases: readonly string[];
}

interface PurposeRow {
  name: string;
  status: PurposeState['status'];
  dpia_status: PurposeState['dpiaStatus'];
  dpia_expires_at: Date | null;
  updated_at: Date;
}

/** Adds the dictionary's purposes the register does not know yet; never changes an existing entry's state. */
export async function syncPurposes(db: Database, dictionary: Dictionary): Promise<void> {
  const names = dictionary.purposes.map((p) => p.name);
  await db.query(
    `insert into purpose (name, status, dpia_status)
     select * from unnest($1::text[], $2::text[], $3::text[]) on conflict (name) do nothing`,
    [
      names,
      dictionary.purposes.map((p) => (p.prohibited ? 'prohibited' : 'active')),
      dictionary.purposes.map((p) => (p.dpiaRequired ? 'required' : 'not-required')),
    ],
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
      'select name, status, dpia_status, dpia_expires_at, updated_at from purpose',
    );
    const states = new Map<string, PurposeState>();
    for (const row of rows) {
      const definition = this.dictionary.purpose(row.name);
      if (!definition) continue;
      states.set(row.name, {
        definition,
        status: row.status,
        dpiaStatus: row.dpia_status,
        dpiaExpiresAt: row.dpia_expires_at,
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
    const dpiaOk =
      !state.definition.dpiaRequired ||
      (state.dpiaStatus === 'approved' && (state.dpiaExpiresAt === null || state.dpiaExpiresAt > now));
    return {
      name,
      definition: state.definition,
      prohibited: state.status === 'prohibited' || state.definition.prohibited,
      usable: state.status === 'active' && dpiaOk,
      legalBases: state.definition.legalBases,
    };
  }
}
