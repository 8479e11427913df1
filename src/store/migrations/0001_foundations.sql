-- Foundations: organisations, staff accounts and their second factors, sessions, sign-in throttling,
-- the first-admin setup code, and the audit events that the ledger builds on. See SCHEMA.md.

create table organisation (
  id uuid primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (char_length(name) between 1 and 200),
  created_at timestamptz not null default now()
);

create table staff_account (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  email text not null unique check (email = lower(email) and char_length(email) <= 254),
  role text not null check (role in ('clerk', 'caseworker', 'supervisor', 'dpo', 'auditor', 'admin')),
  tier smallint not null default 1 check (tier between 1 and 4),
  status text not null default 'active' check (status in ('active', 'disabled')),
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  last_failed_at timestamptz,
  locked_at timestamptz,
  -- TOTP secrets are sealed with the key ring's account key (AES-256-GCM, AAD = account id).
  totp_secret bytea,
  totp_pending_secret bytea,
  -- The last accepted TOTP time step: a code is accepted once (ACC-3, no replay).
  totp_last_step bigint,
  -- An account made without a second factor gets a one-time enrolment code (keyed hash here), needed with the
  -- password at first sign-in, so a leaked initial password alone cannot enrol an attacker's authenticator.
  enrolment_code_hash bytea,
  enrolment_expires_at timestamptz,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz
);
create index staff_account_organisation on staff_account (organisation_id);

create table recovery_code (
  account_id uuid not null references staff_account (id) on delete cascade,
  -- HMAC-SHA-256 under the key ring's account key: a stolen table does not allow offline guessing.
  code_hash bytea not null,
  used_at timestamptz,
  primary key (account_id, code_hash)
);

create table passkey (
  credential_id text primary key,
  account_id uuid not null references staff_account (id) on delete cascade,
  public_key bytea not null,
  sign_count bigint not null default 0,
  transports text[] not null default '{}',
  label text not null default 'passkey' check (char_length(label) <= 100),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index passkey_account on passkey (account_id);

create table staff_session (
  -- SHA-256 of the cookie token: the table alone does not let anyone take over a session.
  token_hash bytea primary key,
  account_id uuid not null references staff_account (id) on delete cascade,
  csrf_token text not null,
  -- 1: password only (may only complete the second factor); 2: + TOTP or recovery code; 3: + passkey.
  assurance smallint not null check (assurance in (1, 2, 3)),
  factor text check (factor in ('totp', 'recovery-code', 'passkey')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  reauthenticated_at timestamptz,
  -- A pending WebAuthn challenge for this session (registration or sign-in).
  webauthn_challenge text
);
create index staff_session_account on staff_session (account_id);

create table sign_in_throttle (
  -- Keyed HMAC of the client address, so the table is not a list of who connected from where.
  address_key bytea primary key,
  failures integer not null,
  window_started_at timestamptz not null
);

create table setup_code (
  id smallint primary key default 1 check (id = 1),
  code_hash bytea not null,
  expires_at timestamptz not null,
  used_at timestamptz
);

-- Audit events (AUD-1) as canonical JSON bytes; the ledger migration turns them into Merkle tree leaves.
create table audit_event (
  seq bigserial primary key,
  body bytea not null,
  recorded_at timestamptz not null default now()
);
