/**
 * A seeded pseudo-random generator for demo data: the same seed gives the same registry on every machine and
 * Node version (Math.random cannot be seeded). sfc32, seeded through splitmix32; fast and well distributed, and
 * deliberately not cryptographic — nothing secret (passwords, keys, ids) is ever drawn from it.
 */
export class DemoRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    const next = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A number in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the values, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let at = this.next() * total;
    for (const [value, weight] of entries) {
      at -= weight;
      if (at < 0) return value;
    }
    return entries.at(-1)![0];
  }

  /** A pattern with each `#` replaced by a digit and each `A` by a capital letter. */
  pattern(text: string): string {
    let out = '';
    for (const ch of text) {
      if (ch === '#') out += String(this.int(0, 9));
      else if (ch === 'A') out += String.fromCharCode(65 + this.int(0, 25));
      else out += ch;
    }
    return out;
  }

  /** An independent stream for one part of the generation, so that a change elsewhere does not shift it. */
  fork(label: string): DemoRandom {
    return new DemoRandom(`${this.int(0, 0xffffffff)}:${label}`);
  }
}

/** FNV-1a, 32 bits: turns a string seed into a number. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
