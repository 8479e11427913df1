-- Releases to partners (SHA-2): what went out, to whom, under which agreement, about whom. The release itself is
-- kept as it went out — signed by Haven and encrypted to the partner's key, so Haven cannot read it back — until it
-- expires; who it was about stays, as ids, so that a withdrawal, correction or erasure reaches every partner that
-- holds a copy (PUR-4, RIG-4, RET-2). Personal: only the gate's role may touch these tables.
create table release (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  partner_id uuid not null references partner (id),
  agreement_id uuid not null references agreement (id),
  -- Asked for by the partner's client, or pushed by a staff member.
  requested_by text not null check (requested_by in ('partner', 'staff')),
  staff_id uuid references staff_account (id),
  records integer not null check (records >= 0),
  refused integer not null check (refused >= 0),
  field_groups text[] not null default '{}',
  -- The JWE (compact) as sent; removed once it expires or its downloads are used, and when a person in it is erased.
  envelope text,
  -- SHA-256 of the JWE: what was sent can be proven after the envelope is gone.
  digest bytea not null check (length(digest) = 32),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  max_downloads integer not null check (max_downloads between 1 and 10),
  downloads integer not null default 0 check (downloads >= 0),
  check ((requested_by = 'staff') = (staff_id is not null))
);
create index release_partner on release (partner_id, created_at);
create index release_agreement on release (agreement_id, created_at);

-- Who a release was about, under the pseudonym the partner knows them by.
create table release_person (
  release_id uuid not null references release (id) on delete cascade,
  person_id uuid not null references person (id),
  primary key (release_id, person_id)
);
create index release_person_person on release_person (person_id);

-- The pseudonym each partner knows a person by (SHA-2): a keyed hash, stable for one partner, unlinkable across
-- partners; kept so that a partner's question about "its" person can be answered, and notices addressed.
create table partner_pseudonym (
  partner_id uuid not null references partner (id),
  person_id uuid not null references person (id),
  pseudonym text not null check (pseudonym ~ '^p-[a-z2-7]{26}$'),
  first_released_at timestamptz not null default now(),
  primary key (partner_id, person_id),
  unique (partner_id, pseudonym)
);
