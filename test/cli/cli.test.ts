import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Secret } from 'otpauth';
import { totpCode } from '../../src/identity/totp.ts';
import { HAVEN_BIN, haven, startServer, withApprovedDpias } from '../support/cli.ts';
import { tempDir } from '../support/haven.ts';
import { GOOD_PASSWORD } from '../support/staff.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('the haven command', () => {
  test('--help lists the commands and --version prints the version', async () => {
    const help = await haven(['--help'], {});
    assert.equal(help.code, 0);
    for (const command of ['serve', 'migrate', 'users'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    const usersHelp = await haven(['users', 'create', '--help'], {});
    assert.match(usersHelp.stdout, /--password-stdin/);
    assert.match(usersHelp.stdout, /--enrol-totp/);
    const v = await haven(['--version'], {});
    assert.equal(v.stdout.trim(), version);
  });

  test('a bad setting stops it with one line naming the setting, and exit code 78', async () => {
    const result = await haven(['serve'], { HAVEN_PORT: 'http' });
    assert.equal(result.code, 78);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /HAVEN_PORT: must be a whole number/);
  });

  test('wrong usage exits with code 2', async () => {
    const result = await haven(['users', 'create', '--email', 'x@y.org'], {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /required option/);
  });

  test('users create prints JSON with the id and an otpauth URI; that account signs in over HTTP with password + TOTP', async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    const created = await haven(
      [
        'users',
        'create',
        '--org',
        'unhcr-field',
        '--email',
        'Clerk.One@Example.org',
        '--role',
        'clerk',
        '--password-stdin',
        '--enrol-totp',
        '--json',
      ],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    assert.equal(created.code, 0, created.stderr);
    const account = JSON.parse(created.stdout);
    assert.match(account.id, /^[0-9a-f-]{36}$/);
    assert.equal(account.email, 'clerk.one@example.org');
    assert.equal(account.role, 'clerk');
    assert.equal(account.organisation.created, true);
    assert.match(account.totpUri, /^otpauth:\/\/totp\/Haven:clerk.one%40example.org\?/);
    assert.equal(account.recoveryCodes.length, 10);

    const weak = await haven(
      [
        'users',
        'create',
        '--org',
        'unhcr-field',
        '--email',
        'weak@example.org',
        '--role',
        'clerk',
        '--password-stdin',
      ],
      env,
      'password123\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /\[password-too-weak\]/);

    const server = await startServer(env);
    try {
      const locked = await haven(['users', 'list', '--org', 'unhcr-field'], env);
      assert.equal(locked.code, 78, 'the embedded database is locked while the server runs');
      assert.match(locked.stderr, /in use by another Haven process/);

      const first = await fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'clerk.one@example.org', password: GOOD_PASSWORD }),
      });
      assert.equal(first.status, 200);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await first.json()) as { csrfToken: string };
      const blocked = await fetch(`${server.url}/api/account/factors`, { headers: { cookie } });
      assert.equal(blocked.status, 401, 'no access before the second factor');

      const secret = Secret.fromBase32(new URL(account.totpUri).searchParams.get('secret')!);
      const second = await fetch(`${server.url}/api/auth/second-factor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ method: 'totp', code: totpCode(Buffer.from(secret.bytes)) }),
      });
      assert.equal(second.status, 200);
      const upgraded = second.headers.get('set-cookie')!.split(';')[0]!;
      assert.match(second.headers.get('set-cookie')!, /HttpOnly/i);
      assert.match(second.headers.get('set-cookie')!, /SameSite=Strict/i);
      const factors = await fetch(`${server.url}/api/account/factors`, { headers: { cookie: upgraded } });
      assert.equal(factors.status, 200);
      assert.equal(((await factors.json()) as { totp: boolean }).totp, true);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      await server.stop();
    }
    const listed = await haven(['users', 'list', '--org', 'unhcr-field', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout)[0].email, 'clerk.one@example.org');
  });

  test('serve on a fresh folder creates the key file with a warning and prints a one-time set-up code', async () => {
    const dataDir = tempDir();
    const server = await startServer({ HAVEN_DATA_DIR: dataDir });
    try {
      assert.match(server.stderr(), /WARNING: the key file is not protected/);
      const code = /set-up code: ([A-Z0-9-]+)/.exec(server.stderr())?.[1];
      assert.ok(code, server.stderr());
      const keyFile = JSON.parse(readFileSync(path.join(dataDir, 'keyring.json'), 'utf8'));
      assert.equal(keyFile.protection, 'none');
      const setup = await fetch(`${server.url}/api/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code,
          organisation: { slug: 'first', name: 'First' },
          email: 'admin@first.org',
          password: GOOD_PASSWORD,
        }),
      });
      assert.equal(setup.status, 201);
    } finally {
      await server.stop();
    }
  });

  test('migrate applies the migrations to a PostgreSQL server or the embedded database', async () => {
    const result = await haven(['migrate', '--json'], { HAVEN_DATA_DIR: tempDir() });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.ok(out.applied.length >= 1);
    assert.equal(out.applied.length, out.total);
  });
});

