import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Secret } from 'otpauth';
import { totpCode } from '../../src/identity/totp.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { haven, startServer, withApprovedDpias } from '../support/cli.ts';
import { openTestDatabase, testDatabaseKinds } from '../support/database.ts';
import { tempDir } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';

/**
 * RES-2 with group commit (B1): a server registering under load is killed with SIGKILL at a random moment, more
 * than once. Every registration a client saw acknowledged must be readable after the restart, nothing may be
 * written twice, and the ledger must verify against every checkpoint the server published.
 * HAVEN_CRASH_ROUNDS (default 2) sets the rounds.
 */
const ROUNDS = Number(process.env.HAVEN_CRASH_ROUNDS ?? 2);
const CLIENTS = 12;
const PASSWORD = 'a long passphrase for the crash test';

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string, email: string, secret: Uint8Array): Promise<Session> {
  const first = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const pending = first.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await first.json()) as { csrfToken: string };
  const second = await fetch(`${url}/api/auth/second-factor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: pending, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ method: 'totp', code: totpCode(secret) }),
  });
  assert.equal(second.status, 200, await second.clone().text());
  return {
    cookie: second.headers.get('set-cookie')!.split(';')[0]!,
    csrf: ((await second.json()) as { csrfToken: string }).csrfToken,
  };
}

/** Registers people from CLIENTS loops until the server dies; returns the ids it acknowledged and the attempts. */
async function loadUntilKilled(
  url: string,
  session: Session,
  round: number,
  kill: () => void,
  notice: string,
): Promise<{ acknowledged: string[]; attempted: number }> {
  const acknowledged: string[] = [];
  let attempted = 0;
  let dead = false;
  // A random moment once the load runs: sometimes mid-batch, sometimes between batches.
  const timer = setTimeout(
    () => {
      dead = true;
      kill();
    },
    400 + Math.floor(Math.random() * 900),
  );
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; !dead; i++) {
        attempted++;
        const values = {
          ...KNOWN_PEOPLE[(client + i) % KNOWN_PEOPLE.length],
          'case-number': `CRASH-${round}-${client}-${i}`,
        };
        try {
          const reply = await fetch(`${url}/api/persons`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              cookie: session.cookie,
              'x-csrf-token': session.csrf,
              'x-haven-purpose': 'registration',
            },
            body: JSON.stringify({
              values,
              basis: { kind: 'consent', noticeVersion: notice, noticeLanguage: 'en', method: 'written' },
            }),
          });
          if (reply.status === 201) acknowledged.push(((await reply.json()) as { id: string }).id);
          else if (!dead) assert.fail(`registration refused: ${reply.status} ${await reply.text()}`);
        } catch {
          // The connection died with the server: this one was never acknowledged.
        }
      }
    }),
  );
  clearTimeout(timer);
  return { acknowledged, attempted };
}

for (const kind of testDatabaseKinds()) {
  describe(`a server killed during batched registrations (${kind}, RES-2)`, () => {
    test(`${ROUNDS} SIGKILL rounds: every acknowledged registration survives, none twice, the ledger verifies`, async (t) => {
      const dataDir = tempDir('haven-crash-');
      const main = kind === 'postgres' ? await openTestDatabase('postgres', { migrated: false }) : undefined;
      const vault = kind === 'postgres' ? await openTestDatabase('postgres', { migrated: false }) : undefined;
      const env: Record<string, string> = {
        HAVEN_DATA_DIR: dataDir,
        HAVEN_CHECKPOINT_INTERVAL_SECONDS: '1',
        HAVEN_LEDGER_ORIGIN: 'crash.example/haven-ledger',
        HAVEN_SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000',
        ...(main && vault ? { HAVEN_DATABASE_URL: main.url!, HAVEN_KEYVAULT_URL: vault.url! } : {}),
      };
      try {
        await withApprovedDpias(env);
        assert.equal((await haven(['orgs', 'create', 'crash-org'], env)).code, 0);
        const created = await haven(
          [
            'users',
            'create',
            '--org',
            'crash-org',
            '--email',
            'crash.clerk@example.org',
            '--role',
            'clerk',
            '--tier',
            '2',
            '--password-stdin',
            '--enrol-totp',
            '--json',
          ],
          env,
          PASSWORD,
        );
        assert.equal(created.code, 0, created.stderr);
        const uri = (JSON.parse(created.stdout) as { totpUri: string }).totpUri;
        const secret = Secret.fromBase32(new URL(uri).searchParams.get('secret')!).bytes;

        let server = await startServer(env);
        const session = await signIn(server.url, 'crash.clerk@example.org', secret);
        const notices = (await (
          await fetch(`${server.url}/api/notices`, { headers: { cookie: session.cookie } })
        ).json()) as { notices: { purpose: string; version: string }[] };
        const notice = notices.notices.find((n) => n.purpose === 'registration')!.version;
        const acknowledged: string[] = [];
        let attempted = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const child = server.child;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          const result = await loadUntilKilled(
            server.url,
            session,
            round,
            () => child.kill('SIGKILL'),
            notice,
          );
          await exited;
          assert.ok(
            result.acknowledged.length > 0,
            `round ${round}: the load registered nobody before the kill`,
          );
          acknowledged.push(...result.acknowledged);
          attempted += result.attempted;
          server = await startServer(env);
          // The session was committed before the load: the same cookie works after the crash.
          for (const id of acknowledged) {
            const reply = await fetch(`${server.url}/api/persons/${id}`, {
              headers: { cookie: session.cookie, 'x-haven-purpose': 'registration' },
            });
            assert.equal(reply.status, 200, `acknowledged registration ${id} is gone after round ${round}`);
          }
        }
        await server.stop();

        // Nothing twice: at most one person per request sent, and at least every acknowledged one.
        const db = main?.db ?? (await openPglite({ dataDir: path.join(dataDir, 'db') }));
        const { rows } = await db.query<{ n: number }>('select count(*)::int as n from person');
        if (!main) await db.close();
        const persons = rows[0]!.n;
        assert.ok(persons >= acknowledged.length && persons <= attempted, `${persons} persons`);
        assert.equal(new Set(acknowledged).size, acknowledged.length);

        // The ledger: export it and verify it against every checkpoint the server published, crashes included.
        const key = (await haven(['ledger', 'key'], env)).stdout.trim();
        const signed = await haven(['ledger', 'checkpoint'], env);
        assert.equal(signed.code, 0, signed.stderr);
        const events = path.join(dataDir, 'events.ndjson');
        assert.equal((await haven(['ledger', 'export', '--out', events], env)).code, 0);
        const published = path.join(dataDir, 'checkpoints');
        assert.ok(readdirSync(published).length >= 2, 'checkpoints were published across the rounds');
        const verified = await haven(
          ['ledger', 'verify', '--events', events, '--checkpoints', published, '--key', key, '--json'],
          env,
        );
        assert.equal(verified.code, 0, verified.stdout + verified.stderr);
        const report = JSON.parse(verified.stdout) as { ok: boolean; checked: number };
        assert.equal(report.ok, true);
        t.diagnostic(
          `${ROUNDS} rounds: ${acknowledged.length} registrations acknowledged of ${attempted} sent, ` +
            `all readable after each restart; ${persons} stored; ledger of ${report.checked} entries verified ` +
            `against ${readdirSync(published).length} published checkpoints`,
        );
      } finally {
        await main?.drop();
        await vault?.drop();
      }
    });
  });
}
