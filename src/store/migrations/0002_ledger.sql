-- The audit ledger (AUD-2, AUD-3): audit events become the leaves of an RFC 9162 Merkle tree. See SCHEMA.md.

-- An event row is durable when the transaction that recorded it commits; the sequencer then gives it the next
-- leaf index. `person_id` and `actor_account` copy ids from the event so a person's access history (AUD-5) and
-- an account's accesses (BRE-3) are index lookups; the event bytes stay the only thing the tree commits to.
alter table audit_event add column leaf_index bigint unique;
alter table audit_event add column person_id uuid;
alter table audit_event add column actor_account uuid;
create index audit_event_pending on audit_event (seq) where leaf_index is null;
create index audit_event_person on audit_event (person_id, seq) where person_id is not null;
create index audit_event_actor on audit_event (actor_account, seq) where actor_account is not null;

-- Perfect subtrees of the tree: (level, node_index) covers leaves [index * 2^level, (index + 1) * 2^level).
-- Level 0 holds the leaf hashes as computed when each event was sequenced.
create table ledger_node (
  level smallint not null check (level between 0 and 62),
  node_index bigint not null check (node_index >= 0),
  hash bytea not null check (octet_length(hash) = 32),
  primary key (level, node_index)
);

-- The tree head: its size and root, and the frontier (the hashes of the perfect subtrees that make up the
-- tree, 32 bytes each, left to right) so the sequencer appends without reading nodes back.
create table ledger_head (
  id smallint primary key default 1 check (id = 1),
  size bigint not null check (size >= 0),
  root bytea not null check (octet_length(root) = 32),
  frontier bytea not null check (octet_length(frontier) % 32 = 0),
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
