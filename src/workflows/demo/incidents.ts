import type { Actor } from '../../gate/context.ts';
import { moveIncident, openIncident, updateIncident } from '../../incidents/changes.ts';
import type { IncidentKeys } from '../../incidents/register.ts';
import type { Database } from '../../store/database.ts';

/**
 * The demo's open incident (BRE-1, BRE-2, BRE-3): the supervisor's account, phished overnight, was used to open
 * records nothing in Haven explains — the reads the monitor's outside-caseload alert names (monitoring.ts runs
 * first). The DPO was aware 20 hours ago, opened and confirmed it, and recorded the end of the window when the
 * account's sessions were ended (now): the window covers the account's demo activity, so computing the people
 * affected finds the people it read, from the ledger. The authority notification is still open, so the DPO sees
 * the 72-hour clock on every page and the item on the work list. Made through the register's own functions,
 * ledgered like any other.
 */
export interface DemoIncident {
  id: string;
  reference: string;
  state: string;
  /** When the 72 hours end. */
  dueAt: string;
}

const HOUR = 3_600_000;

export async function createDemoIncident(
  db: Database,
  keys: IncidentKeys,
  organisationId: string,
  dpo: Actor,
  compromised: Actor,
  now: Date,
): Promise<DemoIncident> {
  if (dpo.kind !== 'staff' || compromised.kind !== 'staff')
    throw new Error('demo incident needs staff actors');
  const actor = {
    account: dpo.accountId,
    organisation: organisationId,
    audit: { kind: 'staff' as const, account: dpo.accountId, organisation: organisationId, role: dpo.role },
  };
  const awareAt = new Date(now.getTime() - 20 * HOUR);
  const windowFrom = new Date(awareAt.getTime() - 10 * HOUR);
  const opened = await openIncident(
    db,
    keys,
    actor,
    {
      awareAt: awareAt.toISOString(),
      nature: ['confidentiality'],
      dataCategories: ['name', 'contact', 'legal-status'],
      peopleCategories: ['registered-people', 'family-members'],
      peopleApprox: 40,
      recordsApprox: 60,
      highRisk: false,
      texts: {
        description:
          'A supervisor’s account was signed in from an unknown network overnight after a phishing e-mail; it was used to open records outside any caseload.',
        consequences: 'Names, contact details and legal status of the people whose records were opened.',
        measuresTaken: 'Password changed; second factor reset.',
        measuresProposed:
          'Phishing training for the field office; review of the account’s access in the window.',
        contactPoint:
          'Data Protection Officer of the demo organisation, through the organisation’s contact address.',
      },
      source: { kind: 'account', accountId: compromised.accountId },
      // Still in use when opened: the end of the window is not known yet.
      window: { from: windowFrom.toISOString(), to: null },
    },
    new Date(now.getTime() - 19 * HOUR),
  );
  const confirmed = await moveIncident(
    db,
    keys,
    actor,
    opened.id,
    { to: 'confirmed', version: opened.version },
    new Date(now.getTime() - 17 * HOUR),
  );
  // Contained now: the account's sessions ended, which closes the window the people are computed over.
  const contained = await updateIncident(
    db,
    keys,
    actor,
    confirmed.id,
    {
      version: confirmed.version,
      window: { from: windowFrom.toISOString(), to: now.toISOString() },
      texts: {
        measuresTaken: 'Password changed; second factor reset; the account’s sessions ended.',
      },
    },
    now,
  );
  return {
    id: contained.id,
    reference: contained.reference,
    state: contained.state,

    dueAt: new Date(awareAt.getTime() + 72 * HOUR).toISOString(),
  };
}
