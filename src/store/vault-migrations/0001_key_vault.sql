-- The key vault (ENC-1, ENC-4): per-person data keys, wrapped, kept in a database of their own, apart from the
-- data they protect. Erasing a person deletes their row here; a backup of the main database taken earlier then
-- holds ciphertext that no remaining key opens. See docs/decisions/0005-key-vault.md.

-- Vault keys wrap the data keys; each is itself wrapped by a key-encryption key of the key ring (file or HSM),
-- so the HSM is called once per vault key, not once per person (B5).
create table vault_key (
  version integer primary key check (version > 0),
  kek_version integer not null,
  wrapped bytea not null,
  created_at timestamptz not null default now()
);

create table person_key (
  person_id uuid primary key,
  vault_key_version integer not null references vault_key (version),
  wrapped bytea not null,
  created_at timestamptz not null default now()
);
create index person_key_vault_key on person_key (vault_key_version);
