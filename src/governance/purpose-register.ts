import type { CriterionMet } from '../domain/dpia/criteria.ts';
import { HavenError } from '../domain/errors.ts';
import { dpiaStateOn, type PurposeRegister, type PurposeState } from '../gate/purposes.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { DpiaState } from '../policy/requests.ts';
import type { Database } from '../store/database.ts';

/**
 * Keeping the purpose register (PUR-1, PUR-2, PUR-6): the DPO suspends or resumes a purpose. Whether it needs a
 * DPIA is computed; its DPIA is kept in the DPIA register (dpias.ts). A prohibited purpose cannot be brought into
 * use by anyone. Every change is an audit event.
 */
export interface PurposeChange {
  status: 'active' | 'suspended';
}

export interface PurposeEntry {
  name: string;
  title: string;
  description: string;
  legalBases: string[];
  consentRequired: boolean;
  retention: string | null;
  collect: string[];
  require: string[][];
  status: PurposeState['status'];
  dpia: {
    required: boolean;
    /** The WP248 criteria it meets, with why (GOV-2). */
    criteria: CriterionMet[];
    rule: 'criteria' | 'biometrics' | null;
    state: DpiaState;
    inForce: { id: string; version: number; reviewDate: string } | null;
    latest: { id: string; version: number; status: string } | null;
  };
  /** Usable now: active, and its DPIA in force where one is required. */
  usable: boolean;
}

export function describePurpose(state: PurposeState, now: Date, retention: string | null): PurposeEntry {
  const d = state.definition;
  const dpia = dpiaStateOn(state.dpia, now.toISOString().slice(0, 10));
  return {
    name: d.name,
    title: d.title,
    description: d.description,
    legalBases: [...d.legalBases],
    consentRequired: d.consentRequired,
    retention,
    collect: [...d.collect],
    require: d.require.map((r) => [...r]),
    status: state.status,
    dpia: {
      required: state.dpia.required,
      criteria: state.dpia.criteria,
      rule: state.dpia.rule,
      state: dpia,
      inForce: state.dpia.inForce,
      latest: state.dpia.latest,
    },
    usable: state.status === 'active' && (dpia === 'approved' || dpia === 'not-required'),
  };
}

export async function updatePurpose(
  db: Database,
  register: PurposeRegister,
  name: string,
  change: PurposeChange,
  actor: AuditActor,
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
  await db.transaction(async (tx) => {
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
  });
  register.invalidate();
}
