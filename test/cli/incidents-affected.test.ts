import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandIo } from '../../src/cli/commands/incidents.ts';
import { incidentsAffected, incidentsNotices } from '../../src/cli/commands/incidents-affected.ts';
import { loadConfig } from '../../src/config/config.ts';
import { HavenError } from '../../src/domain/errors.ts';
import { type Haven, openHaven } from '../../src/haven.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createDemoRegistry } from '../../src/workflows/demo/registry.ts';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/**
 * `haven incidents affected|notices` (BRE-3, BRE-2): as a named account, through the gate. The computation itself
 * is tested against the ledger in test/incidents; here the command's words, roles and refusals. Starting `haven`
 * costs seconds per process, so the commands run in this process on one open Haven (the same functions the command
 * line calls, given the Haven and a writer), on the demo's data; one real process proves the wiring (`--help`).
 */
async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => assert.fail('not refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HavenError, String(error));
  return error.code;
}

describe('haven incidents affected and notices', () => {
  test('--help names them', async () => {
    const help = await haven(['incidents', '--help'], { HAVEN_DATA_DIR: tempDir() });
    assert.equal(help.code, 0, help.stderr);
    for (const sub of ['affected', 'notices']) assert.match(help.stdout, new RegExp(`\\b${sub}\\b`));
  });

  test('compute and read the counts, refuse notices for a breach not high-risk; letters only for the DPO', async () => {
    const dataDir = tempDir();
    const opened: Haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dataDir }, dataDir), {
      migrate: true,
      logger: createLogger('silent'),
    });
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
    try {
      const demo = await createDemoRegistry(opened, {
        organisation: 'demo',
        people: 4,
        seed: 1,
        concurrency: 1,
      });
      const email = (role: string) => demo.staff.find((s) => s.role === role)!.email;
      const reference = demo.incident.reference;

      const summary = JSON.parse(
        await run(incidentsAffected(reference, { as: email('dpo'), compute: true, json: true, io })),
      ) as { people: number; source: { kind: string }; ledgerHead: number };
      assert.equal(summary.source.kind, 'account');
      assert.ok(summary.ledgerHead > 0);
      // The demo's incident is the supervisor's account over a window covering its demo reads: people are found.
      assert.ok(summary.people > 0, `${summary.people} people`);
      const read = await run(incidentsAffected(reference, { as: email('auditor'), io }));
      assert.match(read, new RegExp(`^People affected: ${summary.people} `, 'm'));
      assert.match(read, /^Window: /m);

      assert.equal(
        await refusal(incidentsNotices(reference, { as: email('dpo'), issue: true, io })),
        'notices-not-high-risk',
      );
      // The gate refuses (and ledgers) what a role may not do: the command checks no role of its own.
      assert.equal(
        await refusal(incidentsNotices(reference, { as: email('auditor'), letters: true, io })),
        'access-denied',
      );
      assert.equal(
        await refusal(incidentsAffected(reference, { as: email('oversight'), compute: true, io })),
        'access-denied',
      );
      const { rows } = await opened.db.query<{ body: Buffer }>(
        `select body from audit_event where actor_account = $1::uuid order by seq`,
        [demo.staff.find((s) => s.role === 'auditor')!.accountId],
      );
      const denied = rows
        .map((r) => JSON.parse(Buffer.from(r.body).toString('utf8')))
        .filter((e) => e.decision === 'deny');
      assert.ok(
        denied.some(
          (e) =>
            e.action === 'incident.notice-letter' && e.reason === 'not-permitted' && e.actor.kind === 'staff',
        ),

        'the auditor’s refused letters are in the ledger, under the account',
      );
      assert.equal(
        await refusal(incidentsAffected(reference, { as: 'nobody@demo.example.org', io })),
        'account-not-found',
      );
    } finally {
      await opened.close();
    }
  });
});
