-- Governance (GOV-1 – GOV-4, PUR-6, ACC-2): the oversight role, the controller's details for the record of
-- processing, DPIAs that gate their purposes, the processor register, the anonymous concern channel, published
-- versions of the record of processing, and policy changes an approver can judge. See SCHEMA.md.

-- An independent oversight body: read-only on governance, never on personal data.
alter table staff_account drop constraint if exists staff_account_role_check;
alter table staff_account add constraint staff_account_role_check
  check (role in ('clerk', 'caseworker', 'supervisor', 'dpo', 'auditor', 'admin', 'oversight'));

-- The controller's details on the record of processing (GDPR 30(1)(a)).
alter table organisation add column contact text check (char_length(contact) <= 500);
alter table organisation add column dpo_contact text check (char_length(dpo_contact) <= 500);
alter table organisation add column country text check (country ~ '^[A-Z]{3}$');

-- DPIAs (GOV-2, PUR-6). One DPIA per purpose (later: per data-sharing agreement), in versions: a version is
-- written, submitted, then approved or rejected by someone other than its author (ACC-6). The approved version
-- is the one in force until its review date; approving a new version supersedes the old. Rows are kept.
create table dpia (
  id uuid not null,
  version integer not null check (version > 0),
  subject_kind text not null check (subject_kind in ('purpose', 'agreement')),
  subject text not null check (subject ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  status text not null check (status in ('draft', 'submitted', 'approved', 'rejected', 'superseded')),
  content jsonb not null,
  dpo_opinion text check (char_length(dpo_opinion) <= 20000),
  -- Null: written by Haven itself (a migrated approval).
  author uuid references staff_account (id),
  created_at timestamptz not null default now(),
  submitted_at timestamptz,
  decided_by uuid references staff_account (id),
  decided_at timestamptz,
  decision_note text check (char_length(decision_note) <= 4000),
  review_date date,
  primary key (id, version),
  check (decided_by is null or author is null or decided_by <> author),
  check (status not in ('approved', 'superseded') or review_date is not null)

);
create unique index dpia_subject_id on dpia (subject_kind, subject, version);
create unique index dpia_one_in_force on dpia (subject_kind, subject) where status = 'approved';
create unique index dpia_one_open on dpia (subject_kind, subject) where status in ('draft', 'submitted');

-- Approvals recorded on the purpose register before DPIAs were kept in Haven become version 1, marked migrated.
insert into dpia (id, version, subject_kind, subject, status, content, author, created_at, submitted_at,
                  decided_by, decided_at, decision_note, review_date)
select gen_random_uuid(), 1, 'purpose', name, 'approved',
       jsonb_build_object(
         'migrated', true,
         'description', 'Approved on the purpose register before Haven kept DPIAs. Record the full assessment at the next review.',
         'necessity', '', 'proportionality', '', 'risks', '[]'::jsonb,
         'reviewDate', to_char(coalesce(dpia_expires_at, now() + interval '1 year'), 'YYYY-MM-DD')),
       null, coalesce(dpia_approved_at, now()), coalesce(dpia_approved_at, now()), dpia_approved_by,
       coalesce(dpia_approved_at, now()), 'migrated', coalesce(dpia_expires_at, now() + interval '1 year')::date
  from purpose where dpia_status = 'approved';

alter table purpose drop column dpia_status;
alter table purpose drop column dpia_approved_at;
alter table purpose drop column dpia_expires_at;
alter table purpose drop column dpia_approved_by;

-- Processors and sub-processors (GOV-3): what they process, where, and the state of their contract and data
-- processing agreement (GDPR 28). A lapsed contract or agreement shows on the DPO's work list.
create table processor (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  name text not null check (char_length(name) between 1 and 200),
  service text not null check (char_length(service) between 1 and 500),
  parent_id uuid references processor (id),
  categories text[] not null,
  purposes text[] not null,
  locations text[] not null,
  transfer_safeguard text check (char_length(transfer_safeguard) <= 500),
  contract_signed date,
  contract_expires date,
  dpa_signed date,
  dpa_expires date,
  last_audit date,
  next_audit date,
  ended_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (parent_id is null or parent_id <> id)
);
create index processor_organisation on processor (organisation_id, name);

-- Concerns (GOV-4): raised anonymously. Nothing identifies the sender: no account, no address, no time finer
-- than the day; the text is sealed under a key of the key ring. The sender keeps a random follow-up code
-- (stored only as a keyed hash) to read the replies. A concern about the DPO goes to oversight only.
create table concern (
  id uuid primary key,
  organisation_id uuid references organisation (id),
  about_dpo boolean not null,
  code_hash bytea not null unique check (octet_length(code_hash) = 32),
  language text not null check (language ~ '^[a-z]{2,3}$'),
  received_on date not null,
  acknowledged_on date,
  answered_on date,
  closed_on date
);
create index concern_open on concern (received_on) where closed_on is null;

create table concern_message (
  concern_id uuid not null references concern (id) on delete cascade,
  seq integer not null check (seq > 0),
  author text not null check (author in ('sender', 'dpo', 'oversight')),
  body bytea not null,
  sent_on date not null,
  primary key (concern_id, seq)
);

-- The record of processing (GOV-1) as published: each version that differs from the one before, dated.
create table processing_record (
  organisation_id uuid not null references organisation (id),
  version integer not null check (version > 0),
  published_at timestamptz not null default now(),
  sha256 text not null,
  content jsonb not null,
  primary key (organisation_id, version)
);

-- Policy changes an approver can judge (ACC-2): why, and a rollback of which version; and the decisions a
-- proposal changes in the authorization matrix against the version in force (computed in the background, kept).
alter table policy_version add column note text check (char_length(note) <= 4000);
alter table policy_version add column rollback_of integer references policy_version (version);
create table policy_impact (
  version integer not null references policy_version (version),
  base integer not null references policy_version (version),
  impact jsonb not null,
  computed_at timestamptz not null default now(),
  primary key (version, base)
);
