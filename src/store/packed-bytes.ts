/**
 * Many byte strings as one statement parameter. The pg driver sends an array of bytea as text, every byte as two
 * hex digits that the server then parses back; a single Buffer parameter travels as binary. So a batch writes
 * its byte columns as one blob plus offsets and lengths, and the SQL cuts them out again:
 *   `substring($blob from o + 1 for n)` over `unnest($offsets::int[], $lengths::int[]) as x(o, n)`.
 * A null keeps its place with length −1, which `unpackedSql` turns back into null.
 */
export interface PackedBytes {
  blob: Buffer;
  offsets: number[];
  lengths: number[];
}

export function packBytes(values: readonly (Uint8Array | null)[]): PackedBytes {
  let total = 0;
  for (const value of values) total += value?.length ?? 0;
  const blob = Buffer.allocUnsafe(total);
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const value of values) {
    offsets.push(at);
    if (value === null) {
      lengths.push(-1);
      continue;
    }
    blob.set(value, at);
    lengths.push(value.length);
    at += value.length;
  }
  return { blob, offsets, lengths };
}

/** The SQL expression for one value of a packed parameter: `blob`, `offset` and `length` name SQL expressions. */
export function unpackedSql(blob: string, offset: string, length: string): string {
  return `case when ${length} >= 0 then substring(${blob} from ${offset} + 1 for ${length}) end`;
}
