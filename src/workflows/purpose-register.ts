import { HavenError } from '../domain/errors.ts';
import type { PurposeRegister, PurposeState } from '../gate/purposes.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';

/**
 * Keeping the purpose register (PUR-1, PUR-2, PUR-6): the DPO suspends or resumes a purpose and records the state
 * of its DPIA. A prohibited purpose cannot be brought into use by anyone. Every change is an audit event.
 */
export interface PurposeChange {
  status?: 'active' | 'suspended';
  dpia?: { status: 'approved' | 'rejected' | 'required'; expiresAt?: string };
}

export interface PurposeEntry {
  name: string;
  title: string;
  description: string;
  legalBases: string[];
  consentRequired: boolean;
  dpiaRequired: boolean;
  retention: string | null;
  collect: string[];
  require: string[][];
  status: PurposeState['status'];
  dpia: { status: PurposeState['dpiaStatus']; expiresAt: string | null };
  usable: boolean;
}

export function describePurpose(state: PurposeState, now: Date, retention: string | null): PurposeEntry {
  const d = state.definition;
  const dpiaOk =
    !d.dpiaRequired ||
    (state.dpiaStatus === 'approved' && (state.dpiaExpiresAt === null || state.dpiaExpiresAt > now));
  return {
    name: d.name,
    title: d.title,
    description: d.description,
    legalBases: [...d.legalBases],
    consentRequired: d.consentRequired,
    dpiaRequired: d.dpiaRequired,
    retention,
    collect: [...d.collect],
    require: d.require.map((r) => [...r]),
    status: state.status,
    dpia: { status: state.dpiaStatus, expiresAt: state.dpiaExpiresAt?.toISOString() ?? null },
    usable: state.status === 'active' && dpiaOk,
  };
}

export async function updatePurpose(
  db: Database,
  register: PurposeRegister,
  name: string,
  change: PurposeChange,
  actor: AuditActor & { account: string },
): Promise<void> {
  const state = (await register.states()).get(name);
  if (!state)
    throw new HavenError('purpose-unknown', 'That purpose is not in the purpose register.', { status: 404 });
  if (state.status === 'prohibited') {
    throw new HavenError('purpose-prohibited', 'A prohibited purpose stays prohibited (PUR-2).', {
      status: 403,
      reason: 'purpose-prohibited',
    });
  }
  let expiresAt: Date | null = null;
  if (change.dpia?.status === 'approved') {
    expiresAt = change.dpia.expiresAt ? new Date(change.dpia.expiresAt) : null;
    if (!expiresAt || Number.isNaN(expiresAt.getTime()) || expiresAt <= new Date()) {
      throw new HavenError(
        'dpia-review-date-required',
        'An approved DPIA needs a future review date (PUR-6).',
        { status: 422 },
      );
    }
  }
  await db.transaction(async (tx) => {
    if (change.status) {
      await tx.query('update purpose set status = $2, updated_at = now() where name = $1', [
        name,
        change.status,
      ]);
      await recordAuditEvent(tx, {
        actor,
        action: 'purpose.update',
        purpose: name,
        subjectType: 'purpose',
        decision: 'allow',
        reason: change.status,
      });
    }
    if (change.dpia) {
      if (!state.definition.dpiaRequired && change.dpia.status !== 'approved') {
        throw new HavenError('dpia-not-required', 'This purpose does not require a DPIA.', { status: 422 });
      }
      await tx.query(
        `update purpose set dpia_status = $2, dpia_approved_at = case when $2 = 'approved' then now() end,
           dpia_expires_at = $3, dpia_approved_by = case when $2 = 'approved' then $4::uuid end, updated_at = now()
         where name = $1`,
        [name, change.dpia.status, expiresAt, actor.account],
      );
      await recordAuditEvent(tx, {
        actor,
        action: 'purpose.dpia',
        purpose: name,
        subjectType: 'purpose',
        decision: 'allow',
        reason: `dpia-${change.dpia.status}`,
      });
    }
  });
  register.invalidate();
}
