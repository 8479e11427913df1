import type { Actor, GateRequest } from '../../gate/context.ts';
import type { Gate } from '../../gate/service.ts';
import { openAlerts } from '../../governance/alerts.ts';
import { sequenceAll } from '../../ledger/tree-store.ts';
import type { Monitor } from '../../monitoring/monitor.ts';
import type { Database } from '../../store/database.ts';

/**
 * A few alerts for the DPO's Alerts page (AUD-6), made the way they happen: through the gate. The supervisor opens
 * records that no caseload, request, correction, break-glass or registration of theirs explains (outside caseload),
 * and a caseworker keeps trying records outside their caseload and is refused each time (repeated denials). The
 * monitor then judges the ledger as the server would.
 */
export interface DemoAlerts {
  /** The rules that raised an alert. */
  rules: string[];
  judged: number;
}

export async function createDemoAlerts(
  haven: { gate: Gate; db: Database; monitor: Monitor },
  organisationId: string,
  team: { supervisor: Actor; caseworkers: Actor[] },
  people: { all: readonly string[]; outsideFirstCaseload: readonly string[] },
  seed: number,
): Promise<DemoAlerts> {
  const as = (actor: Actor, n: number): GateRequest => ({
    actor,
    purpose: 'registration',
    requestId: `demo-${seed}-monitoring-${n}`,
  });
  let n = 0;
  // Refusals (withdrawn consent, restriction) are part of the story too: they are ledgered, not errors here.
  const attempt = async (actor: Actor, person: string) => {
    await haven.gate.readPerson(as(actor, n++), person).catch(() => undefined);
  };
  for (const person of people.all.slice(0, 4)) await attempt(team.supervisor, person);
  const caseworker = team.caseworkers[0];
  const outside = people.outsideFirstCaseload;
  if (caseworker && outside.length > 0) {
    for (let i = 0; i < 12; i++) await attempt(caseworker, outside[i % outside.length]!);
  }
  await sequenceAll(haven.db);
  const judged = await haven.monitor.catchUp();
  const alerts = await openAlerts(haven.db, organisationId);
  const rules = [...new Set(alerts.filter((a) => a.kind.startsWith('anomaly.')).map((a) => a.kind.slice(8)))];
  return { rules: rules.sort(), judged: judged.entries };
}
