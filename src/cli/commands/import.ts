import { createWriteStream } from 'node:fs';
import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { openHaven } from '../../haven.ts';
import { findOrganisation } from '../../identity/accounts.ts';
import { createLogger } from '../../observability/logger.ts';
import { importPeople, type LineProblem } from '../../workflows/bulk-import.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

/** `haven import`: people from JSON Lines through the gate, with a progress bar and a report of refused lines. */
export async function importCommand(options: {
  org: string;
  purpose: string;
  file: string;
  report?: string;
  json?: boolean;
}): Promise<void> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  const report = options.report ? createWriteStream(options.report) : undefined;
  const problems: LineProblem[] = [];
  const bar = progressBar(`Importing ${options.file}`);
  try {
    const organisation = await findOrganisation(haven.db, options.org);
    if (!organisation) {
      throw new HavenError(
        'organisation-not-found',
        `No organisation ${options.org}; create it with haven orgs create.`,
        { status: 404 },
      );
    }
    let started = false;
    const summary = await importPeople(haven.gate, {
      organisationId: organisation.id,
      purpose: options.purpose,
      file: options.file,
      onProblem: (problem) => {
        problems.push(problem);
        report?.write(`${JSON.stringify(problem)}\n`);
      },
      onProgress: (done, total) => {
        if (!started) {
          started = true;
          bar.start(total);
        }
        bar.update(done);
      },
    });
    bar.stop();
    if (options.json) printJson({ ...summary, problems: options.report ? undefined : problems });
    else {
      process.stdout.write(
        `Imported ${summary.imported} people; ${summary.alreadyImported} lines were already imported; ${summary.refused} lines refused.\n`,
      );
      if (summary.refused > 0) {
        process.stdout.write(
          options.report
            ? `Refused lines are listed in ${options.report}.\n`
            : `${problems.map((p) => `  line ${p.line}: ${p.code}`).join('\n')}\n`,
        );
      }
    }
    process.exitCode = summary.refused > 0 ? 1 : 0;
  } finally {
    bar.stop();
    if (report) await new Promise<void>((resolve) => report.end(resolve));
    await haven.close();
  }
}
