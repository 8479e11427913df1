import { loadConfig } from '../../config/config.ts';
import { acknowledgedAlerts, openAlerts } from '../../governance/alerts.ts';
import { openHaven } from '../../haven.ts';
import { findOrganisation } from '../../identity/accounts.ts';
import { sequenceAll } from '../../ledger/tree-store.ts';
import { updateBaselines } from '../../monitoring/baseline.ts';
import { evaluate, WARM_UP_DAYS } from '../../monitoring/evaluate.ts';
import { SCENARIOS } from '../../monitoring/synthetic.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

const whole = (value: string | undefined, fallback: number, name: string, max: number): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`--${name} must be a whole number from 1 to ${max}.\n`);
    process.exit(2);
  }
  return n;
};

/**
 * `haven monitoring evaluate --seed S --staff N --days D` (AUD-6): synthetic staff work with injected insider
 * scenarios, run through the same rules as the monitor; prints the detection rate and the false alerts per 1,000
 * staff-days. Needs no database.
 */
export function monitoringEvaluateCommand(options: {
  seed?: string;
  staff?: string;
  days?: string;
  perScenario?: string;
  json?: boolean;
}): void {
  const staff = whole(options.staff, 200, 'staff', 5_000);
  const days = whole(options.days, 60, 'days', 730);
  const perScenario = whole(options.perScenario, 4, 'per-scenario', 100);
  const bar = progressBar('Simulating staff days');
  bar.start(WARM_UP_DAYS + days);
  const result = evaluate({
    seed: options.seed ?? 'haven',
    staff,
    days,
    perScenario,
    onDay: (done) => bar.update(done),
  });
  bar.stop();
  if (options.json) {
    printJson({ ...result, outcomes: undefined });
    return;
  }

  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  process.stdout.write(
    [
      `Seed ${result.seed}: ${result.staff} staff and ${result.partners} partners, ${result.days} days measured after ${WARM_UP_DAYS} days of warm-up (${result.staffDays} staff-days, ${result.entries} ledger entries).`,
      `Accesses explained by the data: ${percent(result.explained / Math.max(1, result.accesses))} of ${result.accesses}.`,
      `Detection: ${result.detected} of ${result.injected} injected scenarios raised their intended alert (${percent(result.detectionRate)}).`,
      ...SCENARIOS.map(
        (s) => `  ${s.padEnd(14)} ${result.scenarios[s].detected}/${result.scenarios[s].injected}`,
      ),
      `False alerts: ${result.falseAlerts}, ${result.falseAlertsPer1000StaffDays.toFixed(1)} per 1,000 staff-days${
        result.falseAlerts > 0
          ? ` (${Object.entries(result.falseByRule)
              .map(([rule, n]) => `${rule} ${n}`)
              .join(', ')})`
          : ''
      }.`,
    ].join('\n') + '\n',
  );
}

/** `haven monitoring alerts --org SLUG`: the organisation's open alerts (or `--acknowledged`), ids and codes only. */
export async function monitoringAlertsCommand(options: {
  org: string;
  acknowledged?: boolean;
  json?: boolean;
}): Promise<void> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    const organisation = await findOrganisation(haven.db, options.org);
    if (!organisation) {
      process.stderr.write(`No organisation ${options.org}.\n`);
      process.exitCode = 1;
      return;
    }
    const alerts = options.acknowledged
      ? await acknowledgedAlerts(haven.db, organisation.id)
      : await openAlerts(haven.db, organisation.id);
    if (options.json) return printJson({ alerts });
    if (alerts.length === 0) {
      process.stdout.write(options.acknowledged ? 'No acknowledged alerts.\n' : 'No open alerts.\n');
      return;
    }
    for (const a of alerts) {
      const params = Object.entries(a.explanation?.params ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      process.stdout.write(
        `${a.raisedAt}  ${a.id}  ${a.kind.padEnd(30)} subject ${a.subject ?? '-'}  ${params}${
          a.evidence.length
            ? `  entries ${a.evidence.slice(0, 5).join(',')}${a.evidence.length > 5 ? '…' : ''}`
            : ''
        }${a.suspended ? '  SUSPENDED' : ''}${a.outcome ? `  outcome ${a.outcome}` : ''}\n`,
      );
    }
  } finally {
    await haven.close();
  }
}

/**
 * `haven monitoring baselines`: judge what the ledger holds that the monitor has not seen yet, then recompute every
 * baseline now, as the daily job does. With an embedded database, stop the server first.
 */
export async function monitoringBaselinesCommand(options: { json?: boolean }): Promise<void> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    await sequenceAll(haven.db);
    const judged = await haven.monitor.catchUp();
    const baselines = await updateBaselines(haven.db, haven.clock.now().toISOString().slice(0, 10));
    if (options.json) return printJson({ judged, baselines: baselines.length });
    process.stdout.write(
      `Judged ${judged.entries} new ledger entries (${judged.alerts} alerts, ${judged.suspended} suspensions); ${baselines.length} baselines recomputed.\n`,
    );
  } finally {
    await haven.close();
  }
}
