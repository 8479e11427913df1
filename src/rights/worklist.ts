import type { Role } from '../domain/roles.ts';
import type { GateRequest } from '../gate/context.ts';
import type { Gate } from '../gate/service.ts';

/**
 * The rights part of a staff member's work list (RIG-2, RIG-4): open rights requests by deadline, the overdue
 * marked, and corrections waiting for a checker. Read through the gate, so a caseworker gets the requests of
 * their caseload only (ACC-1). Items carry ids, kinds and states: no name, no reason, no word anyone wrote.
 */
export interface RightsWorkItem {
  kind: 'rights-request-due' | 'correction-to-approve';
  /** The request's kind (`access`, `erasure`…), or the correction's purpose. */
  subject: string;
  /** The request or correction id. */
  ref: string;
  due: string | null;
  overdue: boolean;
  /** The request's state (and `extended`), or the correction's field groups. */
  details: string[];
}

/** Who handles rights requests (rights.cedar, listRightsRequests). */
const HANDLERS: readonly Role[] = ['caseworker', 'supervisor', 'dpo'];

export async function rightsWorkItems(
  gate: Pick<Gate, 'listRightsRequests' | 'listCorrections'>,
  request: GateRequest,
): Promise<RightsWorkItem[]> {
  const { actor } = request;
  if (actor.kind !== 'staff') return [];
  const items: RightsWorkItem[] = [];
  if (HANDLERS.includes(actor.role)) {
    // Already by deadline (RIG-2).
    for (const r of await gate.listRightsRequests(request, { open: true })) {
      items.push({
        kind: 'rights-request-due',
        subject: r.kind,
        ref: r.id,
        due: r.dueOn,
        overdue: r.overdue,
        details: r.extended && r.state !== 'extended' ? [r.state, 'extended'] : [r.state],
      });
    }
  }
  // RIG-4, ACC-6: a supervisor checks what others proposed; their own wait for someone else.
  if (actor.role === 'supervisor') {
    for (const c of await gate.listCorrections(request)) {
      if (c.status !== 'pending' || c.proposedBy === actor.accountId) continue;
      items.push({
        kind: 'correction-to-approve',
        subject: c.purpose,
        ref: c.id,
        due: null,
        overdue: false,
        details: c.fieldGroups,
      });
    }
  }
  return items;
}
