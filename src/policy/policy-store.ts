import { HavenError } from '../domain/errors.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import { bundledPolicyFiles, compilePolicies, type PolicyFiles, withoutBuiltinPolicies } from './compile.ts';
import { PolicyEngine, policyDigest } from './engine.ts';
import type { PolicyImpact } from './impact.ts';
import type { StaffFacts } from './requests.ts';
import { checkFastPath } from './self-check.ts';

/**
 * Versions of the access policies (ACC-2). The shipped files are version 1. A change is proposed by one person
 * (validated against the schema first), and activated only when a second person — a DPO or administrator who is
 * not the proposer — approves it; both steps are audit events. Exactly one version is active.
 */

export interface PolicyVersion {
  version: number;
  sha256: string;
  status: 'proposed' | 'active' | 'superseded' | 'rejected';
  proposedBy: string | null;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why the proposer wants it. */
  note: string | null;
  /** When it brings back an earlier version's files: that version. */
  rollbackOf: number | null;
  files?: PolicyFiles;
}

interface VersionRow {
  version: number;
  sha256: string;
  status: PolicyVersion['status'];
  proposed_by: string | null;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  rollback_of: number | null;
  files: PolicyFiles;
}

const toVersion = (row: VersionRow, withFiles = false): PolicyVersion => ({
  version: row.version,
  sha256: row.sha256,
  status: row.status,
  proposedBy: row.proposed_by,
  proposedAt: row.proposed_at.toISOString(),
  decidedBy: row.decided_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  note: row.note,
  rollbackOf: row.rollback_of,
  ...(withFiles ? { files: row.files } : {}),
});

/** Loads the active policies, installing the shipped ones as version 1 on a new database. */
export async function activeEngine(db: Database): Promise<PolicyEngine> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7302155)');
    const { rows } = await tx.query<VersionRow>(`select * from policy_version where status = 'active'`);
    if (rows[0]) return new PolicyEngine(rows[0].files, rows[0].version);
    const files = bundledPolicyFiles();
    await tx.query(
      `insert into policy_version (version, files, sha256, status, decided_at) values (1, $1, $2, 'active', now())`,
      [files, policyDigest(files)],
    );
    return new PolicyEngine(files, 1);
  });
}

export async function activeVersion(db: Database): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `select version from policy_version where status = 'active'`,
  );
  return rows[0]?.version ?? 0;
}

export async function listPolicyVersions(db: Database, withFiles = false): Promise<PolicyVersion[]> {
  const { rows } = await db.query<VersionRow>('select * from policy_version order by version desc');
  return rows.map((r) => toVersion(r, withFiles));
}

/**
 * Proposes a new version of the editable policy files (the built-in layer is added to every version and cannot
 * be part of one). Its impact on the authorization matrix is computed next (impact-jobs.ts).
 */
export async function proposePolicies(
  db: Database,
  files: PolicyFiles,
  proposer: StaffFacts,
  actor: AuditActor,
  options: { note?: string; rollbackOf?: number } = {},
): Promise<PolicyVersion> {
  compilePolicies(files);
  const note = options.note?.trim() || null;
  if (note && note.length > 4000) {
    throw new HavenError('note-too-long', 'Say why in at most 4,000 characters.', { status: 422 });
  }
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7302155)');
    const { rows: latest } = await tx.query<{ version: number }>(
      'select coalesce(max(version), 0) as version from policy_version',
    );
    const version = (latest[0]?.version ?? 0) + 1;
    const { rows } = await tx.query<VersionRow>(
      `insert into policy_version (version, files, sha256, status, proposed_by, note, rollback_of)
       values ($1, $2, $3, 'proposed', $4, $5, $6) returning *`,
      [version, files, policyDigest(files), proposer.id, note, options.rollbackOf ?? null],
    );
    await recordAuditEvent(tx, {
      actor,
      action: options.rollbackOf ? 'policy.propose-rollback' : 'policy.propose',
      subjectType: 'policy',
      decision: 'allow',
      reason: `version-${version}`,
    });
    return toVersion(rows[0]!);
  });
}

/** Rolling back is a change like any other: the earlier version's files, proposed again, for a second person. */
export async function proposeRollback(
  db: Database,
  to: number,
  proposer: StaffFacts,
  actor: AuditActor,
  note?: string,
): Promise<PolicyVersion> {
  const { rows } = await db.query<VersionRow>('select * from policy_version where version = $1', [to]);
  const earlier = rows[0];
  if (!earlier || earlier.status === 'proposed' || earlier.status === 'rejected') {
    throw new HavenError('policy-version-not-found', 'Roll back to a version that was in force.', {
      status: 404,
    });
  }
  if (earlier.status === 'active') {
    throw new HavenError('policy-version-active', 'That version is the one in force.', { status: 409 });
  }
  // Files of a version from before the built-in layer may hold a copy of a built-in policy: leave it out.
  return proposePolicies(db, withoutBuiltinPolicies(earlier.files), proposer, actor, {
    note: note ?? `Roll back to version ${to}.`,
    rollbackOf: to,
  });
}

