/**
 * Unwrapped data keys kept in memory for a short time (architecture.md, "Keys"): a performance tool whose limits
 * are configuration. Least recently used keys go first; no key outlives `maxAgeMs`.
 */
export class DekCache {
  private readonly entries = new Map<string, { key: Buffer; expires: number }>();
  hits = 0;
  misses = 0;
  readonly maxEntries: number;
  readonly maxAgeMs: number;

  constructor(maxEntries: number, maxAgeMs: number) {
    this.maxEntries = maxEntries;
    this.maxAgeMs = maxAgeMs;
  }

  get(personId: string, now = Date.now()): Buffer | undefined {
    const entry = this.entries.get(personId);
    if (!entry || entry.expires <= now) {
      if (entry) this.entries.delete(personId);
      this.misses++;
      return undefined;
    }
    // Re-insert to mark it most recently used (Map keeps insertion order).
    this.entries.delete(personId);
    this.entries.set(personId, entry);
    this.hits++;
    // A copy: evicting the entry wipes the cached bytes, which must not pull a key from under a caller.
    return Buffer.from(entry.key);
  }

  set(personId: string, key: Buffer, now = Date.now()): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(personId);
    this.entries.set(personId, { key: Buffer.from(key), expires: now + this.maxAgeMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  /** Drops a key now (erasure); its bytes are overwritten so no copy lingers in this buffer. */
  evict(personId: string): void {
    const entry = this.entries.get(personId);
    if (entry) entry.key.fill(0);
    this.entries.delete(personId);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.key.fill(0);
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
