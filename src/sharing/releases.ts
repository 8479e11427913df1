import type { PartnerEncryptionKey } from '../crypto/release-envelope.ts';
import { dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import type { GateRequest } from '../gate/context.ts';
import type { ReleaseSelection, ReleaseSummary } from '../gate/releases.ts';
import type { Gate } from '../gate/service.ts';
import type { Sql } from '../store/database.ts';
import { activeAgreement, getAgreement } from './agreements.ts';
import { getPartner, type Partner } from './partners.ts';

/**
 * Releases under an agreement (SHA-1, SHA-2), the sharing side: the agreement must be in force for this partner
 * today (activeAgreement: approved, started, not ended, suspended or terminated; the partner active), and the
 * partner must have a key to encrypt to. Then the gate decides and releases, person by person.
 */

/** The partner's newest encryption key not retired: a rotation takes effect with the next release. */
export function encryptionKeyOf(partner: Partner): PartnerEncryptionKey {
  const key = partner.keys
    .filter((k) => k.use === 'enc' && k.retiredAt === null)
    .sort((a, b) => b.addedAt.localeCompare(a.addedAt))[0];
  if (!key) {
    throw new HavenError(
      'partner-encryption-key-missing',
      'The partner has no encryption key: add one (use "enc") before anything is released to it.',
      { status: 409 },
    );
  }
  return { kid: key.kid, alg: key.alg, jwk: key.jwk };
}

export async function releaseUnderAgreement(
  db: Sql,
  gate: Gate,
  request: GateRequest,
  input: { agreementId: string; partnerId?: string; selection: ReleaseSelection; now: Date },
): Promise<ReleaseSummary> {
  const organisationId = request.actor.organisationId;
  // Staff name the agreement; a partner's own token names the partner (a token of A never opens B's agreement).
  const partnerId =
    input.partnerId ?? (await getAgreement(db, organisationId, input.agreementId, input.now)).partnerId;
  const agreement = await activeAgreement(db, input.agreementId, partnerId, dayOf(input.now));
  const partner = await getPartner(db, organisationId, partnerId);
  return gate.releaseRecords(
    request,
    {
      agreement,
      partner: { id: partner.id, kind: partner.kind, actsForCountry: partner.actsForCountry },
      encryptionKey: encryptionKeyOf(partner),
    },
    input.selection,
  );
}
