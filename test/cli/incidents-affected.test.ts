import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/**
 * `haven incidents affected|notices` (BRE-3, BRE-2): as a named account, through the gate. The computation itself
 * is tested against the ledger in test/incidents; here the command's words, roles and refusals.
 */
describe('haven incidents affected and notices', () => {
  test('compute and read the counts, refuse notices for a breach not high-risk; letters only for the DPO', async () => {
    const env = { HAVEN_DATA_DIR: tempDir() };
    const demo = await haven(['demo', '--people', '2', '--json'], env);
    assert.equal(demo.code, 0, demo.stderr);
    const { staff, incident } = JSON.parse(demo.stdout) as {
      staff: { role: string; email: string }[];
      incident: { reference: string };
    };
    const email = (role: string) => staff.find((s) => s.role === role)!.email;
    const help = await haven(['incidents', '--help'], env);
    for (const sub of ['affected', 'notices']) assert.match(help.stdout, new RegExp(`\\b${sub}\\b`));

    const computed = await haven(
      ['incidents', 'affected', incident.reference, '--compute', '--as', email('dpo'), '--json'],
      env,
    );
    assert.equal(computed.code, 0, computed.stderr);
    const summary = JSON.parse(computed.stdout) as {
      people: number;
      source: { kind: string };
      ledgerHead: number;
    };
    assert.equal(summary.source.kind, 'account');
    assert.ok(summary.ledgerHead > 0);
    // The demo's incident is the supervisor's account over a window covering its demo reads: people are found.
    assert.ok(summary.people > 0, `${summary.people} people`);
    const read = await haven(['incidents', 'affected', incident.reference, '--as', email('auditor')], env);
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout, new RegExp(`^People affected: ${summary.people} `, 'm'));

    assert.match(read.stdout, /^Window: /m);

    const notHighRisk = await haven(
      ['incidents', 'notices', incident.reference, '--issue', '--as', email('dpo')],
      env,
    );
    assert.equal(notHighRisk.code, 1);
    assert.match(notHighRisk.stderr, /\[notices-not-high-risk\]/);
    const auditorLetters = await haven(
      ['incidents', 'notices', incident.reference, '--letters', '--as', email('auditor')],
      env,
    );
    // The gate refuses (and ledgers) it: the command checks no role of its own.
    assert.equal(auditorLetters.code, 1);
    assert.match(auditorLetters.stderr, /\[access-denied\]/);
  });
});
