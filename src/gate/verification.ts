import { createHash, randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { type SearchCriteria, searchTerms } from '../crypto/blind-index/person-tokens.ts';
import type { ReleaseSigner } from '../crypto/release-envelope.ts';
import { HavenError } from '../domain/errors.ts';
import type { AgreementFacts } from '../domain/sharing/agreements.ts';
import { canonicalJson } from '../ledger/canonical-json.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import { findByTokens } from '../records/person-records.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { throughGate } from './entry.ts';
import { loadPerson } from './person-facts.ts';
import { countriesOf, decideForPartner, openForPartner } from './releases.ts';

/**
 * Verification instead of disclosure (SHA-4): a partner asks about a person it already knows — "is the holder of
 * document N7Q31K8842, born 1987-03-14, registered with you and covered by our agreement?" — and gets a signed,
 * short-lived yes or no, and no data. Several attributes are needed, one of them a document or phone number; the
 * answer is yes only for exactly one person, whose legal basis covers the agreement and whom the policies allow
 * the partner to learn about (never the authorities of their own state: SHA-3). Every question is a ledger event —
 * about the person when one matched, so they see who asked.
 */
export const VERIFICATION_TYPE = 'haven-verification+jwt';
export const VERIFICATION_SECONDS = 300;

export interface VerificationTarget {
  agreement: AgreementFacts;
  partner: { id: string; kind: string; actsForCountry: string | null };
}

export interface Verification {
  answer: boolean;
  /** A JWS (compact) signed by Haven holding the answer, the question's hash, the agreement and the times. */
  assertion: string;
  expiresAt: string;
}

function checkQuestion(input: SearchCriteria): SearchCriteria {
  const given = (['documentNumber', 'phone', 'dateOfBirth', 'name'] as const).filter(
    (k) => typeof input[k] === 'string' && input[k]!.trim() !== '',
  );
  if (given.length < 2 || !(given.includes('documentNumber') || given.includes('phone'))) {
    throw new HavenError(
      'verification-too-vague',
      'Ask with at least two attributes, one of them a document number or a phone number.',
      { status: 422 },
    );
  }
  return Object.fromEntries(given.map((k) => [k, input[k]!.trim()])) as SearchCriteria;
}

async function sign(signer: ReleaseSigner, claims: Record<string, unknown>): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(claims), 'utf8'))
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: VERIFICATION_TYPE })
    .sign(signer.privateKey);
}

export function verifyPerson(
  ctx: GateContext,
  request: GateRequest,
  target: VerificationTarget,
  input: SearchCriteria,
): Promise<Verification> {
  const action = 'sharing.verify';
  const { agreement, partner } = target;
  return throughGate(ctx, { ...request, purpose: agreement.purposes[0] }, action, undefined, async () => {
    const question = checkQuestion(input);
    const now = ctx.now();
    return ctx.db.transaction(async (tx) => {
      const purposes = await openForPartner(ctx, tx, request, target, now);
      // Only what the agreement's purposes may use is matched on: a match on anything else would disclose it.
      const terms = searchTerms(ctx.index, ctx.dictionary, agreement.organisationId, question, (field) =>
        purposes.some((p) => ctx.dictionary.field(field)?.purposes.includes(p.name) === true),
      );
      const candidates = await findByTokens(tx, agreement.organisationId, terms.exact, 2);
      const base = {
        actor: auditActor(request.actor),
        ...policyOf(request),
        action,
        purpose: purposes[0]!.name,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      };
      let answer = false;
      let event: NewAuditEvent = {
        ...base,
        subject: agreement.id,
        subjectType: 'agreement',
        decision: 'allow',
        reason: candidates.length === 0 ? 'no-match' : 'ambiguous',
      };
      if (candidates.length === 1) {
        const personId = candidates[0]!;
        const loaded = await loadPerson(tx, { ...request, purpose: purposes[0]!.name }, personId, action);
        if (loaded.ok) {
          const { meta, facts } = loaded.value;
          const countries = await countriesOf(ctx, tx, meta);
          const refusedFor = await decideForPartner(ctx, tx, request, 'verify', purposes, agreement, {
            person: facts,
            countries,
            recipient: { kind: partner.kind, actsFor: partner.actsForCountry ?? '' },
          });
          answer = refusedFor === undefined;
          // The person sees that the partner asked about them (AUD-5); the partner hears only yes or no.
          event = {
            ...base,
            subject: personId,
            subjectType: 'person',
            decision: answer ? 'allow' : 'deny',
            reason: refusedFor ?? 'match',
          };
        }
      }
      await recordAuditEvents(tx, [event]);
      const issued = Math.floor(now.getTime() / 1000);
      const expires = issued + VERIFICATION_SECONDS;
      const assertion = await sign(ctx.releaseSigner, {
        iss: 'haven',
        aud: partner.id,
        jti: randomUUID(),
        iat: issued,
        exp: expires,
        agreement: agreement.id,
        // The question, as a hash: the partner can tie the answer to what it asked; the answer holds no data.
        question: createHash('sha256').update(canonicalJson(question)).digest('hex'),
        answer,
      });
      return { answer, assertion, expiresAt: new Date(expires * 1000).toISOString() };
    });
  });
}
