import { HavenError } from '../domain/errors.ts';
import type { CompactTree } from './compact-tree.ts';
import { HASH_SIZE, type NodeId } from './tree-hash.ts';

/**
 * The ledger tree stored as tiles (after C2SP tlog-tiles and Tessera): the tree's levels are cut into strata of
 * TILE_HEIGHT levels, and each stratum into tiles of TILE_WIDTH hashes of its lowest level. One database row per
 * tile, so an append costs about 1/256 of a row per level instead of a row per node (B3).
 *
 * Unlike tlog-tiles, a row also keeps the tile's inner nodes (levels 1–7 of its stratum), so that a proof reads
 * its hashes straight out of the rows it fetched instead of re-hashing up to 255 of them per stratum. The layout
 * is fixed, whatever the width: inner level r starts at hash 512 − 512/2^r and has room for 256/2^r hashes, of
 * which the first floor(width / 2^r) are filled (the rest are zeros). So the database can hand out one node's 32
 * bytes without reading the rest of the row, and a partial tile (width < 256), rewritten as the tree grows, keeps
 * every hash where it will stay once the tile is full and never changes again.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** Where a node's hash is kept: the stratum and tile, the level inside the tile, and the position on that level. */
export interface TileSlot {
  stratum: number;
  tile: number;
  inner: number;
  position: number;
}

export function slotOf(id: NodeId): TileSlot {
  const stratum = Math.floor(id.level / TILE_HEIGHT);
  const inner = id.level - stratum * TILE_HEIGHT;
  // A full tile holds 256 / 2^inner nodes of its inner level `inner`.
  const perTile = TILE_WIDTH / 2 ** inner;
  return { stratum, tile: Math.floor(id.index / perTile), inner, position: id.index % perTile };
}

/** How many hashes a tile with `width` base hashes keeps on its inner level `inner`. */
export function levelCount(width: number, inner: number): number {
  return Math.floor(width / 2 ** inner);
}

/** Offset (in hashes) of inner level `inner` in every tile. */
export function levelOffset(inner: number): number {
  return 2 * TILE_WIDTH - (2 * TILE_WIDTH) / 2 ** inner;
}

/** Room for hashes in a tile: 256 + 128 + … + 2. */
export const TILE_HASHES = levelOffset(TILE_HEIGHT);
export const TILE_BYTES = TILE_HASHES * HASH_SIZE;

/** Where in a tile's bytes the hash of `id` is kept (its tile is slotOf(id)). */
export function byteOffset(id: NodeId): number {
  const slot = slotOf(id);
  return (levelOffset(slot.inner) + slot.position) * HASH_SIZE;
}

function tileDamaged(stratum: number, tile: number): HavenError {
  return new HavenError('ledger-node-missing', `Ledger tile ${stratum}/${tile} is missing or damaged.`, {
    status: 500,
  });
}

/** A tile as stored: its base width, its hashes in the layout above, and (stratum 0) the event seq of each leaf. */
export interface StoredTile {
  stratum: number;
  tile: number;
  width: number;
  hashes: Buffer;
  seqs: Buffer | null;
}

/** The hash of `id` from its tile, or an error when the tile does not hold it (not stored yet, or damaged). */
export function hashInTile(tile: StoredTile, id: NodeId): Buffer {
  const slot = slotOf(id);
  if (tile.hashes.length !== TILE_BYTES || slot.position >= levelCount(tile.width, slot.inner)) {
    throw tileDamaged(slot.stratum, slot.tile);
  }
  const at = byteOffset(id);
  return tile.hashes.subarray(at, at + HASH_SIZE);
}

/** The event seq of leaf `position` of a stratum-0 tile (8 bytes big-endian each). */
export function seqInTile(tile: StoredTile, position: number): number {
  if (!tile.seqs || tile.seqs.length !== tile.width * 8 || position >= tile.width) {
    throw tileDamaged(tile.stratum, tile.tile);
  }
  return Number(tile.seqs.readBigInt64BE(position * 8));
}

/**
 * Tiles being extended by one sequencing round: starts from the stored partial tiles and takes every node the
 * appends complete, in order. Nodes of one level complete left to right, so each lands at the end of its level.
 */
export class TileWriter {
  readonly #tiles = new Map<string, { stratum: number; tile: number; levels: Buffer[][]; seqs: number[] }>();

