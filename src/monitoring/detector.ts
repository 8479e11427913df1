import type { AuditEvent } from '../ledger/events.ts';
import {
  type Access,
  accessOf,
  countsAsAccess,
  countsAsDenial,
  type Explanation,
  needsExplanation,
} from './accesses.ts';
import { type Baseline, hourlyRate, hourShare, poissonUpperTail, trusted } from './baseline.ts';
import type { Rule, Thresholds } from './thresholds.ts';

/**
 * The streaming rules of AUD-6: fed every ledger entry once, in ledger order, with the explanation the data gives
 * for it (or none). Each actor keeps a few small windows in memory; an entry costs a handful of array operations.
 * The monitor (monitor.ts) and `haven monitoring evaluate` (evaluate.ts) run this same class.
 */

export interface LedgerEntry {
  /** The entry's number in the ledger (audit_event.seq), shown as evidence. */
  entry: number;
  event: AuditEvent;
}

/** An alert as the rules raise it: which rule, about whom, the ledger entries, and numbers for the explanation. */
export interface AlertDraft {
  rule: Rule;
  organisation: string;
  /** The staff account id, or `partner:<id>`. */
  actor: string;
  evidence: number[];
  /** The plain explanation: message code `anomaly.<rule>` with numbers only (never a personal value). */
  params: Record<string, number>;
  time: Date;
  /** False when it adds evidence to an alert the rule already raised on this actor in the same window. */
  first: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Evidence kept per alert: enough to show the pattern, bounded so a flood does not make a huge row. */
export const MAX_EVIDENCE = 500;

interface Mark {
  t: number;
  entry: number;
}

class Window {
  marks: Mark[] = [];
  push(mark: Mark, span: number): void {
    this.marks.push(mark);
    this.prune(mark.t, span);
  }
  prune(now: number, span: number): void {
    let drop = 0;
    while (drop < this.marks.length && this.marks[drop]!.t <= now - span) drop++;
    if (drop > 0) this.marks.splice(0, drop);
  }
  get size(): number {
    return this.marks.length;
  }
  entries(): number[] {
    return this.marks.slice(-MAX_EVIDENCE).map((m) => m.entry);
  }
}

interface ActorState {
  organisation: string;
  /** The clock hour counted now, and what fell in it. */
  hourStart: number;
  hourEntries: number[];
  offHoursEntries: number[];
  outside: Window;
  fishingSearches: Window;
  fishingHits: Window;
  exports: Window;
  denials: Window;
  denialKeys: Set<string>;
  breakGlass: Window;
  /** Search hits not yet closed by their search event: unexplained ones, by request. */
  openHits: Map<string, number[]>;
  /** Per rule: until when a new alert is not raised again (its evidence is added to the open one instead). */
  quietUntil: Map<Rule, number>;
  lastSeen: number;
}

export interface DetectorOptions {
  thresholds(organisation: string): Thresholds;
  baseline(actor: string): Baseline | undefined;
}

export class Detector {
  readonly #options: DetectorOptions;
  readonly #actors = new Map<string, ActorState>();
  #observed = 0;

  constructor(options: DetectorOptions) {
    this.#options = options;
  }

  /** How many actors the detector holds state for (memory stays bounded: idle actors are forgotten). */
  get actors(): number {
    return this.#actors.size;
  }

