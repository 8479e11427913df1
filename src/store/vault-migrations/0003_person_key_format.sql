-- Key sets (RET-2, docs/decisions/0015-key-sets.md): a person's row holds one of three forms, told apart here —
-- 1 one data key for everything (rows made before key sets), 2 a seed every key is derived from (new persons),
-- 3 explicit keys by name, once a field group's key was destroyed. Each form is sealed under its own context.
alter table person_key add column format smallint not null default 1 check (format in (1, 2, 3));