/** A proposed version's files, for computing its impact; refused unless it is still proposed. */
export async function proposedFiles(sql: Sql, version: number): Promise<PolicyFiles> {
  const { rows } = await sql.query<VersionRow>('select * from policy_version where version = $1', [version]);
  const row = rows[0];
  if (row?.status !== 'proposed') {
    throw new HavenError(
      'policy-version-not-proposed',
      'There is no proposed policy version with that number.',
      {
        status: 404,
      },
    );
  }
  return row.files;
}

/** The impact of `version` against `base`, once computed. */
export async function storedImpact(sql: Sql, version: number, base: number): Promise<PolicyImpact | null> {
  const { rows } = await sql.query<{ impact: PolicyImpact }>(
    'select impact from policy_impact where version = $1 and base = $2',
    [version, base],
  );
  return rows[0]?.impact ?? null;
}

export async function storeImpact(sql: Sql, impact: PolicyImpact): Promise<void> {
  await sql.query(
    'insert into policy_impact (version, base, impact) values ($1, $2, $3) on conflict do nothing',
    [impact.proposed, impact.base, impact as unknown as Record<string, unknown>],
  );
}

/**
 * Approves (activates) or rejects a proposed version. `decider` must pass the current policies' approve rule,
 * which refuses the proposer (ACC-6). A new version's fast path is checked against plain Cedar before use.
 */
export async function decidePolicyChange(
  db: Database,
  current: PolicyEngine,
  version: number,
  decider: StaffFacts,
  actor: AuditActor,
  approve: boolean,
  seenImpact?: string,
): Promise<{ version: PolicyVersion; engine?: PolicyEngine }> {
  const { rows } = await db.query<
    VersionRow & { proposer_role: StaffFacts['role']; proposer_tier: number; proposer_organisation: string }
  >(
    `select v.*, a.role as proposer_role, a.tier as proposer_tier, a.organisation_id as proposer_organisation
       from policy_version v join staff_account a on a.id = v.proposed_by where v.version = $1`,
    [version],
  );
  const row = rows[0];
  if (row?.status !== 'proposed') {
    throw new HavenError(
      'policy-version-not-proposed',
      'There is no proposed policy version with that number.',
      {
        status: 404,
      },
    );
  }
  const proposer: StaffFacts = {
    type: 'Staff',
    id: row.proposed_by!,
    organisation: row.proposer_organisation,
    role: row.proposer_role,
    tier: row.proposer_tier,
  };
  const decision = current.decide({
    principal: decider,
    action: 'approve-policy-change',
    resource: { type: 'PolicyChange', id: `policy-version-${version}`, proposer },
    context: {
      purpose: { name: 'governance', prohibited: false, usable: true, dpia: 'not-required', legalBases: [] },
      basis: { state: 'not-applicable', kind: 'none' },
      assurance: 3,
      breakGlass: false,
    },
  });
  if (!decision.allowed) {
    // The refusal is recorded on its own, so it stays in the ledger although the request fails.
    await recordAuditEvent(db, {
      actor,
      action: 'policy.approve',
      subjectType: 'policy',
      decision: 'deny',
      reason: decision.reasons[0]!,
    });
    throw new HavenError(
      'access-denied',
      'Someone other than the proposer, a DPO or an administrator, must decide this.',
      {
        status: 403,
        reason: decision.reasons[0]!,
      },
    );
  }
  let engine: PolicyEngine | undefined;
  if (approve) {
    // ACC-2: the approver approves what they saw — the impact against the version in force now.
    const impact = await storedImpact(db, version, current.version);
    if (!impact || impact.sha256 !== seenImpact) {
      throw new HavenError(
        'policy-impact-not-seen',
        'Look at what this change does to the decisions (its impact against the version in force) before approving, and send its sha256.',
        { status: 409 },
      );
    }
    engine = new PolicyEngine(row.files, version);
    // A new policy set is trusted on the fast path only once it agrees with plain Cedar on a sample.
    if (checkFastPath(engine, 300, version).disagreements.length > 0) engine.fastPath = false;
  }
  return db.transaction(async (tx) => {
    const { rows: still } = await tx.query<{ status: string }>(
      'select status from policy_version where version = $1 for update',
      [version],
    );
    if (still[0]?.status !== 'proposed') {
      throw new HavenError('policy-version-not-proposed', 'This version was decided meanwhile.', {
        status: 409,
      });
    }
    if (approve) await tx.query(`update policy_version set status = 'superseded' where status = 'active'`);
    const { rows: decided } = await tx.query<VersionRow>(
      `update policy_version set status = $2, decided_by = $3, decided_at = now() where version = $1 returning *`,
      [version, approve ? 'active' : 'rejected', decider.id],
    );
    await recordAuditEvent(tx, {
      actor,
      action: approve ? 'policy.activate' : 'policy.reject',
      subjectType: 'policy',
      decision: 'allow',
      reason: `version-${version}`,
    });
    return { version: toVersion(decided[0]!), ...(engine ? { engine } : {}) };
  });
}
