-- Group commit (B1) stores a batch's data keys before the batch's persons; a crash in between leaves keys that
-- protect nothing. The sweep finds them by age, recent ones first: this index keeps that cheap.
create index person_key_created on person_key (created_at);
