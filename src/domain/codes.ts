import { randomBytes } from 'node:crypto';

/**
 * Codes people read aloud, write down and type back: Crockford's base32 (no I, L, O, U), upper case, in groups
 * of four. Typing a lower-case letter, an I or L for 1, an O for 0, a space or a hyphen changes nothing.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Crockford's check symbols: the value modulo 37, with five extra symbols for 32–36. */
const CHECK_SYMBOLS = `${CROCKFORD}*~$=U`;

/** `length` random characters (5 bits each). */
export function randomCode(length: number): string {
  const bytes = randomBytes(Math.ceil((length * 5) / 8));
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += CROCKFORD[Number(bits & 31n)];
    bits >>= 5n;
  }
  return out;
}

export function groupsOfFour(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** The code as typed, in its canonical form (no separators, upper case, I/L → 1, O → 0). */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** Crockford's check symbol of a canonical code: catches every single wrong character and most swaps. */
export function checkSymbol(code: string): string {
  let value = 0n;
  for (const c of code) {
    const digit = CROCKFORD.indexOf(c);
    if (digit < 0) throw new RangeError('not a Crockford base32 code');
    value = value * 32n + BigInt(digit);
  }
  return CHECK_SYMBOLS[Number(value % 37n)]!;
}
