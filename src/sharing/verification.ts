import { randomUUID } from 'node:crypto';
import type { SearchCriteria } from '../crypto/blind-index/person-tokens.ts';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import type { GateRequest } from '../gate/context.ts';
import type { Gate } from '../gate/service.ts';
import type { Verification } from '../gate/verification.ts';
import type { Sql } from '../store/database.ts';
import { activeAgreement } from './agreements.ts';
import { getPartner } from './partners.ts';

/**
 * Verification for partners (SHA-4), the sharing side: the agreement must be in force for the asking partner, and
 * a partner asks a bounded number of questions a minute — a burst is refused and put before the DPO at once, since
 * many yes/no answers can rebuild what a release would not give (it also feeds anomaly detection, AUD-6).
 */
export const QUESTIONS_PER_MINUTE = 30;

export class QuestionLimit {
  readonly #windows = new Map<string, { start: number; count: number; alerted: boolean }>();

  /** Counts a question; false when the partner is over its limit in this minute (`burst` true the first time). */
  take(partnerId: string, now: number): { allowed: boolean; burst: boolean } {
    const window = this.#windows.get(partnerId);
    if (!window || now - window.start >= 60_000) {
      this.#windows.set(partnerId, { start: now, count: 1, alerted: false });
      return { allowed: true, burst: false };
    }
    window.count++;
    if (window.count <= QUESTIONS_PER_MINUTE) return { allowed: true, burst: false };
    const burst = !window.alerted;
    window.alerted = true;
    return { allowed: false, burst };
  }
}

export async function verifyForPartner(
  db: Sql,
  gate: Gate,
  limit: QuestionLimit,
  request: GateRequest,
  input: { agreementId: string; partnerId: string; question: SearchCriteria; now: Date },
): Promise<Verification> {
  const taken = limit.take(input.partnerId, input.now.getTime());
  if (!taken.allowed) {
    if (taken.burst) {
      await db.query('insert into alert (id, organisation_id, kind, subject) values ($1, $2, $3, $4)', [
        randomUUID(),
        request.actor.organisationId,
        'verification-burst',
        input.partnerId,
      ]);
    }
    throw new HavenError(
      'verification-rate-limited',
      `At most ${QUESTIONS_PER_MINUTE} questions a minute; the DPO has been told of this burst.`,
      { status: 429, retryAfter: 60 },
    );
  }
  const agreement = await activeAgreement(db, input.agreementId, input.partnerId, dayOf(input.now));
  const partner = await getPartner(db, request.actor.organisationId, input.partnerId);
  return gate.verifyPerson(
    request,
    { agreement, partner: { id: partner.id, kind: partner.kind, actsForCountry: partner.actsForCountry } },
    input.question,
  );
}
