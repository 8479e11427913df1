import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { settings } from '../../src/config/settings.ts';
import { tempDir } from '../support/haven.ts';

function configError(env: Record<string, string>, cwd = tempDir()): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a configuration error');
}

describe('configuration', () => {
  test('defaults give a local Haven on 127.0.0.1:8080 with data in ./haven-data', () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, path.join(cwd, 'haven-data'));
    assert.equal(config.keyFilePath, path.join(cwd, 'haven-data', 'keyring.json'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.sessionIdleMinutes, 30);
    assert.equal(config.sessionAbsoluteHours, 12);
    assert.equal(config.secureCookies, false);
  });

  test('environment variables override a config file, which overrides defaults', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'haven.yaml'), 'HAVEN_PORT: 9000\nHAVEN_LOG_LEVEL: warn\n');
    const fromFile = loadConfig({ HAVEN_CONFIG_FILE: 'haven.yaml' }, cwd);
    assert.equal(fromFile.port, 9000);
    assert.equal(fromFile.logLevel, 'warn');
    const overridden = loadConfig({ HAVEN_CONFIG_FILE: 'haven.yaml', HAVEN_PORT: '9100' }, cwd);
    assert.equal(overridden.port, 9100);
  });

  test('a bad value is named with the setting and the rule it breaks', () => {
    assert.equal(
      configError({ HAVEN_PORT: 'eighty' }).message,
      'HAVEN_PORT: must be a whole number from 0 to 65535 (got "eighty")',
    );
    assert.match(
      configError({ HAVEN_DATABASE_URL: 'mysql://x' }).message,
      /^HAVEN_DATABASE_URL: must be a URL starting with postgres/,
    );
    assert.match(
      configError({ HAVEN_LOCKOUT_THRESHOLD: '500' }).message,
      /^HAVEN_LOCKOUT_THRESHOLD: must be a whole number from 3 to 100/,
    );
    assert.match(
      configError({ HAVEN_TRUST_PROXY: 'maybe' }).message,
      /^HAVEN_TRUST_PROXY: must be true or false/,
    );
  });

  test('secret settings are never echoed in errors', () => {
    const error = configError({ HAVEN_KEY_PASSPHRASE: 'short-secret' });
    assert.equal(error.setting, 'HAVEN_KEY_PASSPHRASE');
    assert.ok(!error.message.includes('short-secret'));
    const url = configError({ HAVEN_DATABASE_URL: 'ftp://user:hunter2@db' });
    assert.ok(!url.message.includes('hunter2'));
  });

  test('a misspelt HAVEN_ variable is an error, not silently ignored', () => {
    assert.match(configError({ HAVEN_PROT: '8080' }).message, /^HAVEN_PROT: unknown setting/);
  });

  test('a missing or invalid config file is named', () => {
    assert.match(
      configError({ HAVEN_CONFIG_FILE: 'nope.yaml' }).message,
      /^HAVEN_CONFIG_FILE: file not found/,
    );
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'bad.json'), '{"HAVEN_PORT": ');
    assert.match(
      configError({ HAVEN_CONFIG_FILE: 'bad.json' }, cwd).message,
      /^HAVEN_CONFIG_FILE: .*not valid JSON/,
    );
    writeFileSync(path.join(cwd, 'unknown.yaml'), 'HAVEN_COLOUR: blue\n');
    assert.match(
      configError({ HAVEN_CONFIG_FILE: 'unknown.yaml' }, cwd).message,
      /^HAVEN_COLOUR: unknown setting/,
    );
  });

  test('production refuses an unprotected key file and plain-http cookies', () => {
    assert.match(configError({ HAVEN_ENV: 'production' }).message, /^HAVEN_PUBLIC_URL: must be an https/);
    assert.match(
      configError({ HAVEN_ENV: 'production', HAVEN_PUBLIC_URL: 'https://haven.example.org' }).message,
      /^HAVEN_KEY_PASSPHRASE: production needs a protected key ring/,
    );
    const ok = loadConfig(
      {
        HAVEN_ENV: 'production',
        HAVEN_PUBLIC_URL: 'https://haven.example.org',
        HAVEN_KEY_PASSPHRASE: 'a long passphrase for tests',
      },
      tempDir(),
    );
    assert.equal(ok.secureCookies, true);
    assert.deepEqual(ok.allowedOrigins, ['https://haven.example.org']);
  });

  test('production refuses to keep checkpoints only on the host (AUD-4); a URL or a folder is accepted', () => {
    const production = {
      HAVEN_ENV: 'production',
      HAVEN_PUBLIC_URL: 'https://haven.example.org',
      HAVEN_KEY_PASSPHRASE: 'a long passphrase for tests',
    };
    assert.match(
      configError({ ...production, HAVEN_CHECKPOINT_PUBLISH: 'off' }).message,
      /^HAVEN_CHECKPOINT_PUBLISH: production publishes checkpoints outside the instance/,
    );
    assert.equal(loadConfig({ HAVEN_CHECKPOINT_PUBLISH: 'off' }, tempDir()).checkpointPublish, 'off');
    for (const value of ['https://audit.example.org/checkpoints', '/mnt/auditor/haven']) {
      assert.equal(
        loadConfig({ ...production, HAVEN_CHECKPOINT_PUBLISH: value }, tempDir()).checkpointPublish,
        value,
      );
    }
    assert.match(
      configError({ HAVEN_CHECKPOINT_PUBLISH: 'ftp://audit.example.org/x' }).message,
      /^HAVEN_CHECKPOINT_PUBLISH: must be off, an http\(s\) URL or a folder/,
    );
  });

  test('the README documents every setting', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const spec of Object.values(settings))
      assert.ok(readme.includes(spec.env), `README.md lacks ${spec.env}`);
  });
});
