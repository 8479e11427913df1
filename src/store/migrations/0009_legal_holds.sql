-- Legal holds (RET-1, ACC-6, GDPR 17(3)(e)): what they cover, why, until when, who placed and who approved them,
-- and their early release. A hold on a person says something about that person (that they are party to
-- proceedings), so only the gate's role may touch it; its words are sealed under the person's data key.
create table legal_hold (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  -- 'person' today; issue 18 adds a category scope (a column naming the category, and its check).
  scope text not null check (scope in ('person')),
  person_id uuid references person (id),
  reason text not null check (reason in ('litigation', 'investigation-by-oversight', 'court-order', 'other')),
  sealed_note bytea,
  -- The last day it holds; none: until released.
  until_on date,
  placed_by uuid not null references staff_account (id),
  placed_on date not null,
  placed_at timestamptz not null default now(),
  approved_by uuid references staff_account (id),
  approved_at timestamptz,
  released_by uuid references staff_account (id),
  released_at timestamptz,
  release_reason text
    check (release_reason in ('proceedings-ended', 'placed-in-error', 'authority-withdrew', 'other')),
  -- The rules the gate applies, kept by the database too.
  check ((scope = 'person') = (person_id is not null)),
  check (approved_by is null or approved_by <> placed_by),
  check ((approved_by is null) = (approved_at is null)),
  check ((released_by is null) = (released_at is null) and (released_at is null) = (release_reason is null)),
  check (until_on is null or until_on >= placed_on)
);
create index legal_hold_person on legal_hold (person_id) where released_at is null;
create index legal_hold_organisation on legal_hold (organisation_id, placed_at desc);

-- The receipt of an erasure (RIG-1, GDPR 12, 17): what was erased and what was kept and on which ground, in
-- categories and counts only — never a value of the erased person, whose copy is the one printed for them. Kept
-- with the tombstone, so it can be printed again; the rights request it answers, if any, is linked.
create table erasure_receipt (
  id uuid primary key,
  person_id uuid not null unique references person (id),
  organisation_id uuid not null references organisation (id),
  erased_at timestamptz not null,
  erased_by uuid references staff_account (id),
  reason text not null check (reason ~ '^[a-z][a-z-]{0,62}$'),
  rights_request_id uuid references rights_request (id),
  erased jsonb not null,
  kept jsonb not null
);
create index erasure_receipt_organisation on erasure_receipt (organisation_id, erased_at desc);
