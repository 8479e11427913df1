import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

/** `haven reviews` (ACC-7): help, a campaign started and listed as the DPO, and the job's two steps run by hand. */
const PASSWORD = 'a long passphrase for the reviews command';

describe('haven reviews', () => {
  test('--help names the four commands', async () => {
    const help = await haven(['reviews', '--help'], { HAVEN_DATA_DIR: tempDir() });
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['start', 'list', 'lapse', 'dormant'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  });

  // Each `haven` process opens Haven anew (PGlite, key ring, policies); on 2 busy cores ten of them have taken
  // over the runner's default 5 minutes.
  test('the DPO starts one campaign at a time and lists it; a clerk cannot; lapse and dormant report their counts', {
    timeout: 600_000,
  }, async () => {
    const env = { HAVEN_DATA_DIR: tempDir() };
    assert.equal((await haven(['orgs', 'create', 'review-org'], env)).code, 0);
    for (const [email, role] of [
      ['dpo@review.example.org', 'dpo'],
      ['clerk@review.example.org', 'clerk'],
    ] as const) {
      const created = await haven(
        [
          'users',
          'create',
          '--org',
          'review-org',
          '--email',
          email,
          '--role',
          role,
          '--password-stdin',
          '--enrol-totp',
        ],
        env,
        PASSWORD,
      );
      assert.equal(created.code, 0, created.stderr);
    }
    const started = await haven(['reviews', 'start', '--as', 'dpo@review.example.org', '--json'], env);
    assert.equal(started.code, 0, started.stderr);
    const campaign = JSON.parse(started.stdout) as { id: string; items: number; state: string };
    assert.equal(campaign.state, 'open');
    assert.equal(campaign.items, 2, 'the two roles (tiers are 1)');
    const again = await haven(['reviews', 'start', '--as', 'dpo@review.example.org'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /\[campaign-open\]/);
    const clerk = await haven(['reviews', 'start', '--as', 'clerk@review.example.org'], env);
    assert.equal(clerk.code, 1);
    assert.match(clerk.stderr, /\[account-not-found\]/);

    const listed = await haven(['reviews', 'list', '--as', 'dpo@review.example.org'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${campaign.id}  open .* 0/2 decided`, 'm'));

    const lapse = await haven(['reviews', 'lapse', '--json'], env);
    assert.equal(lapse.code, 0, lapse.stderr);
    assert.deepEqual(JSON.parse(lapse.stdout), { lapsed: 0 });
    const dormant = await haven(['reviews', 'dormant'], env);
    assert.equal(dormant.code, 0, dormant.stderr);
    assert.equal(dormant.stdout, '0 accounts unused for 45 days disabled; their sessions ended.\n');
  });
});
