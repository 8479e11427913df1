-- Restriction of processing (GDPR 18, RIG-1): while a person's restriction is in force the gate refuses every
-- processing purpose but storage, the rights purpose and legal claims. Imposed by answering a restriction request,
-- lifted only after the person was told (GDPR 18(3)). It says something about one person, so it is personal: only
-- the gate's role may touch it. The words of a lift are sealed under the person's data key like the record.
create table restriction (
  id uuid primary key,
  person_id uuid not null references person (id) on delete cascade,
  organisation_id uuid not null references organisation (id),
  -- The request whose answer imposed it.
  request_id uuid not null references rights_request (id) on delete cascade,
  imposed_at timestamptz not null default now(),
  imposed_by uuid references staff_account (id),
  lifted_at timestamptz,
  lifted_by uuid references staff_account (id),
  lift_reason text check (lift_reason ~ '^[a-z][a-z-]{0,62}$'),
  sealed_note bytea,
  -- A lift is whole: when, by whom and why, or none of them.
  check ((lifted_at is null) = (lifted_by is null)),
  check ((lifted_at is null) = (lift_reason is null))
);
-- At most one restriction in force per person; the gate looks it up by person on every decision.
create unique index restriction_in_force on restriction (person_id) where lifted_at is null;
create index restriction_person on restriction (person_id);

-- Partners holding a copy are told of a restriction and of its lifting (GDPR 19), like a correction.
alter table change_outbox drop constraint change_outbox_change_check;
alter table change_outbox add constraint change_outbox_change_check
  check (change in ('correction', 'erasure', 'consent-withdrawn', 'objection', 'restriction', 'restriction-lifted'));
