-- The people a breach affected, computed from the ledger (BRE-3), and the notices they were sent (BRE-2, GDPR 34).
-- See docs/incidents.md ("Affected people") and docs/decisions/0017-affected-people-from-the-ledger.md.
--
-- Protected tables: which people an incident touched links each of them to a breach — personal data about them.
-- Only the gate reads or writes them. No value is kept: ids, categories, codes, counts and times.

-- One computation per incident (recomputing replaces it until notices are issued): the source and window it was
-- computed for, the ledger range it read, the counts the incident page shows.
create table incident_affected (
  incident_id uuid primary key references incident (id),
  organisation_id uuid not null references organisation (id),
  source_kind text not null check (source_kind in ('account', 'partner', 'partner-credential')),
  source_id uuid not null,
  source_key text check (source_key ~ '^[A-Za-z0-9._:~-]{1,128}$'),
  window_from timestamptz not null,
  window_to timestamptz not null,
  -- The ledger as read: its last event then (the head), and the first and last event counted (null when none).
  ledger_head bigint not null check (ledger_head >= 0),
  first_seq bigint,
  last_seq bigint,
  people integer not null check (people >= 0),
  events integer not null check (events >= 0),
  -- Refused attempts of exposing actions in the window: shown, never counted as exposure.
  denied integer not null check (denied >= 0),
  -- 'partner-wide' for one partner key: the ledger names the partner, not the key (decision 0017).
  attribution text not null check (attribution in ('exact', 'partner-wide')),

  -- {category: people} and {exposure kind: people}.
  by_category jsonb not null check (jsonb_typeof(by_category) = 'object'),
  by_exposure jsonb not null check (jsonb_typeof(by_exposure) = 'object'),
  -- SHA-256 of the computation's canonical form (the ledger event holds it, not the ids).
  digest bytea not null check (octet_length(digest) = 32),
  computed_at timestamptz not null,
  computed_by uuid not null references staff_account (id),
  check (window_to > window_from),
  check ((first_seq is null) = (people = 0) and (last_seq is null) = (people = 0))
);

-- Who, what was exposed to them and how, in how many ledger events.
create table incident_affected_person (
  incident_id uuid not null references incident_affected (incident_id) on delete cascade,
  person_id uuid not null references person (id) on delete cascade,
  categories text[] not null,
  exposures text[] not null check (cardinality(exposures) >= 1),
  events integer not null check (events >= 1),
  primary key (incident_id, person_id)
);

-- One notice per affected person (GDPR 34): in their language, by portal or letter. For a drill, a draft: never
-- shown in the portal, and its letters say so.
create table breach_notice (
  id uuid primary key,
  incident_id uuid not null references incident_affected (incident_id),
  person_id uuid not null references person (id) on delete cascade,
  language text not null check (language in ('en', 'fr', 'es', 'uk', 'ar', 'prs')),
  channel text not null check (channel in ('portal', 'letter')),
  categories text[] not null,
  drill boolean not null,
  issued_at timestamptz not null,
  issued_by uuid not null references staff_account (id),
  -- When the person first opened it in the portal; when staff last printed its letter.
  read_at timestamptz,
  printed_at timestamptz,
  unique (incident_id, person_id),
  check (not drill or read_at is null)
);
create index breach_notice_person on breach_notice (person_id, issued_at desc) where not drill;

-- Reading the ledger by time (a partner's events are not indexed by actor): the window bounds the scan.
create index if not exists audit_event_recorded_at on audit_event (recorded_at);
