-- The gate (PUR-1 – PUR-6, ACC-1, ACC-2, ACC-6, ACC-8): purpose register, consent and legal-basis history,
-- caseloads, corrections awaiting a second person, break-glass grants, and versions of the access policies.

-- Purpose register. What a purpose is (title, data set, legal bases, retention) comes from the data dictionary;
-- the register keeps what changes in operation: whether it is in use and the state of its DPIA (PUR-6).
create table purpose (
  name text primary key check (name ~ '^[a-z][a-z0-9-]{0,62}$'),
  status text not null check (status in ('active', 'suspended', 'prohibited')),
  dpia_status text not null check (dpia_status in ('not-required', 'required', 'approved', 'rejected')),
  dpia_approved_at timestamptz,
  dpia_expires_at timestamptz,
  dpia_approved_by uuid references staff_account (id),
  updated_at timestamptz not null default now(),
  check ((dpia_status = 'approved') = (dpia_approved_at is not null))
);

-- Consent and other legal bases, per person and purpose (PUR-3, PUR-5). History is kept: rows are only ever
-- added — a withdrawal is a new row — and the latest row per (person, purpose, basis) is the current state.
-- How consent was given (notice version and language, method, witness, guardian) and the justification of any
-- other basis are personal data, so they are sealed under the person's data key like the record itself.
create table processing_basis (
  id uuid primary key,
  person_id uuid not null references person (id) on delete cascade,
  purpose text not null references purpose (name),
  basis text not null check (basis in ('consent', 'vital-interest', 'public-interest', 'legitimate-interest', 'legal-obligation')),
  action text not null check (action in ('grant', 'withdraw')),
  details bytea,
  recorded_by uuid references staff_account (id),
  recorded_at timestamptz not null default now(),
  expires_at timestamptz
);
create index processing_basis_current on processing_basis (person_id, purpose, recorded_at desc);

create function processing_basis_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'processing_basis keeps history: add a row instead of changing one';
end $$;
create trigger processing_basis_no_update before update on processing_basis
  for each row execute function processing_basis_append_only();

-- Caseloads (ACC-1): which caseworkers work which person.
create table caseload_assignment (
  person_id uuid not null references person (id) on delete cascade,
  account_id uuid not null references staff_account (id),
  assigned_by uuid references staff_account (id),
  assigned_at timestamptz not null default now(),
  primary key (person_id, account_id)
);
create index caseload_by_account on caseload_assignment (account_id);

-- Corrections of recorded values wait for a second person (ACC-6, RIG-4). The proposed values are sealed under
-- the person's data key; the proposer can never be the approver (enforced by policy and by this check).
create table correction (
  id uuid primary key,
  person_id uuid not null references person (id) on delete cascade,
  organisation_id uuid not null references organisation (id),
  purpose text not null references purpose (name),
  field_groups text[] not null,
  proposal bytea not null,
  reason text not null check (reason ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  proposed_by uuid not null references staff_account (id),
  proposed_at timestamptz not null default now(),
  decided_by uuid references staff_account (id),
  decided_at timestamptz,
  check (decided_by is null or decided_by <> proposed_by)
);
create index correction_pending on correction (organisation_id, proposed_at) where status = 'pending';

-- Break-glass grants (ACC-8): written justification (sealed: it may name the person's situation), scope, time
-- limit; the DPO is alerted at once and must review every grant afterwards.
create table break_glass (
  id uuid primary key,
  account_id uuid not null references staff_account (id),
  organisation_id uuid not null references organisation (id),
  person_id uuid not null references person (id) on delete cascade,
  purpose text not null references purpose (name),
  field_groups text[] not null,
  justification bytea not null,
  starts_at timestamptz not null default now(),
  ends_at timestamptz not null,
  ended_early_at timestamptz,
  reviewed_by uuid references staff_account (id),
  reviewed_at timestamptz,
  review_outcome text check (review_outcome in ('justified', 'not-justified')),
  review_notes bytea,
  check (ends_at > starts_at),
  check (reviewed_by is null or reviewed_by <> account_id)
);
create index break_glass_active on break_glass (account_id, person_id, ends_at);
create index break_glass_unreviewed on break_glass (organisation_id, starts_at) where reviewed_at is null;

-- Alerts for the DPO (ACC-8 now; anomalies later): raised at once, acknowledged when seen.
create table alert (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  kind text not null check (kind ~ '^[a-z][a-z0-9.-]{0,62}$'),
  subject uuid,
  raised_by uuid references staff_account (id),
  raised_at timestamptz not null default now(),
  acknowledged_by uuid references staff_account (id),
  acknowledged_at timestamptz
);
create index alert_open on alert (organisation_id, raised_at) where acknowledged_at is null;

-- Access policies (ACC-2): every version of the Cedar policy files. A change is proposed by one person and
-- activated by another; exactly one version is active.
create table policy_version (
  version integer primary key,
  files jsonb not null,
  sha256 text not null,
  status text not null check (status in ('proposed', 'active', 'superseded', 'rejected')),
  proposed_by uuid references staff_account (id),
  proposed_at timestamptz not null default now(),
  decided_by uuid references staff_account (id),
  decided_at timestamptz,
  check (decided_by is null or proposed_by is null or decided_by <> proposed_by)
);
create unique index policy_version_one_active on policy_version ((true)) where status = 'active';

-- Bulk import (idempotent per line): a keyed hash of the line's reference, unique per organisation.
alter table person add column import_key bytea;
create unique index person_import_key on person (organisation_id, import_key) where import_key is not null;
