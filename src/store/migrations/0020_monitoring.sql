-- Anomaly detection over the ledger (AUD-6). See docs/monitoring.md and docs/decisions/0019-anomaly-detection.md.
-- Nothing here names a registered person: alerts point at ledger entries, baselines and figures count accesses.

-- The DPO's alerts (ACC-8) carry the anomalies too: `kind` is `anomaly.<rule>`, `subject` the staff account (or the
-- partner) whose accesses raised it. The evidence is ledger entries (audit_event.seq), the explanation a code with
-- its numeric parameters (translated by the web app), never a value. Acknowledging records an outcome.
alter table alert add column evidence bigint[] not null default '{}';
alter table alert add column explanation jsonb;
alter table alert add column outcome text check (outcome in ('misuse', 'justified', 'false-alarm'));
alter table alert add column suspended boolean not null default false;
-- The last time the rule fired again on the same staff member while this alert was open (it gathers evidence
-- instead of raising a second alert).
alter table alert add column last_seen_at timestamptz;
alter table alert add constraint alert_outcome_acknowledged check (outcome is null or acknowledged_at is not null);
create index alert_subject_open on alert (organisation_id, subject, kind) where acknowledged_at is null;

-- The rules' thresholds per organisation, set by the DPO (validated in src/monitoring/thresholds.ts). An
-- organisation without a row uses the defaults.
create table monitoring_threshold (
  organisation_id uuid primary key references organisation (id),
  settings jsonb not null,
  updated_by uuid references staff_account (id),
  updated_at timestamptz not null default now()
);

-- How far the monitor has read the ledger: the next leaf index of the tree. One row; the monitor of whichever
-- server holds the lock advances it in the transaction that writes the alerts, so no entry is judged twice.
create table monitoring_cursor (
  id smallint primary key default 1 check (id = 1),
  next_leaf bigint not null check (next_leaf >= 0),
  updated_at timestamptz not null default now()
);

-- Accesses per actor (a staff account, or `partner:<id>`) per clock hour (UTC), written by the monitor: the raw
-- material of the daily baselines. Kept for the baseline window, then pruned by the baseline job.
create table monitoring_hourly (
  actor text not null check (actor ~ '^(partner:)?[0-9a-f-]{36}$'),
  organisation_id uuid not null references organisation (id),
  hour timestamptz not null,
  accesses integer not null check (accesses >= 0),
  primary key (actor, hour)
);
create index monitoring_hourly_hour on monitoring_hourly (hour);

-- Each actor's own baseline, recomputed daily by the job queue from monitoring_hourly (src/monitoring/baseline.ts).
create table monitoring_baseline (
  actor text primary key check (actor ~ '^(partner:)?[0-9a-f-]{36}$'),
  organisation_id uuid not null references organisation (id),
  -- Days with at least one access, hours with at least one access, and accesses, in the window.
  active_days integer not null check (active_days >= 0),
  active_hours integer not null check (active_hours >= 0),
  accesses integer not null check (accesses >= 0),
  -- Accesses per hour of the day (UTC), 24 counts: the person's usual hours.
  hour_counts integer[] not null check (cardinality(hour_counts) = 24),
  computed_on date not null
);

-- The share of accesses the data explains (caseload, rights request, correction, break-glass, own registration),
-- per organisation and day: accesses, explained ones, and the explained ones by reason.
create table monitoring_figure (
  organisation_id uuid not null references organisation (id),
  day date not null,
  accesses integer not null check (accesses >= 0),
  explained integer not null check (explained >= 0 and explained <= accesses),
  by_reason jsonb not null default '{}',
  primary key (organisation_id, day)
);