  /** Loads a stored partial tile to extend. */
  resume(stored: StoredTile): void {
    const levels: Buffer[][] = [];
    for (let r = 0; r < TILE_HEIGHT; r++) {
      const count = levelCount(stored.width, r);
      const level: Buffer[] = [];
      for (let p = 0; p < count; p++)
        level.push(
          hashInTile(stored, {
            level: stored.stratum * TILE_HEIGHT + r,
            index: stored.tile * levelCount(TILE_WIDTH, r) + p,
          }),
        );
      levels.push(level);
    }
    const seqs =
      stored.stratum === 0 ? Array.from({ length: stored.width }, (_, p) => seqInTile(stored, p)) : [];
    this.#tiles.set(tileKey(stored.stratum, stored.tile), {
      stratum: stored.stratum,
      tile: stored.tile,
      levels,
      seqs,
    });
  }

  /** Adds a completed node; `seq` is the event of a leaf (level 0). */
  add(id: NodeId, hash: Buffer, seq?: number): void {
    const slot = slotOf(id);
    const key = tileKey(slot.stratum, slot.tile);
    let entry = this.#tiles.get(key);
    if (!entry) {
      entry = {
        stratum: slot.stratum,
        tile: slot.tile,
        levels: Array.from({ length: TILE_HEIGHT }, () => []),
        seqs: [],
      };
      this.#tiles.set(key, entry);
    }
    const level = entry.levels[slot.inner]!;
    // The stored tile and the tree's size disagree: never write over a gap or a filled place.
    if (level.length !== slot.position) throw tileDamaged(slot.stratum, slot.tile);
    level.push(hash);
    if (id.level === 0) entry.seqs.push(seq ?? -1);
  }

  /** The tiles to write, each whole (a partial tile is rewritten with what it already held). */
  tiles(): StoredTile[] {
    return [...this.#tiles.values()].map((entry) => {
      const width = entry.levels[0]!.length;
      let seqs: Buffer | null = null;
      if (entry.stratum === 0) {
        seqs = Buffer.allocUnsafe(width * 8);
        for (const [i, seq] of entry.seqs.entries()) seqs.writeBigInt64BE(BigInt(seq), i * 8);
      }
      const hashes = Buffer.alloc(TILE_BYTES);
      for (const [inner, level] of entry.levels.entries()) {
        for (const [position, hash] of level.entries())
          hash.copy(hashes, (levelOffset(inner) + position) * HASH_SIZE);
      }
      return { stratum: entry.stratum, tile: entry.tile, width, hashes, seqs };
    });
  }
}

/** The partial tile on each stratum of a tree of `size` leaves: the ones a sequencing round extends. */
export function partialTiles(size: number): { stratum: number; tile: number; width: number }[] {
  const partial: { stratum: number; tile: number; width: number }[] = [];
  for (let stratum = 0; ; stratum++) {
    const base = Math.floor(size / TILE_WIDTH ** stratum);
    if (base === 0) break;
    if (base % TILE_WIDTH !== 0)
      partial.push({ stratum, tile: Math.floor(base / TILE_WIDTH), width: base % TILE_WIDTH });
  }
  return partial;
}

/** The key of a tile in maps of stored tiles. */
export function tileKey(stratum: number, tile: number): string {
  return `${stratum}:${tile}`;
}

/**
 * One sequencing round on tiles: resumes the partial tiles `stored` holds for the tree's current size (each must
 * be there, with the width the size implies), appends the leaves to `tree`, and returns every tile to write.
 */
export function appendToTiles(
  tree: CompactTree,
  stored: ReadonlyMap<string, StoredTile>,
  leaves: readonly { hash: Buffer; seq: number }[],
): StoredTile[] {
  const writer = new TileWriter();
  for (const want of partialTiles(tree.size)) {
    const tile = stored.get(tileKey(want.stratum, want.tile));
    if (tile?.width !== want.width) {
      throw new HavenError(
        'ledger-inconsistent',
        `Ledger tile ${want.stratum}/${want.tile} does not match the tree head; the stored tree was changed outside Haven.`,
        { status: 500 },
      );
    }
    writer.resume(tile);
  }
  for (const leaf of leaves) {
    for (const node of tree.appendAndCollect(leaf.hash)) writer.add(node.id, node.hash, leaf.seq);
  }
  return writer.tiles();
}
