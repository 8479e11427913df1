-- The retention sweep (RET-2) and the restore drill's results (RES-1). See docs/retention.md.

-- One row per sweep: when, for which day the rules were applied, how it ended. Counts only, no person.
create table retention_sweep (
  id uuid primary key,
  on_day date not null,
  trigger text not null check (trigger in ('schedule', 'staff', 'command')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  state text not null default 'running' check (state in ('running', 'done', 'failed')),
  persons_erased integer not null default 0 check (persons_erased >= 0),
  groups_erased integer not null default 0 check (groups_erased >= 0),
  -- Items that were due but kept by a legal hold or a restriction (RET-1: the hold wins), in all and per
  -- organisation ({"<organisation id>": n}): each organisation sees its own.
  held integer not null default 0 check (held >= 0),
  held_by_organisation jsonb not null default '{}'
);
create index retention_sweep_started on retention_sweep (started_at desc);

-- The disposal record in figures, per organisation, field group ('*' = the whole person) and rule: what the DPO
-- sees. Written in the same transaction as the erasures it counts, so a crash cannot leave them apart.
create table retention_disposal (
  sweep_id uuid not null references retention_sweep (id),
  organisation_id uuid not null references organisation (id),
  field_group text not null check (field_group = '*' or field_group ~ '^[a-z][a-z0-9-]{0,62}$'),
  rule text not null,
  categories text[] not null,
  items integer not null check (items > 0),
  primary key (sweep_id, organisation_id, field_group, rule)
);

-- A category erasure (one field group of a person): recorded with its ledger event, done once the group's key and
-- ciphertext are gone. A pending row after a crash is finished by the next sweep. Personal (says what was kept of
-- whom): only the gate's role may touch it.
create table group_erasure (
  person_id uuid not null references person (id),
  field_group text not null check (field_group ~ '^[a-z][a-z0-9-]{0,62}$'),
  sweep_id uuid references retention_sweep (id),
  rule text not null,
  recorded_at timestamptz not null default now(),
  done_at timestamptz,
  primary key (person_id, field_group, recorded_at)
);
create index group_erasure_pending on group_erasure (recorded_at) where done_at is null;

-- Each restore drill's outcome (also a ledger event): for the DPO's page without scanning the ledger.
create table backup_drill (
  id uuid primary key,
  at timestamptz not null default now(),
  pass boolean not null,
  digest text not null check (digest ~ '^[0-9a-f]{64}$'),
  main_backup text not null,
  erased_checked integer not null check (erased_checked >= 0)
);
create index backup_drill_at on backup_drill (at desc);

-- Erasure deletes by person, many at a time (the sweep): these tables had no index leading with the person.
create index correction_person on correction (person_id);
create index break_glass_person on break_glass (person_id);

-- A legal hold may keep only some categories of the person's data (RET-1: scope): null keeps everything of them,
-- as before; a list keeps those categories while retention takes the rest.
alter table legal_hold add column categories text[] check (categories is null or cardinality(categories) > 0);
