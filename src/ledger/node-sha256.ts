/**
 * SHA-256 of exactly one Merkle node input, 0x01 ‖ left ‖ right (65 bytes, RFC 9162 §2.1.1), in plain JavaScript.
 * Node's `crypto.hash` costs about 2 µs per call here, nearly all of it the call into the crypto binding; this
 * costs about a third of that, so a 27-hash proof verifies within B3's 20 µs. The two blocks are laid out
 * directly from the inputs — no buffer is concatenated or allocated. test/ledger/node-sha256.test.ts checks it
 * against node:crypto on generated inputs. FIPS 180-4 §6.2.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** 65 bytes of input plus padding is 9 bytes short of two blocks: the bit length goes in the second. */
const BIT_LENGTH = 65 * 8;

const W = new Int32Array(64);
const H = new Int32Array(8);

function compress(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** The big-endian word of `bytes` that starts 3 bytes before `at` behind the leading byte `first`. */
function word(first: number, bytes: Uint8Array, at: number): number {
  return (first << 24) | (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
}

/** Writes SHA-256(0x01 ‖ left ‖ right) into `out` (32 bytes; it may be `left` or `right` itself). */
export function nodeSha256Into(left: Uint8Array, right: Uint8Array, out: Uint8Array): void {
  H.set(IV);
  // Block 1: the prefix byte, the 32 bytes of left, the first 31 of right.
  W[0] = word(0x01, left, 0);
  for (let i = 1; i < 8; i++) W[i] = word(left[4 * i - 1]!, left, 4 * i);
  W[8] = word(left[31]!, right, 0);
  for (let i = 9; i < 16; i++) W[i] = word(right[4 * (i - 8) - 1]!, right, 4 * (i - 8));
  const last = right[31]!;
  compress();
  // Block 2: the last byte of right, the padding bit, zeros, and the message length in bits.
  W[0] = (last << 24) | 0x800000;
  W.fill(0, 1, 15);
  W[15] = BIT_LENGTH;
  compress();
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = (v >>> 16) & 0xff;
    out[4 * i + 2] = (v >>> 8) & 0xff;
    out[4 * i + 3] = v & 0xff;
  }
}
