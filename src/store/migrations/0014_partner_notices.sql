-- Pushes to partners (PUR-4, RIG-4, RET-2, issue 17 item 4): a withdrawn consent, a correction, an erasure (and
-- the other changes of change_outbox) told to every partner that received data about the person under an
-- agreement it concerns. One notice per change and partner, delivered to the partner's webhook at least once and
-- settled by the partner's acknowledgement. Personal: it names the person (their id, the partner's pseudonym for
-- them), so only the gate's role may touch it.
create table partner_notice (
  id uuid primary key,
  outbox_seq bigint not null references change_outbox (seq),
  organisation_id uuid not null references organisation (id),
  partner_id uuid not null references partner (id),
  person_id uuid not null references person (id),
  -- How the partner knows the person (partner_pseudonym); cleared once an erasure notice is settled.
  pseudonym text check (pseudonym ~ '^p-[a-z2-7]{26}$'),
  change text not null check (change in ('correction', 'erasure', 'consent-withdrawn', 'objection',
                                         'restriction', 'restriction-lifted')),
  purpose text,
  field_groups text[] not null default '{}',
  -- The agreements the partner received the person's data under.
  agreements uuid[] not null check (cardinality(agreements) >= 1),
  created_at timestamptz not null,
  -- Past this, unacknowledged, the notice is on the DPO's work list and blocks releases to the partner.
  ack_due_at timestamptz not null,
  delivery text not null default 'pending'
    check (delivery in ('pending', 'delivered', 'failed', 'gone', 'no-webhook')),
  attempts integer not null default 0 check (attempts >= 0),
  last_attempt_at timestamptz,
  -- A stable code (HTTP status or network error), never a response body.
  last_error text check (last_error ~ '^[a-z0-9][a-z0-9.:_-]{0,79}$'),
  delivered_at timestamptz,
  acknowledged_at timestamptz,
  -- Settled by the DPO without the partner's acknowledgement (e.g. confirmed by other means), with a code.
  settled_at timestamptz,
  settled_by uuid references staff_account (id),
  settled_reason text check (settled_reason ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  unique (outbox_seq, partner_id),
  check ((delivery = 'delivered') = (delivered_at is not null)),
  check ((settled_at is null) = (settled_by is null) and (settled_at is null) = (settled_reason is null))
);
create index partner_notice_person on partner_notice (person_id);
create index partner_notice_partner on partner_notice (partner_id, created_at);
-- What is still open: the pull fallback, the work list, and the release check (partnerBlocked).
create index partner_notice_open on partner_notice (partner_id, ack_due_at)
  where acknowledged_at is null and settled_at is null;
create index partner_notice_undelivered on partner_notice (created_at) where delivery = 'pending';

-- The secret a partner's webhook verifies Haven's signatures with (Standard Webhooks, HMAC-SHA256): made by Haven,
-- shown once to staff, stored only sealed (AES-256-GCM under a key derived from the key ring). Several at once
-- while a rotation overlaps: a push is signed with each secret not yet retired. No personal data: general.
create table partner_webhook_secret (
  partner_id uuid not null references partner (id),
  version integer not null check (version >= 1),
  sealed bytea not null,
  created_at timestamptz not null default now(),
  created_by uuid references staff_account (id),
  retires_at timestamptz,
  primary key (partner_id, version)
);
