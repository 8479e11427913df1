import type { Sql, SqlValue } from './database.ts';
import { packBytes } from './packed-bytes.ts';

/**
 * One statement that writes several tables: each module adds the inserts for its own tables as a data-modifying
 * CTE, and the whole runs as one statement — one round trip and, outside a transaction, one commit, atomic (B1).
 * Foreign keys are checked at the end of the statement, so a row may refer to one inserted by an earlier CTE.
 */
export class WriteStatement {
  readonly #params: SqlValue[] = [];
  readonly #parts: string[] = [];

  /** A parameter placeholder for `value`, with a cast (e.g. `uuid[]`). */
  param(value: SqlValue, cast: string): string {
    this.#params.push(value);
    return `$${this.#params.length}::${cast}`;
  }

  /**
   * Byte strings as one binary parameter (packed-bytes.ts): returns the placeholders for the blob, the offsets
   * and the lengths, to be unnested next to the other columns and cut out with `unpackedSql`.
   */
  bytes(values: readonly (Uint8Array | null)[]): { blob: string; offsets: string; lengths: string } {
    const packed = packBytes(values);
    return {
      blob: this.param(packed.blob, 'bytea'),
      offsets: this.param(packed.offsets, 'int[]'),
      lengths: this.param(packed.lengths, 'int[]'),
    };
  }

  /** Adds one data-modifying statement (`insert … select …`); an empty one is skipped by the caller. */
  add(sql: string): void {
    this.#parts.push(sql);
  }

  get empty(): boolean {
    return this.#parts.length === 0;
  }

  async run(sql: Sql): Promise<void> {
    if (this.#parts.length === 0) return;
    const ctes = this.#parts.map((part, i) => `w${i} as (${part})`).join(',\n');
    await sql.query(`with ${ctes}\nselect 1`, this.#params);
  }
}
