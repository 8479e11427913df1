import { addToDay, dayOf } from '../domain/calendar.ts';
import { formatRetentionRule } from '../domain/dictionary/retention.ts';
import { HavenError } from '../domain/errors.ts';
import { dueDates, dueOn } from '../domain/retention/due.ts';
import { holdBlocks, holdCovers, holdState } from '../domain/retention/legal-holds.ts';
import { retentionRules } from '../domain/retention/rules.ts';
import { type NewAuditEvent, recordAuditEvents } from '../ledger/events.ts';
import { auditActor, type GateContext, type GateRequest, policyOf } from './context.ts';
import { throughGate } from './entry.ts';
import { fixedPurpose } from './purposes.ts';

/**
 * The retention preview (RET-1, RET-2): what the rules in force make due within N days, person by person and
 * retention class, and which of it a legal hold keeps. Ids, groups, categories, rules and days only — no value is
 * read or decrypted. It asks the same `dueDates` as the sweep, so a rule change shows here before it erases.
 */

/** The group of a preview item or a disposal figure that stands for the whole person. */
export const WHOLE_PERSON = '*';

/** Storage limitation (GDPR 5(1)(e)) is the organisation's duty, not a purpose a header declares: the gate sets it. */
export const RETENTION = fixedPurpose(
  'retention',
  'Retention',
  'Erasing personal data once its retention period is over, and showing what will go beforehand.',
);

/** The preview looks this far ahead at most (about ten years): further is a rule, not a plan. */
export const PREVIEW_MAX_DAYS = 3660;
/** Items listed one by one at most; the counts cover everything. */
export const PREVIEW_MAX_ITEMS = 5000;

export interface PreviewItem {
  personId: string;
  group: string;
  categories: string[];
  fields: string[];
  rule: string;
  by: 'class' | 'person';
  dueOn: string;
  /** The day the sweep would take it: its due day, or the next sweep's when already past. */
  goesOn: string;
  /** Legal holds that keep it then (RET-1: the hold wins); empty when none. */
  heldBy: string[];
}

export interface RetentionPreview {
  today: string;
  days: number;
  until: string;
  /** Per day and category: how many items go, how many a hold keeps. */
  counts: { goesOn: string; category: string; items: number; held: number }[];
  totals: { persons: number; items: number; held: number };
  items: PreviewItem[];
  truncated: boolean;
}

interface FactsRow {
  id: string;
  registered_on: string;
  last_contact_on: string;
  case_closed_on: string | null;
  claim_decided_on: string | null;
  consent_withdrawn_on: string | null;
  /** The field groups the person has data in: only those can go. */
  groups: string[];
}

interface HoldRow {
  id: string;
  person_id: string;
  categories: string[] | null;
  placed_on: string;
  approved: boolean;
  until_on: string | null;
}

/**
 * The allow event of a retention step about the organisation as a whole (a preview, the sweeps' list, a sweep
 * asked for): it names no person.
 */
export function retentionEvent(scoped: GateRequest, action: string): NewAuditEvent {
  const actor = scoped.actor as Extract<GateRequest['actor'], { kind: 'staff' }>;
  return {
    actor: auditActor(actor),
    ...policyOf(scoped),
    action,
    purpose: RETENTION.name,
    subject: actor.organisationId,
    subjectType: 'organisation',
    decision: 'allow',
    reason: 'ok',
    ...(scoped.requestId ? { requestId: scoped.requestId } : {}),
  };
}

export function checkPreviewDays(days: unknown): number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > PREVIEW_MAX_DAYS) {
    throw new HavenError(
      'retention-preview-days-invalid',
      `Days ahead: a whole number from 0 to ${PREVIEW_MAX_DAYS}.`,
      { status: 422 },
    );
  }
  return days;
}

/**
 * RET-1: for the DPO and supervisors of the organisation. One ledger event for the preview (organisation as
 * subject): it names no person, it lists ids for those who answer for the erasures.
 */
