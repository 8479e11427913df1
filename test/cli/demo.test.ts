import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLES } from '../../src/domain/roles.ts';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

describe('haven demo', () => {
  test('--json prints the organisation, each staff sign-in once, and the summary with the rate', async () => {
    const env = { HAVEN_DATA_DIR: tempDir() };
    const result = await haven(['demo', '--people', '20', '--seed', '1', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      organisation: { id: string; slug: string; name: string };
      staff: {
        accountId: string;
        role: string;
        tier: number;
        email: string;
        password: string;
        totpUri: string;
        totpSecret: string;
        recoveryCodes: string[];
      }[];
      summary: Record<string, number>;
      incident: { id: string; reference: string; state: string; dueAt: string };
      reviews: { campaign: { id: string; dueBy: string; items: number }; trainingRecorded: number };
      alerts: { rules: string[]; judged: number };
    };
    assert.equal(out.organisation.slug, 'demo');
    assert.match(out.organisation.id, /^[0-9a-f-]{36}$/);
    assert.match(out.organisation.name, /synthetic/);
    assert.deepEqual(new Set(out.staff.map((s) => s.role)), new Set(ROLES));
    for (const s of out.staff) {
      assert.match(s.email, /@demo\.example\.org$/);
      assert.ok(s.password.length >= 20);
      assert.match(s.totpUri, /^otpauth:\/\/totp\/Haven:/);
      assert.ok(s.totpUri.includes(`secret=${s.totpSecret}`));
      assert.equal(s.recoveryCodes.length, 10);
    }
    assert.equal(new Set(out.staff.map((s) => s.password)).size, out.staff.length, 'every password differs');
    assert.equal(out.summary.people, 20);
    assert.equal(out.summary.seed, 1);
    for (const key of ['households', 'consentsGiven', 'gateCalls', 'seconds', 'peoplePerSecond'])
      assert.equal(typeof out.summary[key], 'number', key);
    assert.ok(out.summary.peoplePerSecond! > 0);
    assert.match(result.stderr, /Registering 20 demo people through the gate/);

    // BRE-1, BRE-2: one open incident, confirmed, its authority notification due in about 52 hours.
    assert.match(out.incident.reference, /^INC-\d{4}-001$/);
    assert.equal(out.incident.state, 'confirmed');
    const left = Date.parse(out.incident.dueAt) - Date.now();
    assert.ok(left > 50 * 3_600_000 && left <= 52 * 3_600_000, `${left} ms left`);
    const dpo = out.staff.find((s) => s.role === 'dpo')!;
    const listed = await haven(['incidents', 'list', '--as', dpo.email, '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const incidents = JSON.parse(listed.stdout) as { id: string; drill: boolean; clock: { state: string } }[];
    assert.deepEqual(
      incidents.map((i) => [i.id, i.drill, i.clock.state]),
      [[out.incident.id, false, 'running']],
    );
    // BRE-3: the incident names the supervisor's account (whose reads the alert below names) and a window that
    // covers its demo activity: computing through the gate, as the DPO, finds those people in the ledger.
    const affected = await haven(
      ['incidents', 'affected', out.incident.reference, '--as', dpo.email, '--compute', '--json'],
      env,
    );
    assert.equal(affected.code, 0, affected.stderr);
    const computed = JSON.parse(affected.stdout) as {
      source: { kind: string; id: string };
      people: number;
      byExposure: Record<string, number>;
    };
    const compromised = out.staff.find((s) => s.role === 'supervisor')!;
    assert.deepEqual(computed.source, { kind: 'account', id: compromised.accountId, key: null });
    assert.ok(computed.people > 0, 'the demo incident finds people');
    assert.equal(computed.byExposure.read, computed.people, 'the supervisor read each of them');

    // ACC-7: one open review campaign, started by the DPO, listed by `haven reviews list`.
    assert.ok(out.reviews.campaign.items > 0);
    assert.equal(out.reviews.trainingRecorded, out.staff.length);
    const campaigns = await haven(['reviews', 'list', '--as', dpo.email, '--json'], env);
    assert.equal(campaigns.code, 0, campaigns.stderr);
    const listedCampaigns = JSON.parse(campaigns.stdout) as { id: string; state: string; items: number }[];
    assert.deepEqual(
      listedCampaigns.map((c) => [c.id, c.state, c.items]),
      [[out.reviews.campaign.id, 'open', out.reviews.campaign.items]],
    );

    // AUD-6: a few alerts, raised by the monitor from the demo staff's reads through the gate, and listed by
    // `haven monitoring alerts` with their ledger entries.
    assert.deepEqual(out.alerts.rules, ['outside-caseload', 'repeated-denials']);
    assert.ok(out.alerts.judged > 0);
    const alerts = await haven(['monitoring', 'alerts', '--org', 'demo', '--json'], env);
    assert.equal(alerts.code, 0, alerts.stderr);
    const listedAlerts = JSON.parse(alerts.stdout) as {
      alerts: { kind: string; subject: string; evidence: number[] }[];
    };
    const anomalies = listedAlerts.alerts.filter((a) => a.kind.startsWith('anomaly.'));
    assert.deepEqual(anomalies.map((a) => a.kind).sort(), [
      'anomaly.outside-caseload',
      'anomaly.repeated-denials',
    ]);
    const supervisor = out.staff.find((s) => s.role === 'supervisor')!;
    assert.equal(anomalies.find((a) => a.kind === 'anomaly.outside-caseload')?.subject, supervisor.accountId);
    for (const a of anomalies) assert.ok(a.evidence.length >= 3, a.kind);

    const again = await haven(['demo', '--people', '5'], env);

    assert.equal(again.code, 1);
    assert.match(again.stderr, /\[demo-organisation-exists\]/);
    assert.equal(again.stdout, '');
  });

  test('a bad --people is refused with a stable code before anything is opened', async () => {
    const dataDir = tempDir();
    for (const people of ['0', 'lots', '2000000']) {
      const result = await haven(['demo', '--people', people], { HAVEN_DATA_DIR: dataDir });
      assert.equal(result.code, 1, people);
      assert.match(
        result.stderr,
        /--people must be a whole number from 1 to 1,000,000\. \[demo-people-invalid\]/,
      );
      assert.equal(result.stdout, '');
    }
    const seed = await haven(['demo', '--seed', '-1'], { HAVEN_DATA_DIR: dataDir });
    assert.equal(seed.code, 1);
    assert.match(seed.stderr, /\[demo-seed-invalid\]/);
  });
});
