import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  type CommandIo,
  incidentsDrills,
  incidentsList,
  incidentsNotify,
  incidentsOpen,
  incidentsShow,
  incidentsState,
} from '../../src/cli/commands/incidents.ts';
import { loadConfig } from '../../src/config/config.ts';
import { HavenError } from '../../src/domain/errors.ts';
import type { Role } from '../../src/domain/roles.ts';
import { type Haven, openHaven } from '../../src/haven.ts';
import { createAccount, createOrganisation } from '../../src/identity/accounts.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';
import { GOOD_PASSWORD } from '../support/staff.ts';

/**
 * `haven incidents` (BRE-1, BRE-2): the register for operators, as a named account, like the web app. The rules
 * themselves are tested in test/incidents. Starting `haven` costs seconds per process (PGlite opens the data
 * directory each time), so the commands run in this process on one open Haven — the same functions the command
 * line calls — and two real processes prove the wiring: `--help`, and `list` on the data directory afterwards.
 */
const HOUR = 3_600_000;

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => assert.fail('not refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HavenError, String(error));
  return error.code;
}

describe('haven incidents', () => {
  test('--help names its commands', async () => {
    const help = await haven(['incidents', '--help'], { HAVEN_DATA_DIR: tempDir() });
    assert.equal(help.code, 0, help.stderr);
    for (const sub of ['list', 'show', 'open', 'state', 'notify', 'drills'])
      assert.match(help.stdout, new RegExp(`\\b${sub}\\b`));
  });

  test('list, draft, open an incident and a drill, move it, record its notification, drill figures; a clerk, bad input and another organisation refused and ledgered; then `haven incidents list` as a process', async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    // The minute now, so the clock's words are exact; awareness two hours before.
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const awareAt = new Date(now.getTime() - 2 * HOUR).toISOString();
    const opened: Haven = await openHaven(loadConfig(env, dataDir), {
      migrate: true,
      logger: createLogger('silent'),
    });
    const email: Partial<Record<string, string>> = {};
    let out = '';
    const io: CommandIo = {
      haven: opened,
      write: (text) => {
        out += text;
      },
    };
    const run = async (command: Promise<void>) => {
      out = '';
      await command;
      return out;
    };
    let references: { incident: string; drill: string };
    try {
      opened.clock.now = () => now;
      for (const slug of ['cli-org', 'cli-other-org']) {
        const org = await createOrganisation(opened.db, { slug }, { kind: 'system' });
        const roles: Role[] = slug === 'cli-org' ? ['dpo', 'clerk', 'auditor'] : ['dpo'];
        for (const role of roles) {
          const address = `${role}@${slug}.example.org`;
          await createAccount(
            opened.identity,
            opened.db,
            {
              organisationId: org.id,
              email: address,
              role,
              tier: 4,
              password: GOOD_PASSWORD,
              enrolTotp: true,
            },
            { kind: 'system' },
          );
          email[slug === 'cli-org' ? role : `other-${role}`] = address;
        }
      }
      const dpo = email.dpo!;

      assert.equal(await run(incidentsList({ as: dpo, io })), 'No incidents.\n');
      const incident = JSON.parse(
        await run(
          incidentsOpen({
            as: dpo,
            awareAt,
            nature: 'confidentiality',
            categories: 'name,health',
            description: 'A laptop left on a train',
            json: true,
            io,
          }),
        ),
      ) as { id: string; reference: string };
      assert.match(incident.reference, /^INC-\d{4}-001$/);
      assert.equal(
        await run(incidentsList({ as: dpo, io })),
        `${incident.reference.padEnd(16)} suspected  aware ${awareAt.slice(0, 16).replace('T', ' ')}  70 h 0 min left (due ${new Date(now.getTime() + 70 * HOUR).toISOString()})\n`,
      );
      const draft = await run(incidentsShow(incident.reference, { as: dpo, draft: true, io }));
      assert.match(draft, /^Notification of a personal data breach \(GDPR Article 33\)/m);
      assert.ok(draft.includes('A laptop left on a train'));

      // Refusals: each a HavenError with its code, and each in the ledger under the account, through the CLI.
      assert.equal(await refusal(incidentsList({ as: email.clerk!, io })), 'forbidden');
      assert.equal(
        await refusal(incidentsShow(incident.reference, { as: email.auditor!, draft: true, io })),
        'forbidden',
      );
      assert.equal(
        await refusal(incidentsOpen({ as: dpo, awareAt: '2999-01-01T00:00:00Z', nature: 'integrity', io })),
        'incident-awareness-in-future',
      );
      // A day that does not exist is refused, not rolled over to March 3 (no HTTP schema stands in front here).
      assert.equal(
        await refusal(incidentsOpen({ as: dpo, awareAt: '2026-02-31T10:00:00Z', nature: 'integrity', io })),
        'incident-time-invalid',
      );
      assert.equal(
        await refusal(incidentsShow(incident.reference, { as: email['other-dpo']!, io })),
        'not-found',
      );
      assert.equal(
        await refusal(incidentsState(incident.reference, 'contained', { as: dpo, io })),
        'incident-transition-invalid',
      );
      assert.equal(
        await refusal(incidentsList({ as: 'nobody@cli-org.example.org', io })),
        'account-not-found',
      );
      const { rows } = await opened.db.query<{ body: Buffer }>('select body from audit_event order by seq');
      const denials = rows
        .map(
          (r) =>
            JSON.parse(r.body.toString('utf8')) as {
              actor: { kind: string; account?: string };
              action: string;
              decision: string;
              reason: string;
              subjectType?: string;
            },
        )
        .filter((e) => e.decision === 'deny' && e.action.startsWith('incident.'))
        .map((e) => [e.actor.kind, e.action, e.subjectType, e.reason]);
      assert.deepEqual(denials, [
        ['cli', 'incident.list', 'organisation', 'forbidden'],
        ['cli', 'incident.draft', 'organisation', 'forbidden'],
        ['cli', 'incident.open', 'organisation', 'incident-awareness-in-future'],
        ['cli', 'incident.open', 'organisation', 'incident-time-invalid'],
        ['cli', 'incident.read', 'organisation', 'not-found'],
        ['cli', 'incident.state', 'incident', 'incident-transition-invalid'],
      ]);

      // A drill through its steps: opened, confirmed, the notification recorded from a file; its figures.
      const drill = JSON.parse(
        await run(incidentsOpen({ as: dpo, awareAt, nature: 'availability', drill: true, json: true, io })),
      ) as { id: string; reference: string };
      assert.match(drill.reference, /^DRILL-\d{4}-001$/);
      assert.match(
        await run(incidentsState(drill.reference, 'confirmed', { as: dpo, io })),
        / confirmed {2}/,
      );
      const textFile = path.join(dataDir, 'notification.txt');
      writeFileSync(textFile, 'DRILL — what we would have told the authority.\n');
      const told = await run(
        incidentsNotify(drill.reference, {
          as: dpo,
          at: now.toISOString(),
          to: 'Demo Authority',
          textFile,
          io,
        }),
      );
      assert.match(told, /authority notified in time {2}\(drill: recorded, nothing sent\)\n$/);
      const shown = JSON.parse(await run(incidentsShow(drill.id, { as: dpo, json: true, io }))) as {
        notification: { text: string; to: string; drill: boolean };
      };
      assert.deepEqual(
        [shown.notification.text, shown.notification.to, shown.notification.drill],
        ['DRILL — what we would have told the authority.', 'Demo Authority', true],
      );
      // The auditor reads the register without its words.
      const audited = JSON.parse(
        await run(incidentsShow(incident.reference, { as: email.auditor!, json: true, io })),
      );
      assert.equal(audited.texts, null);
      const figures = JSON.parse(await run(incidentsDrills({ as: email.auditor!, json: true, io }))) as {
        summary: { drills: number; inTime: number };
        drills: { steps: { confirmed: number; notified: number } }[];
      };
      assert.deepEqual([figures.summary.drills, figures.summary.inTime], [1, 1]);
      assert.deepEqual(figures.drills[0]!.steps.notified, 120, 'two hours from awareness to notification');
      references = { incident: incident.reference, drill: drill.reference };
    } finally {
      await opened.close();
    }

    // The command line itself, end to end, on the data directory: both are listed, the drill told in time.
    const listed = await haven(['incidents', 'list', '--as', email.dpo!], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`^${references.drill} +confirmed +aware .+ authority notified in time$`, 'm'),
    );
    assert.match(
      listed.stdout,
      new RegExp(`^${references.incident} +suspected +aware .+ \\d+ h \\d+ min left`, 'm'),
    );
  });
});
