-- Case states (RET-1): where a person's case stands and since when, and every change of it. The retention rules
-- count from the events these set (case-closed, claim-decided) and from the last contact. A person with no row
-- is in the first state (open) since registration. Personal (that a person was resettled, returned or died):
-- only the gate's role may touch these tables.
create table case_state (
  person_id uuid primary key references person (id),
  organisation_id uuid not null references organisation (id),
  -- Names come from the configured lifecycle (src/domain/retention/rules.ts), so only their form is checked here.
  state text not null check (state ~ '^[a-z][a-z-]{0,62}$'),
  since_on date not null,
  case_closed_on date,
  claim_decided_on date,
  -- The latest contact the case records (a state change); writes to the record count through person.updated_at.
  last_contact_on date,
  updated_at timestamptz not null default now(),
  check (case_closed_on is null or case_closed_on <= since_on)
);
-- The preview and the sweep look for closures old enough to make something due.
create index case_state_closed on case_state (organisation_id, case_closed_on) where case_closed_on is not null;

create table case_transition (
  id uuid primary key,
  person_id uuid not null references person (id),
  organisation_id uuid not null references organisation (id),
  from_state text not null check (from_state ~ '^[a-z][a-z-]{0,62}$'),
  to_state text not null check (to_state ~ '^[a-z][a-z-]{0,62}$'),
  -- The day the change took effect (may be earlier than the day it was recorded, never later).
  on_day date not null,
  by_account uuid not null references staff_account (id),
  reason text check (reason ~ '^[a-z][a-z-]{0,62}$'),
  recorded_at timestamptz not null default now(),
  check (from_state <> to_state)
);
create index case_transition_person on case_transition (person_id, recorded_at);
