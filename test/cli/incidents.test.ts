import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/** `haven incidents` (BRE-1, BRE-2): the register for operators, as a named account, like the web app. */
describe('haven incidents', () => {
  test('list, draft, open a drill, move it, record its notification, drill figures; a clerk and bad input refused (the rules themselves: test/incidents)', async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    const demo = await haven(['demo', '--people', '2', '--json'], env);
    assert.equal(demo.code, 0, demo.stderr);
    const { staff, incident } = JSON.parse(demo.stdout) as {
      staff: { role: string; email: string }[];
      incident: { id: string; reference: string };
    };
    const email = (role: string) => staff.find((s) => s.role === role)!.email;

    const help = await haven(['incidents', '--help'], env);
    assert.equal(help.code, 0);
    for (const sub of ['list', 'show', 'open', 'state', 'notify', 'drills'])
      assert.match(help.stdout, new RegExp(`\\b${sub}\\b`));

    const listed = await haven(['incidents', 'list', '--as', email('dpo')], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`^${incident.reference} +confirmed +aware .+ \\d+ h \\d+ min left`, 'm'),
    );
    const draft = await haven(
      ['incidents', 'show', incident.reference, '--draft', '--as', email('dpo')],
      env,
    );
    assert.match(draft.stdout, /^Notification of a personal data breach \(GDPR Article 33\)/m);

    const clerk = await haven(['incidents', 'list', '--as', email('clerk')], env);
    assert.equal(clerk.code, 1);
    assert.match(clerk.stderr, /\[forbidden\]/);
    const future = await haven(
      [
        'incidents',
        'open',
        '--as',
        email('dpo'),
        '--aware-at',
        '2999-01-01T00:00:00Z',
        '--nature',
        'integrity',
      ],
      env,
    );
    assert.equal(future.code, 1);
    assert.match(future.stderr, /\[incident-awareness-in-future\]/);

    const awareAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const opened = await haven(
      [
        'incidents',
        'open',
        '--as',
        email('dpo'),
        '--aware-at',
        awareAt,
        '--nature',
        'availability',
        '--drill',
        '--json',
      ],
      env,
    );
    assert.equal(opened.code, 0, opened.stderr);
    const drill = JSON.parse(opened.stdout) as { id: string; reference: string };
    assert.match(drill.reference, /^DRILL-\d{4}-001$/);
    const moved = await haven(
      ['incidents', 'state', drill.reference, 'confirmed', '--as', email('dpo')],
      env,
    );
    assert.equal(moved.code, 0, moved.stderr);

    const textFile = path.join(dataDir, 'notification.txt');
    writeFileSync(textFile, 'DRILL — what we would have told the authority.\n');
    const notified = await haven(
      [
        'incidents',
        'notify',
        drill.reference,
        '--as',
        email('dpo'),
        '--at',
        new Date().toISOString(),
        '--to',
        'Demo Authority',
        '--text-file',
        textFile,
      ],
      env,
    );
    assert.equal(notified.code, 0, notified.stderr);
    assert.match(notified.stdout, /authority notified in time {2}\(drill: recorded, nothing sent\)/);

    const figures = await haven(['incidents', 'drills', '--as', email('auditor'), '--json'], env);
    const parsed = JSON.parse(figures.stdout) as {
      summary: { drills: number; inTime: number };
      drills: { steps: { notified: number } }[];
    };
    assert.deepEqual([parsed.summary.drills, parsed.summary.inTime], [1, 1]);
    assert.ok(parsed.drills[0]!.steps.notified >= 119, 'about two hours from awareness to notification');
  });
});
