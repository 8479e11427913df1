import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import type { Role } from '../../src/domain/roles.ts';
import { openHaven } from '../../src/haven.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { haven } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';

interface Staff {
  accountId: string;
  role: Role;
  tier: number;
  email: string;
}

/** `haven rights list|show` (issue 16, item 6): operators read rights requests through the gate, as an account. */
describe('haven rights', () => {
  // Each `haven` process opens Haven anew (PGlite, key ring, policies); on 2 busy cores ten of them have taken
  // over the runner's default 5 minutes.
  test('lists and shows requests as the account named; a clerk is refused, and a caseworker outside their caseload', {
    timeout: 600_000,
  }, async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    const demo = await haven(['demo', '--people', '3', '--json'], env);
    assert.equal(demo.code, 0, demo.stderr);
    const { organisation, staff, rights } = JSON.parse(demo.stdout) as {
      organisation: { id: string };
      staff: Staff[];
      rights: { requests: number };
    };
    const demoRequests = rights.requests;
    const of = (role: Role) => staff.find((s) => s.role === role)!;

    // A request taken down by the clerk, through the gate, in this process; then the commands read it.
    const opened = await openHaven(loadConfig(env, dataDir), { logger: createLogger('silent') });
    let id = '';
    try {
      const { rows } = await opened.db.query<{ id: string }>('select id from person limit 1');
      const clerk = of('clerk');
      const taken = await opened.gate.receiveRightsRequest(
        {
          actor: {
            kind: 'staff',
            accountId: clerk.accountId,
            organisationId: organisation.id,
            role: 'clerk',
            tier: clerk.tier,
            assurance: 2,
          },
          purpose: undefined,
        },
        rows[0]!.id,
        { kind: 'erasure', channel: 'written' },
      );
      id = taken.id;
    } finally {
      await opened.close();
    }

    const listed = await haven(['rights', 'list', '--open', '--as', of('dpo').email, '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const requests = JSON.parse(listed.stdout) as { id: string; kind: string; state: string }[];
    // The demo opened a few requests of its own (one per kind, for its first people); this one is among them.
    assert.equal(requests.length, demoRequests + 1);
    assert.deepEqual(
      requests.filter((r) => r.id === id).map((r) => [r.id, r.kind, r.state]),
      [[id, 'erasure', 'received']],
    );
    const text = await haven(['rights', 'list', '--as', of('dpo').email], env);
    assert.match(text.stdout, new RegExp(`^${id}  erasure +received +due \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    assert.equal(text.stdout.trim().split('\n').length, demoRequests + 1);

    const shown = await haven(['rights', 'show', id, '--as', of('supervisor').email], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^kind +erasure$/m);
    assert.match(shown.stdout, /^identity +not checked$/m);
    const json = await haven(['rights', 'show', id, '--as', of('dpo').email, '--json'], env);
    assert.equal(JSON.parse(json.stdout).id, id);

    // The gate decides as for that account: a clerk takes requests down but does not list them.
    const clerk = await haven(['rights', 'list', '--as', of('clerk').email], env);
    assert.equal(clerk.code, 1);
    assert.match(clerk.stderr, /\[access-denied\]/);
    assert.equal(clerk.stdout, '');
    const caseworker = staff.filter((s) => s.role === 'caseworker');
    const outside = await haven(['rights', 'show', id, '--as', caseworker[0]!.email], env);
    assert.equal(outside.code, 1, 'a person outside the caseload');
    assert.match(outside.stderr, /\[access-denied\]/);
    const missing = await haven(
      ['rights', 'show', '00000000-0000-4000-8000-000000000000', '--as', of('dpo').email],
      env,
    );
    assert.match(missing.stderr, /\[rights-request-not-found\]/);
    const nobody = await haven(['rights', 'list', '--as', 'nobody@example.org'], env);
    assert.match(nobody.stderr, /\[account-not-found\]/);
  });

  test('--help names the account option and --open', async () => {
    const help = await haven(['rights', 'list', '--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--as <email>/);
    assert.match(help.stdout, /--open/);
    const usage = await haven(['rights', 'show', 'x'], {});
    assert.equal(usage.code, 2, 'without --as');
  });
});
