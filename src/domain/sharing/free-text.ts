/**
 * MIN-5: before free text (a case note, a relative's notes) leaves Haven in a release or an export, identifiers of
 * people are masked — phone numbers, e-mail addresses, document and case numbers, and the names Haven knows of
 * other people around the person (their relatives). The partner gets the note, not the neighbour's phone. What is
 * masked is counted, never kept.
 */
export interface Masked {
  text: string;
  /** How many identifiers were masked, by kind. */
  counts: Record<MaskKind, number>;
}

export type MaskKind = 'phone' | 'email' | 'number' | 'name';

const PATTERNS: { kind: MaskKind; pattern: RegExp }[] = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  // International or local phone numbers: 7 digits or more, with spaces, dots, dashes or brackets between.
  { kind: 'phone', pattern: /(?<![\p{L}\p{N}])\+?\(?\p{Nd}(?:[\p{Nd}\s().-]{5,}\p{Nd})(?![\p{L}\p{N}])/gu },
  // Document and case numbers: a run of 6 or more letters and digits holding at least one digit (N7Q31K8842).
  {
    kind: 'number',
    pattern: /(?<![\p{L}\p{N}])(?=[\p{L}\p{N}/-]*\p{Nd})[\p{Lu}\p{N}][\p{Lu}\p{N}/-]{5,}(?![\p{L}\p{N}])/gu,
  },
];

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function maskIdentifiers(text: string, names: readonly string[] = []): Masked {
  const counts: Record<MaskKind, number> = { phone: 0, email: 0, number: 0, name: 0 };
  let out = text;
  for (const { kind, pattern } of PATTERNS) {
    out = out.replace(pattern, (match) => {
      // A date (2026-03-14) or a plain year is no identifier.
      if (kind !== 'email' && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(match.trim())) return match;
      counts[kind]++;
      return `[${kind}]`;
    });
  }
  const known = [...new Set(names.map((n) => n.trim()).filter((n) => n.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  for (const name of known) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${literal(name)}(?![\\p{L}\\p{N}])`, 'giu');
    out = out.replace(pattern, () => {
      counts.name++;
      return '[name]';
    });
  }
  return { text: out, counts };
}
