-- The audit ledger (AUD-2, AUD-3): audit events become the leaves of an RFC 9162 Merkle tree. See SCHEMA.md.

-- `person_id` and `actor_account` copy ids from the event so a person's access history (AUD-5) and an account's
-- accesses (BRE-3) are index lookups; the event bytes stay the only thing the tree commits to.
alter table audit_event add column person_id uuid;
alter table audit_event add column actor_account uuid;
create index audit_event_person on audit_event (person_id, seq) where person_id is not null;
create index audit_event_actor on audit_event (actor_account, seq) where actor_account is not null;

-- An event is durable when the transaction that recorded it commits. The sequencer takes events into the tree in
-- (transaction id, seq) order, but only from transactions older than every transaction still running
-- (pg_snapshot_xmin): those can no longer add events below its watermark. So event rows are written once and
-- never updated, and no queue table is needed. `leaf_hash` is computed when the event is recorded, so the single
-- sequencer does not re-hash bodies; the tree's own copy of it (ledger_node level 0) is the one that counts.
alter table audit_event add column xid xid8 not null default pg_current_xact_id();
alter table audit_event add column leaf_hash bytea check (octet_length(leaf_hash) = 32);
create index audit_event_sequence on audit_event (xid, seq);

-- Perfect subtrees of the tree: (level, node_index) covers leaves [node_index * 2^level, (node_index + 1) * 2^level).
-- Level 0 holds each leaf's hash, computed when its event was sequenced, and the event it came from (`seq`).
create table ledger_node (
  level smallint not null check (level between 0 and 62),
  node_index bigint not null check (node_index >= 0),
  hash bytea not null check (octet_length(hash) = 32),
  seq bigint check ((level = 0) = (seq is not null)),
  primary key (level, node_index)
);

-- The tree head: its size and root, and the frontier (the hashes of the perfect subtrees that make up the
-- tree, 32 bytes each, left to right) so the sequencer appends without reading nodes back.
create table ledger_head (
  id smallint primary key default 1 check (id = 1),
  size bigint not null check (size >= 0),
  root bytea not null check (octet_length(root) = 32),
  frontier bytea not null check (octet_length(frontier) % 32 = 0),
  -- The (xid, seq) of the last event sequenced: the sequencer's watermark.
  last_xid xid8 not null,
  last_seq bigint not null,
  updated_at timestamptz not null default now()
);

-- Every checkpoint Haven signed (AUD-3). Sizes only grow, and each root is checked consistent with the
-- previous one before it is signed, so Haven never signs two checkpoints that contradict each other.
create table ledger_checkpoint (
  size bigint primary key check (size >= 0),
  origin text not null,
  root bytea not null check (octet_length(root) = 32),
  note text not null,
  signed_at timestamptz not null default now()
);

-- Witnesses an oversight body runs, and the cosignatures they returned (C2SP tlog-cosignature).
create table ledger_witness (
  name text primary key,
  verifier_key text not null unique,
  -- SHA-256 of the witness's access token (it fetches consistency proofs and posts cosignatures with it).
  token_hash bytea not null unique,
  added_at timestamptz not null default now()
);

create table ledger_cosignature (
  checkpoint_size bigint not null references ledger_checkpoint (size),
  witness text not null references ledger_witness (name),
  signature_line text not null,
  cosigned_at timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (checkpoint_size, witness)
);
