-- The incident register (BRE-1, GDPR 33(5)) and the authority's 72-hour clock (BRE-2). See docs/incidents.md and
-- docs/decisions/0016-incident-register.md.
--
-- General table (the general role reads it): an incident is about the organisation, not about one registered
-- person — the people it affected are computed from the ledger into their own protected table (BRE-3). Staff type
-- free text here (what happened, consequences, measures, the contact point, what was told to the authority), and
-- such text may name someone despite the form's advice: every free text is sealed (AES-256-GCM under the key
-- ring's `incidents` secret, bound to the incident id and the field), so a dump or the general role sees codes,
-- numbers and times only. Codes and numbers stay clear: the clock, the work list and the figures need them.
create table incident (
  id uuid primary key,
  organisation_id uuid not null references organisation (id),
  -- INC-2026-001, or DRILL-2026-001 for a drill: numbered per organisation and year.
  reference text not null check (reference ~ '^(INC|DRILL)-[0-9]{4}-[0-9]{3,6}$'),
  drill boolean not null,
  state text not null default 'suspected' check (state in ('suspected', 'confirmed', 'contained', 'closed')),
  -- Bumped by every change: an edit names the version it saw (a stale form is refused, not merged).
  version integer not null default 1 check (version >= 1),
  -- When the organisation became aware (GDPR 33(1)): the clock's start. Never after recorded_at.
  aware_at timestamptz not null,
  recorded_at timestamptz not null,
  recorded_by uuid not null references staff_account (id),
  -- Which security property was broken: confidentiality, integrity, availability (one or more).
  nature text[] not null check (cardinality(nature) between 1 and 3
    and nature <@ array['confidentiality', 'integrity', 'availability']::text[]),
  -- The dictionary's field categories (MIN-1) concerned, and the kinds of people.
  data_categories text[] not null default '{}'
    check (data_categories <@ array['name', 'contact', 'civil-status', 'family', 'health', 'legal-status',
      'biometric', 'location', 'documents', 'case-notes', 'protection', 'language', 'nationality',
      'demographic']::text[]),
  people_categories text[] not null default '{}'
    check (people_categories <@ array['registered-people', 'children', 'family-members', 'staff',
      'partner-staff']::text[]),
  -- Approximate numbers (GDPR 33(3)(a)): null while unknown.
  people_approx integer check (people_approx between 0 and 100000000),
  records_approx integer check (records_approx between 0 and 1000000000),
  high_risk boolean not null default false,
  -- Sealed free texts (see above); null while not written.
  description_sealed bytea,
  consequences_sealed bytea,
  measures_taken_sealed bytea,
  measures_proposed_sealed bytea,
  contact_point_sealed bytea,
  -- The compromised source and window, when known (BRE-3 computes the affected people from them): a staff
  -- account, a partner (all its credentials), one partner credential (its signing key id) or a device.
  source_kind text check (source_kind in ('account', 'partner', 'partner-credential', 'device')),
  source_account uuid references staff_account (id),
  source_partner uuid references partner (id),
  source_key text check (source_key ~ '^[A-Za-z0-9._:~-]{1,128}$'),
  source_device text check (source_device ~ '^[A-Za-z0-9._:-]{1,128}$'),
  window_from timestamptz,
  window_to timestamptz,
  -- When the affected people were first computed (BRE-3 sets it): a drill's step.
  affected_computed_at timestamptz,
  -- The state's steps, for the clock's history and the drills' figures.
  confirmed_at timestamptz,
  contained_at timestamptz,
  closed_at timestamptz,
  -- The notification to the supervisory authority (GDPR 33(1)): when, to which authority (an institution, not a
  -- person: kept clear), what was said (sealed), by whom, and why late when it was. A drill's is only recorded.
  notified_at timestamptz,
  notified_to text check (char_length(notified_to) between 1 and 200),
  notification_sealed bytea,
  notified_by uuid references staff_account (id),
  late_reason text check (late_reason in ('investigation-needed', 'information-in-phases',
    'authority-unreachable', 'processor-told-late', 'other')),
  late_note_sealed bytea,
  -- Or why the authority is not told (GDPR 33(1): unlikely to result in a risk; or no personal-data breach).
  no_notification_reason text check (no_notification_reason in ('unlikely-to-result-in-risk',
    'not-a-personal-data-breach')),
  unique (organisation_id, reference),
  check (recorded_at >= aware_at),
  check ((reference like 'DRILL-%') = drill),
  -- The source: its kind names which columns are set.
  check (source_kind is not null or (source_account is null and source_partner is null and source_key is null
    and source_device is null)),
  check (source_kind <> 'account' or (source_account is not null and source_partner is null and source_key is null
    and source_device is null)),
  check (source_kind <> 'partner' or (source_partner is not null and source_account is null and source_key is null
    and source_device is null)),
  check (source_kind <> 'partner-credential' or (source_partner is not null and source_key is not null
    and source_account is null and source_device is null)),
  check (source_kind <> 'device' or (source_device is not null and source_account is null and source_partner is null
    and source_key is null)),
  check (window_to is null or window_from is null or window_to > window_from),
  -- The notification: all its parts or none; never before awareness; late (past 72 hours) only with a reason.
  check ((notified_at is null) = (notified_to is null) and (notified_at is null) = (notification_sealed is null)
    and (notified_at is null) = (notified_by is null)),
  check (notified_at is null or notified_at >= aware_at),
  check (notified_at is null or notified_at <= aware_at + interval '72 hours' or late_reason is not null),
  check (late_reason is null or notified_at is not null),
  check (no_notification_reason is null or notified_at is null),
  -- Closed: with its time, measures taken, and the authority told or the reason why not.
  check ((state = 'closed') = (closed_at is not null)),
  check (state <> 'closed' or (measures_taken_sealed is not null
    and (notified_at is not null or no_notification_reason is not null)))
);
create index incident_organisation on incident (organisation_id, aware_at desc);
-- The DPO's clock: incidents whose authority notification is still open.
create index incident_clock on incident (organisation_id, aware_at)
  where notified_at is null and no_notification_reason is null and state <> 'closed';
