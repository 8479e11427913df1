import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type SettingName, type SettingSpec, type SettingType, settings } from './settings.ts';

type ValueOf<T extends SettingType> = T extends { kind: 'integer' }
  ? number
  : T extends { kind: 'boolean' }
    ? boolean
    : T extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

type Settings = typeof settings;
export type Config = {
  [K in SettingName]: Settings[K] extends { default: unknown }
    ? ValueOf<Settings[K]['type']>
    : ValueOf<Settings[K]['type']> | undefined;
} & {
  /** HAVEN_DATABASE_MAX_CONNECTIONS, or the default for this machine's cores. */
  databaseMaxConnections: number;
  /** Derived: where the key file lives. */
  keyFilePath: string;
  /** Derived: public URL without a trailing slash. */
  origin: string;
  /** Derived: origins a browser may send requests from (the public URL; on a local machine, its loopback names). */
  allowedOrigins: string[];
  /** Derived: whether cookies carry the Secure flag. */
  secureCookies: boolean;
  /** Derived: the ledger's origin (HAVEN_LEDGER_ORIGIN or HOST/haven-ledger). */
  ledgerName: string;
};

/** A setting that is missing or wrong; the message is one line that names it. */
export class ConfigError extends Error {
  readonly code = 'config-invalid';
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`${setting}: ${problem}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

export const CONFIG_FILE_ENV = 'HAVEN_CONFIG_FILE';

function describe(type: SettingType): string {
  switch (type.kind) {
    case 'integer':
      return `must be a whole number from ${type.min} to ${type.max}`;
    case 'boolean':
      return 'must be true or false';
    case 'enum':
      return `must be one of ${type.values.join(', ')}`;
    case 'url':
      return `must be a URL starting with ${type.protocols.map((p) => `${p}//`).join(' or ')}`;
    case 'string':
      return `must be ${type.hint ?? 'a non-empty string'}`;
  }
}

function parseValue(spec: SettingSpec, raw: unknown): string | number | boolean {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const shown = spec.secret ? '' : ` (got ${JSON.stringify(raw)})`;
  const fail = (): never => {
    throw new ConfigError(spec.env, `${describe(spec.type)}${shown}`);
  };
  const type = spec.type;
  switch (type.kind) {
    case 'integer': {
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^-?\d+$/.test(text)
            ? Number(text)
            : NaN;
      if (!Number.isSafeInteger(n) || n < type.min || n > type.max) fail();
      return n;
    }
    case 'boolean': {
      if (text === true || text === 'true' || text === '1') return true;
      if (text === false || text === 'false' || text === '0') return false;
      return fail();
    }
    case 'enum': {
      if (typeof text !== 'string' || !type.values.includes(text)) fail();
      return text as string;
    }
    case 'url': {
      if (typeof text !== 'string') return fail();
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return fail();
      }
      if (!type.protocols.includes(url.protocol)) fail();
      return text;
    }
    case 'string': {
      if (typeof text !== 'string' || text === '') return fail();
      if (type.pattern && !type.pattern.test(text)) fail();
      return text;
    }
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    throw new ConfigError(CONFIG_FILE_ENV, `${reason}: ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      CONFIG_FILE_ENV,
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(CONFIG_FILE_ENV, `${file} must hold a mapping of HAVEN_* settings`);
  }
  const known = new Set<string>(Object.values(settings).map((s) => s.env));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(key, `unknown setting in ${file}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads settings from the environment, over an optional file named by HAVEN_CONFIG_FILE (YAML or JSON with the
 * same HAVEN_* names), over the defaults. Throws ConfigError for the first bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fileName = env[CONFIG_FILE_ENV];
  const fromFile = fileName ? readConfigFile(path.resolve(cwd, fileName)) : {};
  const known = new Set<string>([...Object.values(settings).map((s) => s.env), CONFIG_FILE_ENV]);
  for (const key of Object.keys(env)) {
    // A misspelt variable silently ignored is a setting that never took effect.
    if (key.startsWith('HAVEN_') && !known.has(key) && !key.startsWith('HAVEN_TEST_')) {
      throw new ConfigError(key, 'unknown setting (see the configuration reference in README.md)');
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settings) as [SettingName, SettingSpec][]) {
    const raw = env[spec.env] !== undefined && env[spec.env] !== '' ? env[spec.env] : fromFile[spec.env];
    values[name] = raw === undefined ? spec.default : parseValue(spec, raw);
  }
  const config = values as Config;
  config.databaseMaxConnections ??= defaultPoolSize();
  config.dataDir = path.resolve(cwd, config.dataDir);
  config.keyFilePath = path.resolve(config.dataDir, config.keyFile ?? 'keyring.json');
  config.origin = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  config.allowedOrigins = config.publicUrl
    ? [new URL(config.origin).origin]
    : [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`, `http://[::1]:${config.port}`];
  config.secureCookies = config.origin.startsWith('https:');
  config.ledgerName = config.ledgerOrigin ?? `${new URL(config.origin).host}/haven-ledger`;
  checkCombinations(config);
  return config;
}

/** Connections per pool: 8 per core, 4 to 64 (measured on B2: 16 beat 4, 8 and 32 on 2 cores). */
export function defaultPoolSize(cores = availableParallelism()): number {
  return Math.min(64, Math.max(4, 8 * cores));
}

function checkCombinations(config: Config): void {
  if ([config.keyPassphrase, config.keyEncryptionKey, config.pkcs11Library].filter(Boolean).length > 1) {
    throw new ConfigError(
      'HAVEN_KEY_ENCRYPTION_KEY',
      'protect the key file one way: HAVEN_KEY_PASSPHRASE, HAVEN_KEY_ENCRYPTION_KEY or HAVEN_PKCS11_LIBRARY',
    );
  }
  if (config.pkcs11Library && !config.pkcs11Pin) {
    throw new ConfigError('HAVEN_PKCS11_PIN', 'required when HAVEN_PKCS11_LIBRARY is set');
  }
  if (config.databaseUrl && !config.keyVaultUrl) {
    throw new ConfigError(
      'HAVEN_KEYVAULT_URL',
      'required with HAVEN_DATABASE_URL: the per-person data keys live in a separate database so database backups alone cannot be decrypted',
    );
  }
  if (config.keyVaultUrl && config.keyVaultUrl === config.databaseUrl) {
    throw new ConfigError('HAVEN_KEYVAULT_URL', 'must name a different database than HAVEN_DATABASE_URL');
  }
  if (config.env === 'production') {
    if (!config.secureCookies) {
      throw new ConfigError('HAVEN_PUBLIC_URL', 'must be an https:// URL when HAVEN_ENV=production');
    }
    if (config.checkpointPublish === 'off') {
      throw new ConfigError(
        'HAVEN_CHECKPOINT_PUBLISH',
        'production publishes checkpoints outside the instance (AUD-4): give a folder or a URL',
      );
    }
    if (!config.keyPassphrase && !config.keyEncryptionKey && !config.pkcs11Library) {
      throw new ConfigError(
        'HAVEN_KEY_PASSPHRASE',
        'production needs a protected key ring: set HAVEN_KEY_PASSPHRASE, HAVEN_KEY_ENCRYPTION_KEY or HAVEN_PKCS11_LIBRARY',
      );
    }
  }
}
