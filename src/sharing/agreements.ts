/**
 * Data-sharing agreements as enforced objects (SHA-1, GOV-2, ACC-6): proposed by one person, approved by a DPO who
 * is not the proposer while each purpose's DPIA is in force, suspended or terminated with effect on the next
 * request, ended by their end date with no job to run. `activeAgreement` is what releases ask before data goes out.
 * Agreements hold no personal data: general pool. Every change is a ledger event.
 */
import { randomUUID } from 'node:crypto';
import type { Dictionary, LegalBasis } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import {
  type AgreementAction,
  type AgreementFacts,
  type AgreementProposal,
  type AgreementState,
  type AgreementStatus,
  agreementRefusal,
  agreementRefusalError,
  agreementStatus,
  checkAgreementProposal,
  nextAgreementState,
} from '../domain/sharing/agreements.ts';
import { dpiaStateOn, type PurposeRegister } from '../gate/purposes.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import { getPartner, type SharingActor } from './partners.ts';

export type { AgreementFacts } from '../domain/sharing/agreements.ts';

export interface AgreementDpia {
  purpose: string;
  id: string;
  version: number;
  reviewDate: string;
}

export interface Agreement extends AgreementFacts {
  title: string;
  partnerName: string;
  partnerRetention: string;
  onwardSharingBanned: boolean;
  onwardSharingReason: string | null;
  /** The DPIAs in force for its purposes when it was approved (GOV-2); null before. */
  dpias: AgreementDpia[] | null;
  /** The state and today's date together (pending-start, active, expired…). */
  status: AgreementStatus;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  suspendedBy: string | null;
  suspendedAt: string | null;
  suspensionReason: string | null;
  terminatedBy: string | null;
  terminatedAt: string | null;
  terminationReason: string | null;
  updatedAt: string;
}

interface Row {
  id: string;
  organisation_id: string;
  partner_id: string;
  partner_name: string;
  title: string;
  purposes: string[];
  fields: string[];
  legal_basis: LegalBasis;
  starts_on: string;
  ends_on: string;
  partner_retention: string;
  onward_sharing_banned: boolean;
  onward_sharing_reason: string | null;
  dpias: AgreementDpia[] | null;
  state: AgreementState;
  proposed_by: string;
  proposed_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  suspended_by: string | null;
  suspended_at: Date | null;
  suspension_reason: string | null;
  terminated_by: string | null;
  terminated_at: Date | null;
  termination_reason: string | null;
  updated_at: Date;
}

const COLUMNS = `a.id, a.organisation_id, a.partner_id, p.name as partner_name, a.title, a.purposes, a.fields,
  a.legal_basis, to_char(a.starts_on, 'YYYY-MM-DD') as starts_on, to_char(a.ends_on, 'YYYY-MM-DD') as ends_on,
  a.partner_retention, a.onward_sharing_banned, a.onward_sharing_reason, a.dpias, a.state, a.proposed_by,
  a.proposed_at, a.approved_by, a.approved_at, a.suspended_by, a.suspended_at, a.suspension_reason,
  a.terminated_by, a.terminated_at, a.termination_reason, a.updated_at`;
const FROM = 'agreement a join partner p on p.id = a.partner_id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toAgreement(row: Row, today: string): Agreement {
  const facts: AgreementFacts = {
    id: row.id,
    partnerId: row.partner_id,
    organisationId: row.organisation_id,
    purposes: row.purposes,
    fields: row.fields,
    legalBasis: row.legal_basis,
    state: row.state,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
  };
  return {
    ...facts,
    title: row.title,
    partnerName: row.partner_name,
    partnerRetention: row.partner_retention,
    onwardSharingBanned: row.onward_sharing_banned,
    onwardSharingReason: row.onward_sharing_reason,
    dpias: row.dpias,
    status: agreementStatus(facts, today),
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at.toISOString(),
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    suspendedBy: row.suspended_by,
    suspendedAt: iso(row.suspended_at),
    suspensionReason: row.suspension_reason,
    terminatedBy: row.terminated_by,
    terminatedAt: iso(row.terminated_at),
    terminationReason: row.termination_reason,
    updatedAt: row.updated_at.toISOString(),
  };
}

export const agreementNotFound = () =>
  new HavenError('agreement-not-found', 'There is no agreement with that id.', { status: 404 });

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

async function ledger(tx: Sql, actor: SharingActor, action: string, a: { id: string }, reason = 'ok') {
  await recordAuditEvent(tx, {
    actor: actor.audit,
    action,
    subject: a.id,
    subjectType: 'agreement',
    decision: 'allow',
    reason,
  });
}