/** The placeholder witness account in docs/examples/people.jsonl. */
const EXAMPLE_WITNESS = '5b0b5c3e-8f6e-4a4b-9a43-0c1d2e3f4a5b';

describe('haven import', () => {
  test('the documented example imports cleanly, a re-run adds nothing, and a killed import resumes without duplicates', async () => {
    const dataDir = tempDir();
    const env = { HAVEN_DATA_DIR: dataDir };
    await withApprovedDpias(env);
    await haven(['orgs', 'create', 'field-office'], env);
    // The example's witnessed consent names a placeholder account: as docs/import.md says, put in a colleague's.
    const witness = await haven(
      [
        'users',
        'create',
        '--org',
        'field-office',
        '--email',
        'witness@example.org',
        '--role',
        'clerk',
        '--json',
        '--password-stdin',
      ],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    assert.equal(witness.code, 0, witness.stderr);
    const example = path.join(dataDir, 'people.jsonl');
    writeFileSync(
      example,
      readFileSync(new URL('../../docs/examples/people.jsonl', import.meta.url), 'utf8').replace(
        EXAMPLE_WITNESS,
        JSON.parse(witness.stdout).id,
      ),
    );
    const first = await haven(
      ['import', '--org', 'field-office', '--purpose', 'registration', '--file', example, '--json'],
      env,
    );
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.deepEqual(pick(JSON.parse(first.stdout)), {
      lines: 5,
      imported: 5,
      alreadyImported: 0,
      refused: 0,
    });
    const again = await haven(
      ['import', '--org', 'field-office', '--purpose', 'registration', '--file', example, '--json'],
      env,
    );
    assert.deepEqual(pick(JSON.parse(again.stdout)), {
      lines: 5,
      imported: 0,
      alreadyImported: 5,
      refused: 0,
    });

    // A long file, killed part-way, then run again: every person exactly once.
    const file = path.join(dataDir, 'many.jsonl');
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        ref: `row-${i}`,
        values: {
          'given-name': `Person ${i}`,
          sex: 'female',
          'estimated-age': 20 + (i % 50),
          nationality: ['SDN'],
        },
        basis: { kind: 'consent', noticeVersion: '2026-11', noticeLanguage: 'ar', method: 'written' },
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const child = spawn(
      process.execPath,
      [HAVEN_BIN, 'import', '--org', 'field-office', '--purpose', 'registration', '--file', file],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      },
    );
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr.on('data', (d) => {
        seen += d;
        if (/\((2|3|4)0%\)/.test(seen)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => resolve());
    });
    await new Promise((resolve) => child.once('close', resolve).once('exit', resolve));
    const resumed = await haven(
      ['import', '--org', 'field-office', '--purpose', 'registration', '--file', file, '--json'],
      env,
    );
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.refused, 0);
    assert.ok(summary.alreadyImported > 0, 'the killed run had imported some lines');
    assert.ok(summary.imported > 0, 'the re-run imported the rest');
    assert.equal(summary.imported + summary.alreadyImported, 300);
  });
});

function pick(summary: Record<string, unknown>) {
  return {
    lines: summary.lines,
    imported: summary.imported,
    alreadyImported: summary.alreadyImported,
    refused: summary.refused,
  };
}
