-- Rights of the person (RIG-1 – RIG-5): requests with their legal deadlines. A request says that a person asked
-- something, so it is personal: only the gate's role may touch it. Free text (the reason of an extension, the
-- words of a refusal) is sealed under the person's data key like the record.
create table rights_request (
  id uuid primary key,
  person_id uuid not null references person (id) on delete cascade,
  organisation_id uuid not null references organisation (id),
  kind text not null check (kind in ('access', 'portability', 'correction', 'erasure', 'restriction', 'objection')),
  channel text not null check (channel in ('in-person', 'oral', 'written', 'portal', 'representative')),
  -- An objection is to one purpose's processing under legitimate interest (GDPR 21).
  purpose text check (purpose ~ '^[a-z][a-z0-9-]{0,62}$'),
  state text not null default 'received'
    check (state in ('received', 'identity-checked', 'in-progress', 'extended', 'answered', 'refused')),
  received_on date not null,
  due_on date not null,
  received_by uuid references staff_account (id),
  identity_check text check (identity_check in ('card', 'known-caseworker', 'document-seen', 'card-and-pin')),
  identity_strength smallint check (identity_strength between 1 and 2),
  identity_checked_by uuid references staff_account (id),
  assignee uuid references staff_account (id),
  extended boolean not null default false,
  refusal_reason text check (refusal_reason ~ '^[a-z][a-z-]{0,62}$'),
  sealed_note bytea,
  closed_at timestamptz,
  updated_at timestamptz not null default now(),
  -- The rules the gate applies, kept by the database too: nothing past received without a check on record.
  check (state in ('received') or state = 'refused' or identity_strength is not null),
  check ((state = 'refused') = (refusal_reason is not null)),
  check ((kind = 'objection') = (purpose is not null)),
  check ((state in ('answered', 'refused')) = (closed_at is not null))
);
create index rights_request_open on rights_request (organisation_id, due_on) where closed_at is null;
create index rights_request_person on rights_request (person_id);

-- RIG-4, PUR-4: changes to a person's data or its use that partners holding a copy must hear of — a correction,
-- an erasure, a withdrawn consent — written in the same transaction as the change, kept until delivered. Rows name
-- the person and the kind of change, never a value; an erased person keeps their rows (the tombstone stays).
create table change_outbox (
  seq bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  organisation_id uuid not null references organisation (id),
  change text not null check (change in ('correction', 'erasure', 'consent-withdrawn', 'objection')),
  purpose text,
  field_groups text[] not null default '{}',
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index change_outbox_pending on change_outbox (seq) where delivered_at is null;
