-- The answer to an access request (RIG-3): composed by the request's assignee, reviewed by a second staff member
-- who may redact what would endanger someone else (GDPR 15(4)), then released. The package holds the person's
-- values, so it is sealed under their data key: erasing the person erases their answers too.
create table access_answer (
  request_id uuid primary key references rights_request (id) on delete cascade,
  person_id uuid not null references person (id) on delete cascade,
  sealed_package bytea not null,
  composed_by uuid not null references staff_account (id),
  composed_at timestamptz not null default now(),
  -- Redactions (path and reason, never the redacted value) sealed like the package: a reason may describe someone.
  sealed_redactions bytea,
  redaction_count integer not null default 0 check (redaction_count >= 0),
  reviewed_by uuid references staff_account (id),
  reviewed_at timestamptz,
  -- SHA-256 of the released package (canonical JSON), also in the ledger: the answer given can be proven later.
  released_hash bytea check (released_hash is null or length(released_hash) = 32),
  released_at timestamptz,
  -- ACC-6: the reviewer is never the one who composed it.
  check (reviewed_by is null or reviewed_by <> composed_by),
  check ((reviewed_at is null) = (reviewed_by is null)),
  check (released_at is null or reviewed_at is not null),
  check ((released_at is null) = (released_hash is null))
);
create index access_answer_person on access_answer (person_id);

-- The person's card (RIG-1, issue 16): a random code printed on the registration card, and a PIN the person chose.
-- Only a keyed hash of the code is kept (looked up by it) and an Argon2id hash of the PIN. Repeated failures lock
-- the card until a check in person; a re-issued card replaces the old one, whose code is then dead.
create table person_card (
  person_id uuid primary key references person (id) on delete cascade,
  code_hash bytea not null unique check (length(code_hash) = 32),
  pin_hash text not null,
  failures integer not null default 0 check (failures >= 0),
  last_failed_at timestamptz,
  locked_at timestamptz,
  issued_by uuid references staff_account (id),
  issued_at timestamptz not null default now(),
  -- How often the card was issued again: a recent re-issue weakens what the portal counts as identity.
  reissues integer not null default 0 check (reissues >= 0)
);

-- Portal sessions of a person (never a staff session): SHA-256 of the cookie token, short-lived.
create table person_session (
  token_hash bytea primary key check (length(token_hash) = 32),
  person_id uuid not null references person (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index person_session_person on person_session (person_id);
