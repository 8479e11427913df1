import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { openHaven } from '../../haven.ts';
import { createLogger } from '../../observability/logger.ts';
import { createDemoRegistry, demoNumber } from '../../workflows/demo/registry.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

/**
 * `haven demo`: a demo organisation with staff of every role and N synthetic people, registered through the gate.
 * The staff's passwords and TOTP secrets are printed once, here, and nowhere else.
 */
export async function demoCommand(options: {
  people: string;
  seed: string;
  org: string;
  concurrency?: string;
  json?: boolean;
}): Promise<void> {
  const people = demoNumber('people', options.people);
  const seed = demoNumber('seed', options.seed);
  const config = loadConfig();
  if (config.env === 'production') {
    throw new HavenError(
      'demo-in-production',
      'haven demo writes synthetic people and prints passwords; it does not run with HAVEN_ENV=production.',
      { status: 409 },
    );
  }
  // Registrations in flight share commits (group commit); a server takes as many as its pool holds.
  const concurrency = demoNumber(
    'concurrency',
    options.concurrency ?? (config.databaseUrl ? config.databaseMaxConnections : 16),
  );
  const haven = await openHaven(config, { migrate: true, logger: createLogger('silent') });
  const bar = progressBar(`Registering ${people.toLocaleString('en')} demo people through the gate`);
  let started = false;
  try {
    const result = await createDemoRegistry(haven, {
      organisation: options.org,
      people,
      seed,
      concurrency,
      onProgress: (done, total) => {
        if (!started) bar.start(total);
        started = true;
        bar.update(done);
      },
    });
    bar.stop();
    const { organisation, staff, summary, governance, partners, rights, incident, reviews, alerts } = result;
    if (options.json) {
      printJson({ organisation, staff, summary, governance, partners, rights, incident, reviews, alerts });

      return;
    }
    const out: string[] = [
      `Demo organisation ${organisation.slug} (${organisation.id}): synthetic people, not real data.`,
      '',
      'Staff accounts. Shown this once: store them now, Haven cannot show them again.',
    ];
    for (const s of staff) {
      out.push(
        `  ${s.role.padEnd(10)} tier ${s.tier}  ${s.email}`,
        `      password      ${s.password}`,
        `      TOTP secret   ${s.totpSecret}   (${s.totpUri})`,
        `      recovery      ${s.recoveryCodes.join(' ')}`,
      );
    }
    out.push(
      '',
      `Registered ${summary.people.toLocaleString('en')} people in ${summary.households.toLocaleString('en')} households ` +
        `(${summary.nearDuplicates} near-duplicates) through the gate in ${summary.seconds} s: ` +
        `${summary.peoplePerSecond} people/s, ${summary.concurrency} at a time.`,
      `Consents: ${summary.consentsGiven} given, ${summary.consentsWithdrawn} withdrawn; ` +
        `${summary.caseloadAssignments} caseload assignments; ${summary.gateCalls} calls through the gate.`,
      `DPIAs approved for ${governance.dpiasApproved.length} purposes` +
        (governance.dpiaExpired
          ? `; the one for ${governance.dpiaExpired} has passed its review date, so Haven refuses that purpose until the DPO approves a revision.`
          : '.'),
      `Processors: ${governance.processors} (one with a lapsed data processing agreement, on the DPO's work list).`,
      `The public record of processing: /transparency?org=${organisation.slug}`,
      '',
      'Partners (issue 17), each with a data-sharing agreement; they add their own public key to get tokens:',
      ...partners.map((p) => `  ${p.id}   ${p.name} — agreement ${p.agreementId} (${p.agreementStatus})`),
      '',
      `Person portal (/me): cards of ${rights.cards.length} synthetic people, code and PIN; ${rights.requests} of them have an open rights request.`,
      ...rights.cards.map((c) => `  ${c.code}   PIN ${c.pin}   ${c.name}`),
      '',
      `Incident ${incident.reference} (${incident.state}): the authority must be told by ${incident.dueAt}; the DPO sees the clock on every page (/incidents).`,
      `Access review ${reviews.campaign.id}: ${reviews.campaign.items} grants before their reviewers until ${reviews.campaign.dueBy}; the supervisor reviews the clerks and caseworkers (/reviews); ${reviews.trainingRecorded} training records, one expired.`,
      `Anomaly alerts for the DPO (/alerts): ${alerts.rules.join(', ') || 'none'} — raised by the monitor from reads through the gate.`,
    );

    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    bar.stop();
    await haven.close();
  }
}