export async function listAgreements(
  sql: Sql,
  organisationId: string,
  now: Date,
  filter: { partnerId?: string } = {},
): Promise<Agreement[]> {
  const partner = filter.partnerId && UUID.test(filter.partnerId) ? filter.partnerId : null;
  if (filter.partnerId && !partner) return [];
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from ${FROM} where a.organisation_id = $1 and ($2::uuid is null or a.partner_id = $2)
      order by a.proposed_at desc, a.id`,
    [organisationId, partner],
  );
  return rows.map((r) => toAgreement(r, dayOf(now)));
}

export async function getAgreement(
  sql: Sql,
  organisationId: string,
  id: string,
  now: Date,
  lock = false,
): Promise<Agreement> {
  if (!UUID.test(id)) throw agreementNotFound();
  const { rows } = await sql.query<Row>(
    `select ${COLUMNS} from ${FROM} where a.id = $1 and a.organisation_id = $2 ${lock ? 'for update of a' : ''}`,
    [id, organisationId],
  );
  if (!rows[0]) throw agreementNotFound();
  return toAgreement(rows[0], dayOf(now));
}

/** Proposes an agreement with a partner of the organisation (SHA-1, SHA-3 checked here; DPIAs at approval). */
export async function proposeAgreement(
  db: Database,
  dictionary: Dictionary,
  organisationId: string,
  input: AgreementProposal & { partnerId: string },
  actor: SharingActor,
  now: Date,
): Promise<Agreement> {
  return db.transaction(async (tx) => {
    const partner = await getPartner(tx, organisationId, input.partnerId);
    const p = checkAgreementProposal(dictionary, partner, input, dayOf(now));
    const id = randomUUID();
    await tx.query(
      `insert into agreement (id, organisation_id, partner_id, title, purposes, fields, legal_basis, starts_on, ends_on,
         partner_retention, onward_sharing_banned, onward_sharing_reason, proposed_by, proposed_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
      [
        id,
        organisationId,
        partner.id,
        p.title,
        p.purposes,
        p.fields,
        p.legalBasis,
        p.startsOn,
        p.endsOn,
        p.partnerRetention,
        p.onwardSharingBanned,
        p.onwardSharingReason ?? null,
        actor.account,
        now,
      ],
    );
    await ledger(tx, actor, 'agreement.propose', { id });
    return getAgreement(tx, organisationId, id, now);
  });
}

/**
 * GOV-2: an agreement goes live only while each of its purposes has an approved DPIA in force — whether or not
 * the purpose alone would need one, since sharing with another organisation is a new processing to assess.
 */
async function dpiasInForce(
  tx: Sql,
  purposes: PurposeRegister,
  names: string[],
  today: string,
): Promise<AgreementDpia[]> {
  const states = await purposes.states(tx);
  const found: AgreementDpia[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const state = states.get(name);
    const inForce = state?.dpia.inForce;
    if (
      !state ||
      state.status !== 'active' ||
      !inForce ||
      dpiaStateOn({ ...state.dpia, required: true }, today) !== 'approved'
    ) {
      missing.push(name);
    } else {
      found.push({ purpose: name, id: inForce.id, version: inForce.version, reviewDate: inForce.reviewDate });
    }
  }
  if (missing.length > 0) {
    throw new HavenError(
      'agreement-dpia-missing',
      `An agreement goes live only with an approved DPIA in force for each purpose (GOV-2); none for ${missing.join(', ')}.`,
      {
        status: 409,
        reason: 'GOV-2',
        fields: missing.map((m) => ({ path: 'purposes', code: 'dpia-missing', message: m })),
      },
    );
  }
  return found;
}

