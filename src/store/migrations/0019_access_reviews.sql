-- Access recertification (ACC-7), dormant accounts, data-protection training, and why an account is disabled
-- (ACC-4). See docs/access-reviews.md and docs/decisions/0018-access-reviews.md.

-- Why an account is disabled: by an administrator, by the dormancy job, by a lapsed role grant, or suspended
-- automatically (anomaly detection). Re-enabling a dormant or lapsed account needs a review first.
alter table staff_account add column disabled_reason text
  check (disabled_reason in ('administrator', 'dormant', 'lapsed', 'suspended'));
alter table staff_account add column disabled_at timestamptz;
-- When it was last enabled again: the dormancy clock starts afresh then, not at its old last use.
alter table staff_account add column enabled_at timestamptz;
-- Accounts disabled before this migration were disabled by an administrator.
update staff_account set disabled_reason = 'administrator', disabled_at = now() where status = 'disabled';
alter table staff_account add constraint staff_account_disabled_reason
  check ((status = 'disabled') = (disabled_reason is not null and disabled_at is not null));
-- Who reviews this account's grants (ACC-7): set by an administrator; without one, the organisation's DPO does.
alter table staff_account add column reviewer_id uuid references staff_account (id);
alter table staff_account add constraint staff_account_reviewer_not_self check (reviewer_id <> id);

-- Every grant with its review date (ACC-7). Role and tier mirror staff_account, the caseload stands for all of the
-- account's caseload assignments, break-glass eligibility exists only here, and agreement access is a partner's
-- standing access under one approved agreement (account_id null, agreement_id set). No registered person here.
create table access_grant (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  kind text not null check (kind in ('role', 'tier', 'caseload', 'break-glass', 'agreement')),
  account_id uuid references staff_account (id),
  agreement_id uuid references agreement (id),
  -- What is granted: the role's name, the tier's number; empty for caseload and break-glass; the agreement's id.
  scope text not null default '' check (char_length(scope) <= 64),
  granted_at timestamptz not null default now(),
  granted_by uuid references staff_account (id),
  review_due date not null,
  reviewed_at timestamptz,
  reviewed_by uuid references staff_account (id),
  state text not null default 'active' check (state in ('active', 'lapsed', 'revoked', 'replaced')),
  ended_at timestamptz,
  ended_by uuid references staff_account (id),
  check ((kind = 'agreement') = (agreement_id is not null and account_id is null)),
  check ((state = 'active') = (ended_at is null)),
  -- ACC-6: nobody reviews their own grant.
  check (reviewed_by is null or account_id is null or reviewed_by <> account_id)
);
create unique index access_grant_one_active on access_grant (kind, coalesce(account_id, agreement_id))
  where state = 'active';
create index access_grant_due on access_grant (review_due) where state = 'active';
create index access_grant_organisation on access_grant (organisation_id, state);

-- Data-protection training per staff member: the latest record counts; history is kept.
create table training_record (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  account_id uuid not null references staff_account (id),
  course text not null check (char_length(course) between 1 and 200),
  completed_on date not null,
  expires_on date not null check (expires_on > completed_on),
  recorded_by uuid references staff_account (id),
  recorded_at timestamptz not null default now()
);
create index training_record_account on training_record (account_id, completed_on desc);

-- A review campaign: each reviewer decides their staff's grants that are due by `due_by`.
create table review_campaign (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  started_by uuid not null references staff_account (id),
  started_at timestamptz not null default now(),
  due_by date not null,
  state text not null default 'open' check (state in ('open', 'closed')),
  closed_at timestamptz
);
create index review_campaign_organisation on review_campaign (organisation_id, started_at desc);

-- Each grant a campaign put before a reviewer, and what the reviewer decided.
create table review_item (
  campaign_id uuid not null references review_campaign (id),
  grant_id uuid not null references access_grant (id),
  -- The account's reviewer when the campaign began; null: the organisation's DPO.
  reviewer_id uuid references staff_account (id),
  decision text check (decision in ('approved', 'revoked')),
  decided_at timestamptz,
  new_review_due date,
  primary key (campaign_id, grant_id),
  check ((decision is null) = (decided_at is null))
);
create index review_item_reviewer on review_item (reviewer_id) where decision is null;