export function retentionPreview(
  ctx: GateContext,
  request: GateRequest,
  options: { days?: unknown },
): Promise<RetentionPreview> {
  const action = 'retention.preview';
  const scoped: GateRequest = { ...request, purpose: RETENTION.name };
  return throughGate(ctx, scoped, action, undefined, async () => {
    const actor = request.actor;
    if (actor.kind !== 'staff' || !['supervisor', 'dpo'].includes(actor.role)) {
      throw new HavenError('access-denied', 'The retention preview is for supervisors and the DPO.', {
        status: 403,
        reason: 'not-permitted',
      });
    }
    const days = checkPreviewDays(options.days ?? 30);
    const today = dayOf(ctx.now());
    const until = addToDay(today, { days });
    const rules = retentionRules(ctx.dictionary);
    return ctx.db.transaction(async (tx) => {
      // The events retention counts from, per active person: registration, last contact (the latest of
      // registration, a change to the record and a recorded contact), closure, claim decision, and the day the last
      // consent was withdrawn when none is left.
      const { rows } = await tx.query<FactsRow>(
        `with consent as (
           select distinct on (person_id, purpose) person_id, action, recorded_at
             from processing_basis where basis = 'consent' order by person_id, purpose, recorded_at desc
         ), withdrawn as (
           select person_id, max(recorded_at) as at from consent group by person_id having bool_and(action = 'withdraw')
         )
         select p.id,
           to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD') as registered_on,
           to_char(greatest((p.created_at at time zone 'UTC')::date, (p.updated_at at time zone 'UTC')::date,
             c.last_contact_on), 'YYYY-MM-DD') as last_contact_on,
           to_char(c.case_closed_on, 'YYYY-MM-DD') as case_closed_on,
           to_char(c.claim_decided_on, 'YYYY-MM-DD') as claim_decided_on,
           to_char(w.at at time zone 'UTC', 'YYYY-MM-DD') as consent_withdrawn_on,
           array(select g.field_group from person_group g where g.person_id = p.id) as groups
         from person p
           left join case_state c on c.person_id = p.id
           left join withdrawn w on w.person_id = p.id
         where p.organisation_id = $1 and p.status = 'active'
         order by p.id`,
        [actor.organisationId],
      );
      const { rows: holdRows } = await tx.query<HoldRow>(
        `select id, person_id, categories, to_char(placed_on, 'YYYY-MM-DD') as placed_on, approved_by is not null as approved,
           to_char(until_on, 'YYYY-MM-DD') as until_on
         from legal_hold where organisation_id = $1 and released_at is null and person_id is not null`,
        [actor.organisationId],
      );
      const holds = new Map<string, HoldRow[]>();
      for (const h of holdRows) holds.set(h.person_id, [...(holds.get(h.person_id) ?? []), h]);

      const items: PreviewItem[] = [];
      const counts = new Map<string, { goesOn: string; category: string; items: number; held: number }>();
      const persons = new Set<string>();
      let total = 0;
      let held = 0;
      const personText = formatRetentionRule(rules.person);
      for (const row of rows) {
        const facts = {
          registeredOn: row.registered_on,
          lastContactOn: row.last_contact_on,
          events: {
            caseClosedOn: row.case_closed_on ?? undefined,
            claimDecidedOn: row.claim_decided_on ?? undefined,
            consentWithdrawnOn: row.consent_withdrawn_on ?? undefined,
          },
        };
        const due = dueDates(facts, rules);
        // A person with no field group left still goes whole under the person-wide rule (their tombstone stays).
        if (row.groups.length === 0) {
          const day = dueOn(rules.person, facts);
          if (day !== null)
            due.push({
              group: WHOLE_PERSON,
              fields: [],
              categories: [],
              rule: personText,
              by: 'person',
              dueOn: day,
            });
        }
        for (const d of due) {
          if (d.dueOn === null || d.dueOn > until) continue;
          if (d.group !== WHOLE_PERSON && !row.groups.includes(d.group)) continue;
          const goesOn = [d.dueOn, today].sort()[1]!;
          // A hold keeps what is due while it holds on that day; its expiry lets the next sweep take it.
          const heldBy = (holds.get(row.id) ?? [])
            .filter(
              (h) =>
                holdCovers(h.categories, d.group === WHOLE_PERSON ? null : d.categories) &&
                holdBlocks(
                  holdState(
                    { placedOn: h.placed_on, approved: h.approved, untilOn: h.until_on, released: false },
                    goesOn,
                  ),
                ),
            )
            .map((h) => h.id);
          persons.add(row.id);
          total++;
          if (heldBy.length > 0) held++;
          for (const category of d.categories) {
            const key = `${goesOn} ${category}`;
            const c = counts.get(key) ?? { goesOn, category, items: 0, held: 0 };
            c.items++;
            if (heldBy.length > 0) c.held++;
            counts.set(key, c);
          }
          if (items.length < PREVIEW_MAX_ITEMS) {
            items.push({
              personId: row.id,
              group: d.group,
              categories: [...d.categories],
              fields: [...d.fields],
              rule: d.rule,
              by: d.by,
              dueOn: d.dueOn,
              goesOn,
              heldBy,
            });
          }
        }
      }
      await recordAuditEvents(tx, [retentionEvent(scoped, action)]);
      items.sort((x, y) =>
        x.goesOn === y.goesOn ? (x.personId < y.personId ? -1 : 1) : x.goesOn < y.goesOn ? -1 : 1,
      );
      return {
        today,
        days,
        until,
        counts: [...counts.values()].sort((x, y) =>
          x.goesOn === y.goesOn ? (x.category < y.category ? -1 : 1) : x.goesOn < y.goesOn ? -1 : 1,
        ),
        totals: { persons: persons.size, items: total, held },
        items,
        truncated: total > items.length,
      };
    });
  });
}