/** Approves, suspends, resumes or terminates an agreement: effective on the next request (SHA-1). */
export async function changeAgreement(
  db: Database,
  purposes: PurposeRegister,
  organisationId: string,
  id: string,
  action: AgreementAction,
  reason: string | undefined,
  actor: SharingActor,
  now: Date,
): Promise<Agreement> {
  const words = reason?.trim() ?? '';
  if ((action === 'suspend' || action === 'terminate') && (words === '' || words.length > 2000)) {
    throw new HavenError(
      'reason-required',
      `Say why the agreement is ${action === 'suspend' ? 'suspended' : 'terminated'}.`,
      {
        status: 422,
        fields: [{ path: 'reason', code: 'required', message: '1 to 2000 characters.' }],
      },
    );
  }
  const today = dayOf(now);
  return db.transaction(async (tx) => {
    const current = await getAgreement(tx, organisationId, id, now, true);
    const next = nextAgreementState(current, action, actor.account, today);
    switch (action) {
      case 'approve':
      case 'resume': {
        const partner = await getPartner(tx, organisationId, current.partnerId);
        if (partner.state !== 'active') {
          throw new HavenError('partner-suspended', 'The partner is suspended: resume the partner first.', {
            status: 409,
          });
        }
        // The DPIAs are looked at again on resuming: one may have lapsed while the agreement was suspended.
        const dpias = JSON.stringify(await dpiasInForce(tx, purposes, current.purposes, today));
        if (action === 'approve') {
          await tx.query(
            `update agreement set state = $2, dpias = $3::jsonb, approved_by = $4, approved_at = $5, updated_at = $5
              where id = $1`,
            [id, next, dpias, actor.account, now],
          );
        } else {
          await tx.query(
            `update agreement set state = $2, dpias = $3::jsonb, suspended_by = null, suspended_at = null,
                    suspension_reason = null, updated_at = $4 where id = $1`,
            [id, next, dpias, now],
          );
        }
        break;
      }
      case 'suspend':
        await tx.query(
          `update agreement set state = $2, suspended_by = $3, suspended_at = $4, suspension_reason = $5, updated_at = $4
            where id = $1`,
          [id, next, actor.account, now, words],
        );
        break;
      case 'terminate':
        await tx.query(
          `update agreement set state = $2, terminated_by = $3, terminated_at = $4, termination_reason = $5, updated_at = $4
            where id = $1`,
          [id, next, actor.account, now, words],
        );
        break;
    }
    await ledger(tx, actor, `agreement.${action}`, current, current.state);
    return getAgreement(tx, organisationId, id, now);
  });
}

/**
 * The agreement a partner asks under, if it lets data out today (SHA-1); otherwise a refusal with a stable code:
 * agreement-not-found (404, also for an id of another organisation), agreement-other-partner (403: partner A's
 * token on B's agreement), partner-suspended (403), agreement-not-approved, agreement-suspended,
 * agreement-terminated, agreement-expired, agreement-not-started (all 403, reason SHA-1). `today` is YYYY-MM-DD
 * (UTC). Read in the caller's transaction when given one, so a release and this check see the same state.
 */
export async function activeAgreement(
  db: Sql,
  agreementId: string,
  partnerId: string,
  today: string,
): Promise<AgreementFacts> {
  if (!UUID.test(agreementId)) throw agreementNotFound();
  const { rows } = await db.query<Row & { partner_state: string }>(
    `select ${COLUMNS}, p.state as partner_state from ${FROM} where a.id = $1`,
    [agreementId],
  );
  const row = rows[0];
  if (!row) throw agreementNotFound();
  if (row.partner_id !== partnerId) {
    throw new HavenError('agreement-other-partner', 'This agreement is with another partner.', {
      status: 403,
      reason: 'SHA-1',
    });
  }
  if (row.partner_state !== 'active') {
    throw new HavenError('partner-suspended', 'This partner is suspended: nothing is shared with it.', {
      status: 403,
      reason: 'SHA-1',
    });
  }
  const facts: AgreementFacts = {
    id: row.id,
    partnerId: row.partner_id,
    organisationId: row.organisation_id,
    purposes: row.purposes,
    fields: row.fields,
    legalBasis: row.legal_basis,
    state: row.state,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
  };
  const refusal = agreementRefusal(facts, today);
  if (refusal) throw agreementRefusalError(refusal);
  return facts;
}

/**
 * ACC-7: a partner's access under an agreement that was not re-approved by its review date, or that a reviewer
 * revoked, stops with effect on the next request: the agreement is suspended (the DPO may resume it, which records
 * a new grant to review). Runs in the caller's transaction; false when it was not approved (nothing to suspend).
 */
export async function suspendAgreementForReview(
  tx: Sql,
  agreementId: string,
  reason: 'review-lapsed' | 'review-revoked',
  actor: AuditActor,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update agreement set state = 'suspended', suspended_by = $2, suspended_at = $3, suspension_reason = $4,
            updated_at = $3
      where id = $1 and state = 'approved'`,
    [
      agreementId,
      actor.account ?? null,
      now,
      reason === 'review-lapsed' ? 'Access review lapsed (ACC-7).' : 'Access revoked in a review (ACC-7).',
    ],
  );
  if (rowCount === 0) return false;
  await recordAuditEvent(tx, {
    actor,
    action: 'agreement.suspend',
    subject: agreementId,
    subjectType: 'agreement',
    decision: 'allow',
    reason,
  });
  return true;
}
