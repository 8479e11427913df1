/**
 * The concern channel's throttle without addresses (GOV-4, src/governance/concerns.ts): before sending, the browser
 * finds a nonce such that SHA-256("challenge:nonce") starts with `difficulty` zero bits — about a second of hashing
 * for a person, too slow to flood the channel. Hashing is done by the browser's own crypto in batches, so the page
 * stays responsive.
 */
const BATCH = 256;

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export async function solveChallenge(
  challenge: string,
  difficulty: number,
  stopped: () => boolean = () => false,
): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('no-secure-context');
  const encoder = new TextEncoder();
  for (let start = 0; !stopped(); start += BATCH) {
    const nonces = Array.from({ length: BATCH }, (_, i) => (start + i).toString(36));
    const hashes = await Promise.all(
      nonces.map((nonce) => subtle.digest('SHA-256', encoder.encode(`${challenge}:${nonce}`))),
    );
    const found = hashes.findIndex((h) => leadingZeroBits(new Uint8Array(h)) >= difficulty);
    if (found >= 0) return nonces[found]!;
  }
  throw new Error('stopped');
}
