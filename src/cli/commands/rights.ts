import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import type { GateRequest } from '../../gate/context.ts';
import type { RightsRequestView } from '../../gate/rights-requests.ts';
import { type Haven, openHaven } from '../../haven.ts';
import { getAccount, normaliseEmail } from '../../identity/accounts.ts';
import { accountIdByEmail } from '../../identity/factors.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';

/**
 * `haven rights list|show`: rights requests for operators (RIG-1, RIG-2). The command goes through the gate as a
 * named staff account (`--as`), so it sees what that account may see — a caseworker, their caseload — and each
 * refusal and each request opened is ledgered under that account. No second factor can be asked on a terminal,
 * so it acts at the lowest assurance: enough to list and show, never to release data (ACC-3).
 */
export async function asStaff<T>(
  email: string,
  work: (haven: Haven, request: GateRequest) => Promise<T>,
): Promise<T> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    const id = await accountIdByEmail(haven.db, normaliseEmail(email));
    const account = id ? await getAccount(haven.db, id) : undefined;
    if (account?.status !== 'active') {
      throw new HavenError('account-not-found', `No active staff account ${email}.`, { status: 404 });
    }
    return await work(haven, {
      actor: {
        kind: 'staff',
        accountId: account.id,
        organisationId: account.organisationId,
        role: account.role,
        tier: account.tier,
        assurance: 1,
      },
      purpose: undefined,
    });
  } finally {
    await haven.close();
  }
}

function line(r: RightsRequestView): string {
  const flags = [r.overdue ? 'OVERDUE' : '', r.extended ? 'extended' : ''].filter(Boolean).join(', ');
  return `${r.id}  ${r.kind.padEnd(11)} ${r.state.padEnd(16)} due ${r.dueOn}${flags ? `  ${flags}` : ''}`;
}

export async function rightsList(options: { as: string; open?: boolean; json?: boolean }): Promise<void> {
  await asStaff(options.as, async (haven, request) => {
    const requests = await haven.gate.listRightsRequests(request, { open: options.open ?? false });
    if (options.json) printJson(requests);
    else process.stdout.write(requests.length ? `${requests.map(line).join('\n')}\n` : 'No requests.\n');
  });
}

export async function rightsShow(id: string, options: { as: string; json?: boolean }): Promise<void> {
  await asStaff(options.as, async (haven, request) => {
    const r = await haven.gate.showRightsRequest(request, id);
    if (options.json) return printJson(r);
    const rows: [string, string][] = [
      ['request', r.id],
      ['person', r.personId],
      ['kind', r.purpose ? `${r.kind} (${r.purpose})` : r.kind],
      ['channel', r.channel],
      ['state', r.state],
      ['received', r.receivedOn],
      ['due', `${r.dueOn}${r.extended ? ' (extended)' : ''}${r.overdue ? ' OVERDUE' : ''}`],
      ['identity', r.identity ? `${r.identity.check} (strength ${r.identity.strength})` : 'not checked'],
      ['assignee', r.assignee ?? '-'],
      ['refused for', r.refusalReason ?? '-'],
    ];
    process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n')}\n`);
  });
}
