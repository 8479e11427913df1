import type { AuditEvent } from '../ledger/events.ts';
import { DemoRandom } from '../workflows/demo/random.ts';
import type { Explanation } from './accesses.ts';
import type { Rule } from './thresholds.ts';

/**
 * Synthetic staff work for measuring the anomaly rules (AUD-6): seeded, so a figure can be reproduced. Normal work —
 * clerks registering (a duplicate search, the registration, a look at what they registered), caseworkers reading
 * their caseload and now and then covering a colleague's, supervisors reviewing corrections, partners verifying —
 * with its ordinary irregularities (overtime, a covered caseload, a refused read), plus injected insider
 * scenarios. Events have the shape the gate writes; explanations come from the world's facts (caseloads, who
 * registered whom, corrections under review), as the gate derives them from its tables.
 */

export const SCENARIOS = ['celebrity', 'night-pull', 'partner-burst', 'fishing', 'bulk-export'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The alert each scenario is meant to raise. */
export const INTENDED: Record<Scenario, Rule> = {
  celebrity: 'outside-caseload',
  'night-pull': 'volume',
  'partner-burst': 'volume',
  fishing: 'fishing',
  'bulk-export': 'bulk-export',
};

export interface Injected {
  scenario: Scenario;
  actor: string;
  from: number;
  to: number;
}

export interface SyntheticDay {
  day: number;
  entries: { event: AuditEvent; explanation: Explanation | null }[];
  injected: Injected[];
  /** Staff (not partners) who worked that day. */
  staffWorking: number;
}

type Role = 'clerk' | 'caseworker' | 'supervisor';

interface Member {
  id: string;
  role: Role;
  /** First hour of the shift (UTC) and its length. */
  start: number;
  hours: number;
  /** Accesses per working hour this person tends to make. */
  pace: number;
  caseload: string[];
  inCaseload: Set<string>;
}

interface Partner {
  id: string;
  pace: number;
}

export interface WorldOptions {
  seed: number | string;
  staff: number;
  /** The first day (UTC midnight, ms). */
  start?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class SyntheticWorld {
  /** Fixed: only the seed tells two runs apart. */
  readonly organisation = '00000000-0000-4000-a000-000000000001';
  readonly staff: Member[] = [];
  readonly partners: Partner[] = [];
  readonly #random: DemoRandom;
  /** Scenarios draw from their own stream: the normal work of a run is the same with or without them. */
  readonly #scenarioRandom: DemoRandom;
  readonly #start: number;
  readonly #registeredBy = new Map<string, string>();
  readonly #corrections = new Map<string, Set<string>>();
  readonly #persons: string[] = [];
  #ids = 0;

  constructor(options: WorldOptions) {
    this.#random = new DemoRandom(options.seed);
    this.#scenarioRandom = new DemoRandom(`${options.seed}:scenarios`);
    this.#start = options.start ?? Date.parse('2026-01-05T00:00:00Z');
    const r = this.#random;
    for (let i = 0; i < 2_000 + options.staff * 40; i++) this.#persons.push(this.#id());
    for (let i = 0; i < options.staff; i++) {
      const role: Role = r.weighted([
        ['clerk', 4],
        ['caseworker', 5],
        ['supervisor', 1],
      ]);
      const caseload =
        role === 'caseworker' ? Array.from({ length: r.int(25, 60) }, () => r.pick(this.#persons)) : [];
      this.staff.push({
        id: this.#id(),
        role,
        start: r.int(6, 10),
        hours: r.int(7, 9),
        pace: role === 'caseworker' ? r.int(6, 18) : role === 'clerk' ? r.int(3, 6) : r.int(2, 5),
        caseload,
        inCaseload: new Set(caseload),
      });
    }
    for (let i = 0; i < Math.max(1, Math.round(options.staff / 20)); i++)
      this.partners.push({ id: this.#id(), pace: r.int(2, 8) });
  }

  /** Ids drawn from the seed, so that a run is reproducible to the byte. */
  #id(): string {
    const r = this.#random;
    const hex = (n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join('');
    this.#ids++;
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  }

  /** What the data says about this access (the gate's explanation, from the world's facts). */
  explain(account: string, person: string, member?: Member): Explanation | null {
    if (member?.inCaseload.has(person)) return 'caseload';
    if (this.#registeredBy.get(person) === account) return 'registration';
    if (this.#corrections.get(person)?.has(account)) return 'correction';
    return null;
  }

  /** Midnight (UTC, ms) of day `day` of the run. */
  dayStart(day: number): number {
    return this.#start + day * DAY;
  }

  /** One day of work; `inject` lists the scenarios to play that day. */

  day(day: number, inject: readonly Scenario[] = []): SyntheticDay {
    const r = this.#random;
    const midnight = this.#start + day * DAY;
    const entries: SyntheticDay['entries'] = [];
    const weekday = new Date(midnight).getUTCDay();
    let staffWorking = 0;
    const emit = (
      at: number,
      actor: { account?: string; partner?: string; role?: Role },
      action: string,
      person: string | null,
      extra: Partial<AuditEvent> = {},
      member?: Member,
    ) => {
      const event: AuditEvent = {
        v: 1,
        time: new Date(at).toISOString(),
        actor: actor.partner
          ? { kind: 'partner', partner: actor.partner, organisation: this.organisation }
          : { kind: 'staff', account: actor.account!, organisation: this.organisation, role: actor.role! },
        action,
        ...(person ? { subject: person, subjectType: 'person' as const } : {}),
        decision: 'allow',
        reason: 'ok',
        ...extra,
      };
      const explanation =
        person && actor.account && event.decision === 'allow'
          ? this.explain(actor.account, person, member)
          : null;
      entries.push({ event, explanation });
    };
    const otherPerson = () => r.pick(this.#persons);

    for (const m of this.staff) {
      // Weekdays, with the odd day off.
      if (weekday === 0 || weekday === 6 || r.chance(0.05)) continue;
      staffWorking++;
      const covering = m.role === 'caseworker' && r.chance(0.02);
      const overtime = r.chance(0.05) ? 1 : 0;
      for (let h = 0; h < m.hours + overtime; h++) {
        const hourStart = midnight + (m.start + h) * HOUR;
        const at = () => hourStart + r.int(0, HOUR - 1);
        const count = poisson(r, m.pace);
        for (let k = 0; k < count; k++) {
          const t = at();
          const actor = { account: m.id, role: m.role };
          if (m.role === 'clerk') {
            // A registration: the duplicate search first (a near match or two), then the record, then a look at it.
            const requestId = `s${this.#ids++}`;
            const hits = poisson(r, 0.7);
            for (let i = 0; i < hits; i++)
              emit(t, actor, 'person.search-result', otherPerson(), { requestId }, m);
            emit(t, actor, 'person.search', null, { requestId }, m);
            const person = this.#id();
            this.#persons.push(person);
            this.#registeredBy.set(person, m.id);
            emit(t + 1000, actor, 'person.register', person, {}, m);
            emit(t + 2000, actor, 'person.read', person, {}, m);
            // Now and then a colleague's registration (a family member, a question at the desk).
            if (r.chance(0.01)) emit(t + 3000, actor, 'person.read', otherPerson(), {}, m);
          } else if (m.role === 'caseworker') {
            const person = covering && r.chance(0.3) ? otherPerson() : r.pick(m.caseload);
            if (r.chance(0.03)) {
              emit(
                t,
                actor,
                'person.read',
                person,
                { decision: 'deny', reason: 'tier-too-low', requestId: `d${this.#ids++}` },
                m,
              );
            } else if (r.chance(0.1)) {
              const requestId = `s${this.#ids++}`;
              emit(t, actor, 'person.search-result', person, { requestId }, m);
              if (r.chance(0.3)) emit(t, actor, 'person.search-result', otherPerson(), { requestId }, m);
              emit(t, actor, 'person.search', null, { requestId }, m);
            } else {
              emit(t, actor, 'person.read', person, {}, m);
            }
          } else {
            // Supervisors read to review the corrections put to them; rarely anything else.
            const person = otherPerson();
            if (!r.chance(0.03)) {
              const reviewers = this.#corrections.get(person) ?? new Set<string>();
              reviewers.add(m.id);
              this.#corrections.set(person, reviewers);
            }
            emit(t, actor, 'person.read', person, {}, m);
          }
        }
      }
    }
    for (const p of this.partners) {
      // Partners' systems ask during their business hours, every day.
      for (let h = 8; h < 18; h++) {
        const count = poisson(r, p.pace);
        for (let k = 0; k < count; k++)
          emit(midnight + h * HOUR + r.int(0, HOUR - 1), { partner: p.id }, 'sharing.verify', otherPerson(), {
            reason: 'match',
          });
      }
    }

    const injected: Injected[] = [];
    for (const scenario of inject) injected.push(this.#inject(scenario, midnight, emit));
    entries.sort((x, y) => (x.event.time < y.event.time ? -1 : x.event.time > y.event.time ? 1 : 0));
    return { day, entries, injected, staffWorking };
  }

  #inject(
    scenario: Scenario,
    midnight: number,
    emit: (
      at: number,
      actor: { account?: string; partner?: string; role?: Role },
      action: string,
      person: string | null,
      extra?: Partial<AuditEvent>,
      member?: Member,
    ) => void,
  ): Injected {
    const r = this.#scenarioRandom;
    const of = (role: Role) => r.pick(this.staff.filter((m) => m.role === role));
    if (scenario === 'celebrity') {
      // A clerk looks up a well-known person a few times in the day, between their own registrations.
      const m = of('clerk');
      const celebrity = this.#persons[0]!;
      const from = midnight + (m.start + 1) * HOUR;
      for (let i = 0; i < 4; i++)
        emit(from + i * 40 * 60_000, { account: m.id, role: 'clerk' }, 'person.read', celebrity, {}, m);
      return { scenario, actor: m.id, from, to: from + 3 * HOUR };
    }
    if (scenario === 'night-pull') {
      // A caseworker pulls hundreds of records at night, most of them not theirs.
      const m = of('caseworker');
      const from = midnight + 1 * HOUR;
      for (let i = 0; i < 300; i++)
        emit(
          from + i * 20_000,
          { account: m.id, role: 'caseworker' },
          'person.read',
          r.chance(0.1) ? r.pick(m.caseload) : r.pick(this.#persons),
          {},
          m,
        );
      return { scenario, actor: m.id, from, to: from + 2 * HOUR };
    }
    if (scenario === 'partner-burst') {
      // A partner's system asks a burst of verification questions: someone enumerating.
      const p = r.pick(this.partners);
      const from = midnight + 14 * HOUR;
      for (let i = 0; i < 150; i++)
        emit(from + i * 8_000, { partner: p.id }, 'sharing.verify', r.pick(this.#persons), {
          reason: r.chance(0.5) ? 'match' : 'no-match',
        });
      return { scenario, actor: `partner:${p.id}`, from, to: from + HOUR };
    }
    if (scenario === 'fishing') {
      // A caseworker searching again and again, each search turning up people outside their caseload.
      const m = of('caseworker');
      const from = midnight + (m.start + 2) * HOUR;
      for (let s = 0; s < 8; s++) {
        const requestId = `f${this.#ids++}`;
        const t = from + s * 4 * 60_000;
        for (let k = 0; k < 4; k++)
          emit(
            t,
            { account: m.id, role: 'caseworker' },
            'person.search-result',
            r.pick(this.#persons),
            { requestId },
            m,
          );
        emit(t, { account: m.id, role: 'caseworker' }, 'person.search', null, { requestId }, m);
      }
      return { scenario, actor: m.id, from, to: from + HOUR };
    }
    // A caseworker's releases in bulk: a hundred and twenty persons in an hour.
    const m = of('caseworker');
    const from = midnight + (m.start + 3) * HOUR;
    for (let i = 0; i < 120; i++)
      emit(
        from + i * 25_000,
        { account: m.id, role: 'caseworker' },
        'sharing.release',
        r.pick(m.caseload),
        {},
        m,
      );
    return { scenario, actor: m.id, from, to: from + HOUR };
  }
}

/** Knuth's method: fine for the small rates of one person's hour. */
function poisson(r: DemoRandom, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = r.next();
  while (p > limit) {
    k++;
    p *= r.next();
  }
  return k;
}
