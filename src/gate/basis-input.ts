import { HavenError } from '../domain/errors.ts';
import type { Notices } from '../domain/notices/index.ts';

/**
 * How consent or another legal basis is recorded (PUR-3, PUR-5): the consent's notice version and language,
 * how it was given, who witnessed it; for other bases, the justification. These details are sealed under the
 * person's data key; only the kind, the purpose and the times are stored in the clear for decisions.
 */
export type ConsentMethod = 'written' | 'oral-with-witness' | 'guardian';
export const CONSENT_METHODS: readonly ConsentMethod[] = ['written', 'oral-with-witness', 'guardian'];
export const OTHER_BASES = [
  'vital-interest',
  'public-interest',
  'legitimate-interest',
  'legal-obligation',
] as const;

export type BasisInput =
  | {
      kind: 'consent';
      noticeVersion: string;
      noticeLanguage: string;
      method: ConsentMethod;
      /** Oral consent: the staff member who witnessed it. */
      witnessAccountId?: string;
      /** Consent by a guardian for a child: their relationship to the child. */
      guardianRelationship?: string;
      expiresAt?: string;
    }
  | { kind: (typeof OTHER_BASES)[number]; justification: string; expiresAt?: string };

export interface CheckedBasis {
  kind: string;
  details: Record<string, unknown>;
  expiresAt: Date | null;
}

function invalid(path: string, code: string, message: string): HavenError {
  return new HavenError('basis-invalid', `The consent or legal basis is not complete: ${message}`, {
    status: 422,
    fields: [{ path: `basis/${path}`, code, message }],
  });
}

export function checkBasis(input: BasisInput | undefined, now: Date): CheckedBasis {
  if (!input || typeof input !== 'object') {
    throw invalid('kind', 'required', 'record the person’s consent or another legal basis (PUR-5).');
  }
  let expiresAt: Date | null = null;
  if (input.expiresAt !== undefined) {
    expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now) {
      throw invalid('expiresAt', 'invalid', 'an expiry must be a future date.');
    }
  }
  if (input.kind === 'consent') {
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(input.noticeVersion ?? '')) {
      throw invalid('noticeVersion', 'required', 'say which version of the privacy notice was shown.');
    }
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.noticeLanguage ?? '')) {
      throw invalid(
        'noticeLanguage',
        'required',
        'say in which language the notice was given (e.g. ar, fa-AF).',
      );
    }
    if (!CONSENT_METHODS.includes(input.method)) {
      throw invalid(
        'method',
        'invalid',
        'say how consent was given: written, oral-with-witness or guardian.',
      );
    }
    if (input.method === 'oral-with-witness' && !/^[0-9a-f-]{36}$/i.test(input.witnessAccountId ?? '')) {
      throw invalid('witnessAccountId', 'required', 'oral consent needs the staff member who witnessed it.');
    }
    if (input.method === 'guardian' && !/^[a-z-]{2,40}$/.test(input.guardianRelationship ?? '')) {
      throw invalid(
        'guardianRelationship',
        'required',
        'consent by a guardian needs their relationship to the child.',
      );
    }
    return {
      kind: 'consent',
      expiresAt,
      details: {
        noticeVersion: input.noticeVersion,
        noticeLanguage: input.noticeLanguage,
        method: input.method,
        ...(input.witnessAccountId ? { witnessAccountId: input.witnessAccountId } : {}),
        ...(input.guardianRelationship ? { guardianRelationship: input.guardianRelationship } : {}),
      },
    };
  }
  if (!(OTHER_BASES as readonly string[]).includes(input.kind)) {
    throw invalid(
      'kind',
      'invalid',
      'the kind of basis is one of consent, vital-interest, public-interest, legitimate-interest, legal-obligation.',
    );
  }
  const justification = typeof input.justification === 'string' ? input.justification.trim() : '';
  if (justification.length < 20 || justification.length > 4000) {
    throw invalid(
      'justification',
      'required',
      'a basis other than consent needs a written justification (20–4000 characters).',
    );
  }
  return { kind: input.kind, expiresAt, details: { justification } };
}

/**
 * PUR-3, LNG-1: a consent names the notice the person was given, and that must be a version of the purpose's
 * notice that Haven keeps (an older one too: a clerk in the field may have read last month's printed notice).
 * The language is kept as given: an interpreter may have read the notice aloud in a language it is not written in.
 */
export function checkNoticeVersion(notices: Notices, purpose: string, basis: CheckedBasis): void {
  if (basis.kind !== 'consent') return;
  const version = basis.details.noticeVersion;
  if (typeof version === 'string' && notices.find(purpose, version) !== undefined) return;
  throw new HavenError(
    'notice-version-unknown',
    'The consent names a privacy notice version this purpose does not have; record the version that was read to the person (GET /api/notices/{purpose}).',
    {
      status: 422,
      reason: 'PUR-3',
      fields: [
        { path: 'basis/noticeVersion', code: 'unknown', message: 'not a version of this purpose’s notice' },
      ],
    },
  );
}
