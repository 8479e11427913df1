-- Protected person records (ENC-1, ENC-3, ENC-4). Personal values exist here only as ciphertext (one per field
-- group, under the person's data key from the key vault) and as blind-index tokens. See SCHEMA.md.

create table person (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  status text not null default 'active' check (status in ('active', 'erasing', 'erased')),
  -- Record version: part of every field group's associated data; grows with each change.
  version integer not null default 1 check (version > 0),
  dictionary text not null,
  dictionary_version integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  erased_at timestamptz,
  check ((status = 'erased') = (erased_at is not null))
);
create index person_organisation on person (organisation_id, created_at);

create table person_group (
  person_id uuid not null references person (id) on delete cascade,
  field_group text not null check (field_group ~ '^[a-z][a-z0-9-]{0,62}$'),
  -- The record version this group was encrypted at (its associated data names it).
  version integer not null check (version > 0),
  ciphertext bytea not null,
  primary key (person_id, field_group)
);

-- Blind-index tokens: truncated HMACs of normalised values under keys that are per organisation and per field,
-- so a token identifies its field and organisation by itself. Lookups are by token. Tokens are kept per field
-- group, so changing one group replaces its tokens without decrypting the others.
create table person_token (
  token bytea not null check (octet_length(token) = 16),
  person_id uuid not null references person (id) on delete cascade,
  field_group text not null,
  primary key (token, person_id, field_group)
);
create index person_token_person on person_token (person_id, field_group);