  /**
   * Judges one ledger entry. `explanation`: for accesses that need one (needsExplanation), what explains it, or
   * null when nothing does; ignored for the rest.
   */
  observe(entry: LedgerEntry, explanation: Explanation | null): AlertDraft[] {
    const access = accessOf(entry.event);
    if (!access) return [];
    const t = access.time.getTime();
    const state = this.#state(access, t);
    const thresholds = this.#options.thresholds(access.organisation);
    const alerts: AlertDraft[] = [];
    const raise = (rule: Rule, evidence: number[], params: Record<string, number>, span: number) => {
      const quiet = state.quietUntil.get(rule) ?? Number.NEGATIVE_INFINITY;
      const first = t >= quiet;
      if (first) state.quietUntil.set(rule, t + span);
      alerts.push({
        rule,
        organisation: access.organisation,
        actor: access.actor,
        evidence: first ? evidence.slice(-MAX_EVIDENCE) : [entry.entry],
        params,
        time: access.time,
        first,
      });
    };
    const unexplained = needsExplanation(access) && explanation === null;

    if (countsAsDenial(access)) this.#denial(access, entry, state, thresholds, raise);

    if (countsAsAccess(access)) this.#volumeAndHours(access, entry, state, thresholds, raise);
    if (unexplained && (access.kind === 'read' || access.kind === 'export')) {
      state.outside.push({ t, entry: entry.entry }, DAY);
      if (state.outside.size >= thresholds.outsideCaseloadPerDay)
        raise(
          'outside-caseload',
          state.outside.entries(),
          { count: state.outside.size, threshold: thresholds.outsideCaseloadPerDay, hours: 24 },
          DAY,
        );
    }
    if (access.kind === 'search-hit' && unexplained) {
      const key = access.requestId ?? '';
      state.openHits.set(key, [...(state.openHits.get(key) ?? []), entry.entry]);
    }
    if (access.kind === 'search' && !access.denied) {
      const hits = state.openHits.get(access.requestId ?? '') ?? [];
      state.openHits.delete(access.requestId ?? '');
      state.fishingSearches.prune(t, HOUR);
      state.fishingHits.prune(t, HOUR);
      // Fishing: searches that keep turning up people the data gives this person no reason to look at.
      if (hits.length >= thresholds.fishingHitsPerSearch) {
        state.fishingSearches.push({ t, entry: entry.entry }, HOUR);
        for (const hit of hits) state.fishingHits.push({ t, entry: hit }, HOUR);
        if (state.fishingSearches.size >= thresholds.fishingSearchesPerHour)
          raise(
            'fishing',
            [...state.fishingSearches.entries(), ...state.fishingHits.entries()].sort((a, b) => a - b),
            {
              searches: state.fishingSearches.size,
              hits: state.fishingHits.size,
              threshold: thresholds.fishingSearchesPerHour,
              hitsPerSearch: thresholds.fishingHitsPerSearch,
            },
            HOUR,
          );
      }
    }
    if (access.kind === 'export' && !access.denied) {
      state.exports.push({ t, entry: entry.entry }, HOUR);
      if (state.exports.size >= thresholds.bulkPersonsPerHour)
        raise(
          'bulk-export',
          state.exports.entries(),
          { persons: state.exports.size, threshold: thresholds.bulkPersonsPerHour },
          HOUR,
        );
    }
    if (access.kind === 'break-glass' && !access.denied) {
      state.breakGlass.push({ t, entry: entry.entry }, 7 * DAY);
      if (state.breakGlass.size >= thresholds.breakGlassPerWeek)
        raise(
          'frequent-break-glass',
          state.breakGlass.entries(),
          { count: state.breakGlass.size, threshold: thresholds.breakGlassPerWeek, days: 7 },
          7 * DAY,
        );
    }
    if (++this.#observed % 10_000 === 0) this.#forgetIdle(t);
    return alerts;
  }

  #state(access: Access, t: number): ActorState {
    let state = this.#actors.get(access.actor);
    if (!state) {
      state = {
        organisation: access.organisation,
        hourStart: Math.floor(t / HOUR) * HOUR,
        hourEntries: [],
        offHoursEntries: [],
        outside: new Window(),
        fishingSearches: new Window(),
        fishingHits: new Window(),
        exports: new Window(),
        denials: new Window(),
        denialKeys: new Set(),
        breakGlass: new Window(),
        openHits: new Map(),
        quietUntil: new Map(),
        lastSeen: t,
      };
      this.#actors.set(access.actor, state);
    }
    state.lastSeen = t;
    const hourStart = Math.floor(t / HOUR) * HOUR;
    if (hourStart !== state.hourStart) {
      state.hourStart = hourStart;
      state.hourEntries = [];
      state.offHoursEntries = [];
      // Hits of a search whose own event never came (a failed search) are not carried into the next hour.
      state.openHits.clear();
    }
    return state;
  }

  #volumeAndHours(
    access: Access,
    entry: LedgerEntry,
    state: ActorState,
    t: Thresholds,
    raise: (rule: Rule, evidence: number[], params: Record<string, number>, span: number) => void,
  ): void {
    state.hourEntries.push(entry.entry);
    const baseline = this.#options.baseline(access.actor);
    const count = state.hourEntries.length;
    // Volume (AUD-6): the chance of this many accesses in one hour for someone working at their own usual rate.
    if (count >= t.volumeMinimum) {
      const rate = hourlyRate(baseline, t);
      const p = poissonUpperTail(count, rate);
      if (p < t.volumePValue)
        raise(
          'volume',
          state.hourEntries,
          {
            count,
            expected: Math.round(rate * 10) / 10,
            baselineDays: trusted(baseline, t) ? baseline.activeDays : 0,
          },
          HOUR - (access.time.getTime() - state.hourStart),
        );
    }
    // Off-hours: work in an hour of the day this person hardly ever works in.
    const hour = access.time.getUTCHours();
    const share = hourShare(baseline, hour, t);
    if (share !== undefined && share < t.offHoursShare) {
      state.offHoursEntries.push(entry.entry);
      if (state.offHoursEntries.length >= t.offHoursMinimum)
        raise(
          'off-hours',
          state.offHoursEntries,
          {
            count: state.offHoursEntries.length,
            hour,
            usualPercent: Math.round(share * 1000) / 10,
            threshold: t.offHoursMinimum,
          },
          HOUR - (access.time.getTime() - state.hourStart),
        );
    }
  }

  #denial(
    access: Access,
    entry: LedgerEntry,
    state: ActorState,
    t: Thresholds,
    raise: (rule: Rule, evidence: number[], params: Record<string, number>, span: number) => void,
  ): void {
    const time = access.time.getTime();
    state.denials.prune(time, HOUR);
    // The groups of one refused request are several deny events: one refusal.
    const key = access.requestId ?? `${entry.event.action}:${access.person ?? ''}:${entry.event.time}`;
    if (state.denials.size === 0 || state.denialKeys.size > 10_000) state.denialKeys.clear();
    if (state.denialKeys.has(key)) return;
    state.denialKeys.add(key);
    state.denials.push({ t: time, entry: entry.entry }, HOUR);
    if (state.denials.size >= t.denialsPerHour)
      raise(
        'repeated-denials',
        state.denials.entries(),
        { denials: state.denials.size, threshold: t.denialsPerHour },
        HOUR,
      );
  }

  /** Actors silent for more than a week hold nothing the rules still need. */
  #forgetIdle(now: number): void {
    for (const [actor, state] of this.#actors) if (state.lastSeen < now - 7 * DAY) this.#actors.delete(actor);
  }
}
