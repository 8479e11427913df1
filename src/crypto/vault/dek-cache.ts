import type { KeyObject } from 'node:crypto';

/**
 * Unwrapped data keys kept in memory for a short time (architecture.md, "Keys"): a performance tool whose limits
 * are configuration. Least recently used keys go first; no key outlives `maxAgeMs`. Keys are held as key objects
 * (B5: a cipher set up from a key object skips OpenSSL's key schedule for raw bytes); their material lives in
 * native memory that Node frees when the object is collected — it cannot be overwritten from JavaScript, so
 * eviction drops the last reference instead.
 */
export class DekCache<K = KeyObject> {
  private readonly entries = new Map<string, { key: K; expires: number }>();
  hits = 0;
  misses = 0;
  readonly maxEntries: number;
  readonly maxAgeMs: number;

  constructor(maxEntries: number, maxAgeMs: number) {
    this.maxEntries = maxEntries;
    this.maxAgeMs = maxAgeMs;
  }

  get(personId: string, now = Date.now()): K | undefined {
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
    return entry.key;
  }

  set(personId: string, key: K, now = Date.now()): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(personId);
    this.entries.set(personId, { key, expires: now + this.maxAgeMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  /** Drops a key now (erasure). */
  evict(personId: string): void {
    this.entries.delete(personId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
