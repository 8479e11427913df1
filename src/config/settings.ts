/**
 * Every setting Haven reads, in one table: its environment variable, its type, its default and what it does.
 * The README's configuration reference is checked against this table by a test.
 */

export type SettingType =
  | { kind: 'string'; pattern?: RegExp; hint?: string }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'url'; protocols: readonly string[] };

export interface SettingSpec {
  env: `HAVEN_${string}`;
  type: SettingType;
  default?: string | number | boolean;
  /** Secret values are never echoed in errors or logs. */
  secret?: boolean;
  doc: string;
}

export const settings = {
  env: {
    env: 'HAVEN_ENV',
    type: { kind: 'enum', values: ['development', 'production'] },
    default: 'development',
    doc: 'production refuses an unprotected key file, insecure cookies and a public URL without https.',
  },
  host: {
    env: 'HAVEN_HOST',
    type: { kind: 'string', pattern: /^[0-9a-zA-Z.:-]+$/, hint: 'a host name or IP address' },
    default: '127.0.0.1',
    doc: 'Address the HTTP server listens on. Keep 127.0.0.1 behind a TLS-terminating proxy.',
  },
  port: {
    env: 'HAVEN_PORT',
    type: { kind: 'integer', min: 0, max: 65535 },
    default: 8080,
    doc: 'TCP port of the HTTP server (0 picks a free port).',
  },
  publicUrl: {
    env: 'HAVEN_PUBLIC_URL',
    type: { kind: 'url', protocols: ['http:', 'https:'] },
    doc: 'The URL staff type into the browser; sets the passkey relying party and secure cookies. Default http://localhost:PORT.',
  },
  dataDir: {
    env: 'HAVEN_DATA_DIR',
    type: { kind: 'string' },
    default: './haven-data',
    doc: 'Folder for the embedded database (when HAVEN_DATABASE_URL is unset) and the local key file.',
  },
  databaseUrl: {
    env: 'HAVEN_DATABASE_URL',
    type: { kind: 'url', protocols: ['postgres:', 'postgresql:'] },
    secret: true,
    doc: 'PostgreSQL server to use instead of the embedded database, e.g. postgres://haven@db.internal/haven.',
  },
  keyVaultUrl: {
    env: 'HAVEN_KEYVAULT_URL',
    type: { kind: 'url', protocols: ['postgres:', 'postgresql:'] },
    secret: true,
    doc: 'PostgreSQL database for the key vault (the wrapped per-person data keys). Required with HAVEN_DATABASE_URL and must be a different database, backed up on its own short cycle: erasing a person deletes their key here, so older database backups cannot be read (ENC-4). Embedded default: HAVEN_DATA_DIR/keyvault.',
  },
  databaseMaxConnections: {
    env: 'HAVEN_DATABASE_MAX_CONNECTIONS',
    type: { kind: 'integer', min: 1, max: 500 },
    doc: 'Connection pool size per Haven process and database (PostgreSQL server only). Default: 8 per CPU core, at least 4 and at most 64 (B2 peaked there on 2 cores; writes are batched and hardly depend on it).',
  },
  keyFile: {
    env: 'HAVEN_KEY_FILE',
    type: { kind: 'string' },
    doc: 'Path of the local key file. Default: HAVEN_DATA_DIR/keyring.json.',
  },
  keyPassphrase: {
    env: 'HAVEN_KEY_PASSPHRASE',
    type: { kind: 'string', pattern: /^.{16,}$/s, hint: 'at least 16 characters' },
    secret: true,
    doc: 'Passphrase that protects the local key file (scrypt). Required in production unless HAVEN_KEY_ENCRYPTION_KEY or an HSM is used.',
  },
  keyEncryptionKey: {
    env: 'HAVEN_KEY_ENCRYPTION_KEY',
    type: { kind: 'string', pattern: /^[A-Za-z0-9+/]{43}=$/, hint: '32 bytes in base64' },
    secret: true,
    doc: 'For automation: a 32-byte key (base64) from a secret manager that protects the local key file instead of a passphrase.',
  },
  pkcs11Library: {
    env: 'HAVEN_PKCS11_LIBRARY',
    type: { kind: 'string' },
    doc: 'Path of a PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). When set, the key-encryption keys are made and kept in that HSM and never leave it.',
  },
  pkcs11Token: {
    env: 'HAVEN_PKCS11_TOKEN',
    type: { kind: 'string' },
    default: 'haven',
    doc: 'Label of the initialised HSM token that holds Haven’s keys.',
  },
  pkcs11Pin: {
    env: 'HAVEN_PKCS11_PIN',
    type: { kind: 'string' },
    secret: true,
    doc: 'User PIN of the HSM token.',
  },
  writeBatchMax: {
    env: 'HAVEN_WRITE_BATCH_MAX',
    type: { kind: 'integer', min: 1, max: 10_000 },
    default: 64,
    doc: 'Most registrations written together in one statement and one commit (group commit, B1).',
  },
  writeBatchWaitMs: {
    env: 'HAVEN_WRITE_BATCH_WAIT_MS',
    type: { kind: 'integer', min: 0, max: 1_000 },
    default: 2,
    doc: 'How long a registration waits for others to share its commit, in milliseconds (0: only those already waiting).',
  },
  writeBatchConcurrency: {
    env: 'HAVEN_WRITE_BATCH_CONCURRENCY',
    type: { kind: 'integer', min: 1, max: 64 },
    default: 2,
    doc: 'Batches of registrations in flight at once per Haven process; the next batch gathers meanwhile.',
  },
  jobWorkers: {
    env: 'HAVEN_JOB_WORKERS',
    type: { kind: 'integer', min: 0, max: 64 },
    default: 4,
    doc: 'Background jobs this server runs at once per kind of job (deliveries, sweeps; docs/jobs.md). 0: this server only adds jobs and leaves them to the other servers on the same database.',
  },
  noticeAckHours: {
    env: 'HAVEN_NOTICE_ACK_HOURS',
    type: { kind: 'integer', min: 1, max: 8_760 },
    default: 72,
    doc: 'Hours a partner has to acknowledge a push (a withdrawal, correction or erasure it must act on). Past them the notice is on the DPO’s work list and nothing new is released to that partner until it is acknowledged or settled (docs/partners.md). Applies to notices made from then on.',
  },
  backupDir: {
    env: 'HAVEN_BACKUP_DIR',
    type: { kind: 'string' },
    doc: 'Folder for encrypted backups (RES-1; docs/operations.md). Default: HAVEN_DATA_DIR/backups; in production a disk or mount of its own, copied off the machine.',
  },
  backupRecipient: {
    env: 'HAVEN_BACKUP_RECIPIENT',
    type: {
      kind: 'string',
      pattern: /^age1[02-9ac-hj-np-z]{58}$/,
      hint: 'an age1… recipient from `haven backup keygen`',
    },
    doc: 'The age recipient (public key) backups are encrypted to. Its identity (private key) is kept off the server: restore, verify and the drill take it from a file or standard input.',
  },
  backupSchedule: {
    env: 'HAVEN_BACKUP_SCHEDULE',
    type: { kind: 'string', pattern: /^(?:off|\S+ \S+ \S+ \S+ \S+)$/, hint: 'off or a cron line (UTC)' },
    default: '17 2 * * *',
    doc: 'When the servers take a backup through the job queue (cron, UTC); only with HAVEN_BACKUP_RECIPIENT set. off: only `haven backup create`.',
  },
  retentionSchedule: {
    env: 'HAVEN_RETENTION_SCHEDULE',
    type: { kind: 'string', pattern: /^(?:off|\S+ \S+ \S+ \S+ \S+)$/, hint: 'off or a cron line (UTC)' },
    default: '41 1 * * *',
    doc: 'When the retention sweep erases what is due (RET-2), through the job queue (cron, UTC). off: only the DPO’s button and `haven retention sweep`.',
  },
  reviewDays: {
    env: 'HAVEN_REVIEW_DAYS',
    type: { kind: 'integer', min: 7, max: 366 },
    default: 90,
    doc: 'Days from granting (or the last approval) to a grant’s review date (ACC-7): role, tier, caseload, agreement access, break-glass eligibility. Unreviewed by then, it lapses.',
  },
  dormantDays: {
    env: 'HAVEN_DORMANT_DAYS',
    type: { kind: 'integer', min: 7, max: 3650 },
    default: 45,
    doc: 'A staff account unused (no sign-in, no action in the ledger) for this many days is disabled as dormant (ACC-7); re-enabling it needs a review.',
  },
  reviewSchedule: {
    env: 'HAVEN_REVIEW_SCHEDULE',
    type: { kind: 'string', pattern: /^(?:off|\S+ \S+ \S+ \S+ \S+)$/, hint: 'off or a cron line (UTC)' },
    default: '23 1 * * *',
    doc: 'When grants past their review date lapse and dormant accounts are disabled (ACC-7), through the job queue (cron, UTC). off: only `haven reviews lapse` and `haven reviews dormant`.',
  },
  monitoringSchedule: {
    env: 'HAVEN_MONITORING_SCHEDULE',
    type: { kind: 'string', pattern: /^(?:off|\S+ \S+ \S+ \S+ \S+)$/, hint: 'off or a cron line (UTC)' },
    default: '7 0 * * *',
    doc: 'When each staff member’s anomaly baseline (hourly volume, usual hours) is recomputed from the last 28 days (AUD-6), through the job queue (cron, UTC). off: only `haven monitoring baselines`.',
  },

  backupKeepDays: {
    env: 'HAVEN_BACKUP_KEEP_DAYS',
    type: { kind: 'integer', min: 1, max: 3650 },
    default: 35,
    doc: 'Main-database backups older than this are deleted at each backup (the newest always stays).',
  },
  backupVaultKeepDays: {
    env: 'HAVEN_BACKUP_VAULT_KEEP_DAYS',
    type: { kind: 'integer', min: 1, max: 30 },
    default: 7,
    doc: 'Key-vault backups older than this are deleted at each backup, without exception: their age bounds how long a restore without the live ledger could bring back an erased person’s key (ENC-4).',
  },
  dekCacheSize: {
    env: 'HAVEN_DEK_CACHE_SIZE',
    type: { kind: 'integer', min: 0, max: 10_000_000 },
    default: 10_000,
    doc: 'Most unwrapped per-person data keys kept in memory (0 turns the cache off).',
  },
  dekCacheSeconds: {
    env: 'HAVEN_DEK_CACHE_SECONDS',
    type: { kind: 'integer', min: 1, max: 86_400 },
    default: 300,
    doc: 'Longest time an unwrapped data key stays in memory.',
  },
  dictionaryFile: {
    env: 'HAVEN_DICTIONARY_FILE',
    type: { kind: 'string' },
    doc: 'The data dictionary (YAML or JSON): fields, field groups, purposes and their data sets (MIN-1, MIN-2). Default: the shipped dictionaries/refugee-registration.yaml.',
  },
  noticesDir: {
    env: 'HAVEN_NOTICES_DIR',
    type: { kind: 'string' },
    doc: 'Folder of privacy notices: languages.yaml and PURPOSE/VERSION.yaml for each purpose of the dictionary (LNG-1). Default: the shipped dictionaries/notices.',
  },
  ledgerOrigin: {
    env: 'HAVEN_LEDGER_ORIGIN',
    type: {
      kind: 'string',
      pattern: /^[A-Za-z0-9.:/_-]{3,200}$/,
      hint: 'a name like haven.example.org/ledger',
    },
    doc: 'The audit ledger’s origin line in its checkpoints, fixed for the life of the log. Default: HOST/haven-ledger from the public URL.',
  },
  checkpointIntervalSeconds: {
    env: 'HAVEN_CHECKPOINT_INTERVAL_SECONDS',
    type: { kind: 'integer', min: 1, max: 86_400 },
    default: 60,
    doc: 'How often Haven signs a new ledger checkpoint when the ledger has grown (AUD-3).',
  },
  checkpointPublish: {
    env: 'HAVEN_CHECKPOINT_PUBLISH',
    type: {
      kind: 'string',
      pattern: /^(?:off|https?:\/\/[^\s/]+\S*|(?![a-z][a-z0-9+.-]*:\/\/)\S[^\n]*)$/,
      hint: 'off, an http(s) URL or a folder',
    },
    doc: 'Where each signed checkpoint goes, with its consistency proof, so a rewritten log is caught without trusting the host (AUD-4): a folder (one file per checkpoint, never rewritten), an http(s) URL to POST it to, or off (refused in production). Default: HAVEN_DATA_DIR/checkpoints; in production point it off-host.',
  },
  logLevel: {
    env: 'HAVEN_LOG_LEVEL',
    type: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    doc: 'Lowest level written to the JSON log on standard output.',
  },
  trustProxy: {
    env: 'HAVEN_TRUST_PROXY',
    type: { kind: 'boolean' },
    default: false,
    doc: 'Trust X-Forwarded-* headers from the reverse proxy (needed for per-address throttling behind one).',
  },
  bodyLimitBytes: {
    env: 'HAVEN_BODY_LIMIT_BYTES',
    type: { kind: 'integer', min: 1024, max: 100 * 1024 * 1024 },
    default: 1024 * 1024,
    doc: 'Largest request body accepted, in bytes.',
  },
  rateLimitPerMinute: {
    env: 'HAVEN_RATE_LIMIT_PER_MINUTE',
    type: { kind: 'integer', min: 10, max: 1_000_000 },
    default: 6000,
    doc: 'Requests per minute per client address across the API (sign-in has its own, stricter limits).',
  },
  signInRateLimitPerMinute: {
    env: 'HAVEN_SIGN_IN_RATE_LIMIT_PER_MINUTE',
    type: { kind: 'integer', min: 1, max: 100_000 },
    default: 20,
    doc: 'Sign-in, second-factor and set-up requests per minute per client address (ACC-5).',
  },
  sessionIdleMinutes: {
    env: 'HAVEN_SESSION_IDLE_MINUTES',
    type: { kind: 'integer', min: 1, max: 24 * 60 },
    default: 30,
    doc: 'A session unused for this long ends (ACC-4).',
  },
  sessionAbsoluteHours: {
    env: 'HAVEN_SESSION_ABSOLUTE_HOURS',
    type: { kind: 'integer', min: 1, max: 72 },
    default: 12,
    doc: 'A session ends this long after sign-in, however active (ACC-4).',
  },
  sessionCacheSeconds: {
    env: 'HAVEN_SESSION_CACHE_SECONDS',
    type: { kind: 'integer', min: 0, max: 60 },
    default: 5,
    doc: 'How long a verified session is remembered in memory (0: look it up on every request). Sign-out, disabling and role changes reach every server at once through NOTIFY.',
  },
  reauthMinutes: {
    env: 'HAVEN_REAUTH_MINUTES',
    type: { kind: 'integer', min: 1, max: 60 },
    default: 5,
    doc: 'How long a re-authentication covers sensitive actions.',
  },
  lockoutThreshold: {
    env: 'HAVEN_LOCKOUT_THRESHOLD',
    type: { kind: 'integer', min: 3, max: 100 },
    default: 20,
    doc: 'Consecutive failed sign-in attempts after which an account is locked until an admin unlocks it (ACC-5: at most 100).',
  },
  addressFailureLimit: {
    env: 'HAVEN_ADDRESS_FAILURE_LIMIT',
    type: { kind: 'integer', min: 5, max: 10_000 },
    default: 100,
    doc: 'Failed sign-in attempts per client address per 15 minutes before that address is refused (ACC-5).',
  },
  auditRefusalWindowSeconds: {
    env: 'HAVEN_AUDIT_REFUSAL_WINDOW_SECONDS',
    type: { kind: 'integer', min: 1, max: 3600 },
    default: 60,
    doc: 'Repeats of one sign-in or request refusal (same reason, same account or address) within this window are written to the ledger as one event with a count (AUD-1).',
  },
  setupCodeMinutes: {
    env: 'HAVEN_SETUP_CODE_MINUTES',
    type: { kind: 'integer', min: 5, max: 7 * 24 * 60 },
    default: 24 * 60,
    doc: 'How long the one-time first-admin setup code printed at first start stays valid.',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof settings;
