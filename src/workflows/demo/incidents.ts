import type { Actor } from '../../gate/context.ts';
import { moveIncident, openIncident } from '../../incidents/changes.ts';
import type { IncidentKeys } from '../../incidents/register.ts';
import type { Database } from '../../store/database.ts';

/**
 * The demo's open incident (BRE-1, BRE-2): a caseworker's account used from an unknown place overnight, confirmed
 * by the DPO, its authority notification still open — so the DPO sees the 72-hour clock on every page and the
 * item on the work list. Opened through the register's own functions, ledgered like any other.
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
          'A caseworker’s account was signed in from an unknown network overnight after a phishing e-mail; its password was changed in the morning.',
        consequences: 'Names, contact details and legal status of people in the caseload may have been read.',
        measuresTaken: 'Account disabled and its sessions ended; second factor reset.',
        measuresProposed:
          'Phishing training for the field office; review of the account’s access in the window.',
        contactPoint:
          'Data Protection Officer of the demo organisation, through the organisation’s contact address.',
      },
      source: { kind: 'account', accountId: compromised.accountId },
      window: {
        from: new Date(awareAt.getTime() - 10 * HOUR).toISOString(),
        to: new Date(awareAt.getTime() - HOUR).toISOString(),
      },
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
  return {
    id: confirmed.id,
    reference: confirmed.reference,
    state: confirmed.state,
    dueAt: new Date(awareAt.getTime() + 72 * HOUR).toISOString(),
  };
}
