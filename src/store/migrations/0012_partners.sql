-- Partners and data-sharing agreements (SHA-1, issue 17). None of these tables holds a registered person's data:
-- partners are organisations, their keys public keys, agreements rules. They are general tables
-- (src/store/protected-tables.ts). Releases, pseudonyms and pushes come in later migrations.

-- A partner organisation of a Haven tenant. The authority kinds name the state they act for (SHA-3 compares it
-- with the people's nationality and country of origin); the other kinds act for no state.
create table partner (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  name text not null check (char_length(name) between 1 and 200),
  jurisdiction text not null check (jurisdiction ~ '^[A-Z]{3}$'),
  kind text not null check (kind in ('un-agency', 'ngo', 'service-provider', 'host-state-authority',
                                     'origin-state-authority')),
  acts_for_country text check (acts_for_country ~ '^[A-Z]{3}$'),
  -- Partner staff to reach (names, e-mails, roles): not registered people.
  contacts jsonb not null default '[]' check (jsonb_typeof(contacts) = 'array'),
  webhook_url text check (char_length(webhook_url) <= 2000),
  state text not null default 'active' check (state in ('active', 'suspended')),
  suspension_reason text check (char_length(suspension_reason) <= 2000),
  created_by uuid references staff_account (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind in ('host-state-authority', 'origin-state-authority')) = (acts_for_country is not null)),
  check ((state = 'suspended') = (suspension_reason is not null)),
  unique (organisation_id, name)
);

-- Public keys of a partner (JWK): `sig` verifies its client assertions, `enc` encrypts what is released to it.
-- Several may be valid at once, so a partner rotates by adding the new key before retiring the old one.
create table partner_key (
  partner_id uuid not null references partner (id),
  kid text not null check (kid ~ '^[A-Za-z0-9._:~-]{1,128}$'),
  use text not null check (use in ('enc', 'sig')),
  alg text not null check (alg ~ '^[A-Za-z0-9+-]{2,32}$'),
  -- Public parts only: a private or symmetric key is refused here as well as in code.
  jwk jsonb not null check (jsonb_typeof(jwk) = 'object' and not (jwk ?| array['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])),
  added_at timestamptz not null default now(),
  added_by uuid references staff_account (id),
  retired_at timestamptz,
  retired_by uuid references staff_account (id),
  primary key (partner_id, kid)
);

-- Client assertions seen (RFC 7523 §3 item 7): a jti is refused a second time until the assertion has expired.
create table partner_assertion (
  partner_id uuid not null references partner (id),
  jti text not null check (char_length(jti) between 1 and 256),
  expires_at timestamptz not null,
  primary key (partner_id, jti)
);
create index partner_assertion_expires on partner_assertion (expires_at);

-- Access tokens given to partners: only the SHA-256 of the random token, the partner and key it was given
-- for, and its end (5 minutes). A suspended partner or a retired key ends its tokens on their next use.
create table partner_token (
  token_hash bytea primary key check (octet_length(token_hash) = 32),
  partner_id uuid not null references partner (id),
  kid text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  foreign key (partner_id, kid) references partner_key (partner_id, kid)
);
create index partner_token_expires on partner_token (expires_at);

-- A data-sharing agreement (SHA-1): only an approved one, between its first and last day, lets data out.
create table agreement (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  partner_id uuid not null references partner (id),
  title text not null check (char_length(title) between 1 and 200),
  purposes text[] not null check (cardinality(purposes) between 1 and 20),
  fields text[] not null check (cardinality(fields) between 1 and 500),
  legal_basis text not null check (legal_basis in ('consent', 'vital-interest', 'public-interest',
                                                   'legitimate-interest', 'legal-obligation')),
  starts_on date not null,
  ends_on date not null,
  -- How long the partner may keep what it receives, e.g. `6 months`.
  partner_retention text not null check (partner_retention ~ '^[1-9][0-9]{0,2} (days|months|years)$'),
  onward_sharing_banned boolean not null default true,
  onward_sharing_reason text check (char_length(onward_sharing_reason) <= 2000),
  -- The DPIAs in force for the purposes when it was approved (GOV-2): [{purpose, id, version, reviewDate}].
  dpias jsonb,
  state text not null default 'proposed' check (state in ('proposed', 'approved', 'suspended', 'terminated')),
  proposed_by uuid not null references staff_account (id),
  proposed_at timestamptz not null default now(),
  approved_by uuid references staff_account (id),
  approved_at timestamptz,
  suspended_by uuid references staff_account (id),
  suspended_at timestamptz,
  suspension_reason text check (char_length(suspension_reason) <= 2000),
  terminated_by uuid references staff_account (id),
  terminated_at timestamptz,
  termination_reason text check (char_length(termination_reason) <= 2000),
  updated_at timestamptz not null default now(),
  check (ends_on >= starts_on),
  -- Sharing onward is banned unless someone wrote why it may not be.
  check (onward_sharing_banned or onward_sharing_reason is not null),
  -- ACC-6: whoever proposed an agreement cannot approve it.
  check (approved_by is null or approved_by <> proposed_by),
  check (state not in ('approved', 'suspended') or (approved_by is not null and dpias is not null)),
  check (state <> 'suspended' or suspension_reason is not null),
  check (state <> 'terminated' or termination_reason is not null)
);
create index agreement_partner on agreement (partner_id);
create index agreement_organisation on agreement (organisation_id, state);
