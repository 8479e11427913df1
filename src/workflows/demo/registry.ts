import { HavenError } from '../../domain/errors.ts';
import type { BasisInput } from '../../gate/basis-input.ts';
import { type Actor, auditActor, type GateRequest } from '../../gate/context.ts';
import type { Gate } from '../../gate/service.ts';
import type { Organisation } from '../../identity/accounts.ts';
import type { IdentityContext } from '../../identity/context.ts';
import type { IncidentKeys } from '../../incidents/register.ts';
import type { Monitor } from '../../monitoring/monitor.ts';

import type { AccessReviews } from '../../reviews/service.ts';
import type { Database } from '../../store/database.ts';
import { createDemoGovernance, type DemoGovernance } from './governance.ts';
import { createDemoIncident, type DemoIncident } from './incidents.ts';
import { createDemoAlerts, type DemoAlerts } from './monitoring.ts';
import { createDemoPartners, type DemoPartner } from './partners.ts';
import { type ConsentMethod, type DemoPerson, type DemoPlan, generateDemoPlan } from './people.ts';
import { createDemoReviews, type DemoReviews } from './reviews.ts';
import { createDemoRights, type DemoCard } from './rights.ts';
import { createDemoStaff, type DemoCredential } from './staff.ts';

/**
 * `haven demo`: a demo organisation with staff of every role and a registry of synthetic people, written through
 * the gate exactly as staff would write it — purpose, consent recorded with its notice, policies, per-person keys,
 * blind indexes, ledger events — by the demo staff themselves (as if signed in with password and TOTP).
 * Households are registered concurrently, each in order: the head, the others linked to the head, then the head's
 * links to them; then caseload assignments, consents for other purposes, and the withdrawals.
 *
 * Nothing is processed without an approved DPIA (PUR-6): before the people, the demo's supervisor writes and its
 * DPO approves one for each purpose that has none yet, and one is left expired to show the gate stop its purpose
 * (governance.ts).
 */

export const DEMO_LIMITS = {
  people: { min: 1, max: 1_000_000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  concurrency: { min: 1, max: 64 },
} as const;

export interface DemoOptions {
  organisation: string;
  people: number;
  seed: number;
  concurrency: number;
  /** Called as people are registered (after each household). */
  onProgress?: (registered: number, total: number) => void;
}

export interface DemoSummary {
  seed: number;
  people: number;
  households: number;
  nearDuplicates: number;
  consentsGiven: number;
  consentsWithdrawn: number;
  caseloadAssignments: number;
  /** Calls through the gate (registrations, updates, consents, withdrawals, assignments). */
  gateCalls: number;
  concurrency: number;
  /** Registering the people, staff set-up excluded. */
  seconds: number;
  peoplePerSecond: number;
}

export interface DemoResult {
  organisation: Organisation;
  staff: DemoCredential[];
  governance: DemoGovernance;
  /** Partners with their agreements (issue 17): an NGO and the host state's authority. */
  partners: DemoPartner[];
  /** Portal cards (code and PIN, printed once) and the open rights requests made for demo people. */
  rights: { cards: DemoCard[]; requests: number };
  /** One open incident whose authority notification is due (BRE-1, BRE-2). */
  incident: DemoIncident;
  /** One open access review campaign, with training and break-glass eligibility recorded (ACC-7). */
  reviews: DemoReviews;
  /** A few anomaly alerts for the DPO, raised by the monitor from reads through the gate (AUD-6). */
  alerts: DemoAlerts;
  summary: DemoSummary;
  /** The id Haven gave each planned person, by plan index. */
  personIds: string[];
}

/** Reads a whole-number option; anything else is refused with a stable code naming the option. */
export function demoNumber(name: keyof typeof DEMO_LIMITS, raw: string | number | undefined): number {
  const { min, max } = DEMO_LIMITS[name];
  const text = String(raw ?? '').trim();
  const value = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HavenError(
      `demo-${name}-invalid`,
      `--${name} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}.`,
      { status: 400 },
    );
  }
  return value;
}

interface Team {
  clerks: Actor[];
  caseworkers: Actor[];
  supervisor: Actor;
  dpo: Actor;
}

function teamOf(staff: readonly DemoCredential[], organisationId: string): Team {
  const actor = (c: DemoCredential): Actor => ({
    kind: 'staff',
    accountId: c.accountId,
    organisationId,
    role: c.role,
    tier: c.tier,
    assurance: 2,
  });
  const byRole = (role: string) => staff.filter((c) => c.role === role).map(actor);
  return {
    clerks: byRole('clerk'),
    caseworkers: byRole('caseworker'),
    supervisor: byRole('supervisor')[0]!,
    dpo: byRole('dpo')[0]!,
  };
}

const demoName = (values: Record<string, unknown>) =>
  [values['given-name-latin'] ?? values['given-name'], values['family-name-latin'] ?? values['family-name']]
    .filter((v) => typeof v === 'string')
    .join(' ');

const accountOf = (actor: Actor) => (actor.kind === 'staff' ? actor.accountId : '');

export async function createDemoRegistry(
  haven: {
    gate: Gate;
    db: Database;
    identity: IdentityContext;
    incidents: { keys: IncidentKeys };
    reviews: AccessReviews;
    monitor: Monitor;
  },
  options: DemoOptions,
): Promise<DemoResult> {
  const plan = generateDemoPlan(options.people, options.seed);
  const { organisation, staff } = await createDemoStaff(
    haven.db,
    haven.identity,
    options.organisation,
    plan.staff,
  );
  const team = teamOf(staff, organisation.id);
  const governance = await createDemoGovernance(
    { db: haven.db, dictionary: haven.gate.dictionary, purposes: haven.gate.purposes },
    organisation.id,
    team,
    auditActor,
    new Date(),
  );
  const partners = await createDemoPartners(
    { db: haven.db, dictionary: haven.gate.dictionary, purposes: haven.gate.purposes },
    organisation.id,
    team,
    auditActor,
    new Date(),
  );
  const ids: string[] = new Array(plan.people.length);
  const counts = { gateCalls: 0, consentsGiven: 0, consentsWithdrawn: 0, caseloadAssignments: 0, done: 0 };
  const started = performance.now();
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < plan.households.length) {
      const household = plan.households[next++]!;
      try {
        await registerHousehold(haven.gate, plan, household, ids, team, counts);
      } catch (error) {
        failed = true;
        throw error;
      }
      counts.done += household.length;
      options.onProgress?.(counts.done, plan.people.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, plan.households.length));
  const results = await Promise.allSettled(Array.from({ length: workers }, worker));
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  const seconds = (performance.now() - started) / 1000;
  // The first people who are nobody's duplicate get cards, and some an open request (the portal, the work list).
  const originals = plan.people
    .filter((p) => p.duplicateOf === undefined)
    .map((p) => ({ id: ids[p.index]!, name: demoName(p.values) }));
  const rights = await createDemoRights(haven.gate, originals, team.clerks[0]!, options.seed);
  const reviews = await createDemoReviews(haven.reviews, organisation.id, staff, new Date());
  const alerts = await createDemoAlerts(
    haven,
    organisation.id,
    team,
    {
      all: ids,
      outsideFirstCaseload: plan.people.filter((p) => p.caseworker !== 0).map((p) => ids[p.index]!),
    },
    options.seed,
  );
  // After the alerts: the incident is the supervisor's account, whose reads the outside-caseload alert names, and
  // its window covers them (BRE-3 finds those people).
  const incident = await createDemoIncident(
    haven.db,
    haven.incidents.keys,
    organisation.id,
    team.dpo,
    team.supervisor,
    new Date(),
  );
  return {
    incident,

    reviews,
    alerts,

    organisation,
    staff,
    governance,
    partners,
    rights,
    personIds: ids,
    summary: {
      seed: options.seed,
      people: plan.people.length,
      households: plan.households.length,
      nearDuplicates: plan.people.filter((p) => p.duplicateOf !== undefined).length,
      consentsGiven: counts.consentsGiven,
      consentsWithdrawn: counts.consentsWithdrawn,
      caseloadAssignments: counts.caseloadAssignments,
      gateCalls: counts.gateCalls,
      concurrency: workers,
      seconds: Math.round(seconds * 100) / 100,
      peoplePerSecond: Math.round(plan.people.length / seconds),
    },
  };
}

function consent(ctx: Gate, purpose: string, person: DemoPerson, method: ConsentMethod, team: Team) {
  const version = ctx.notices.versions(purpose)[0];
  if (version === undefined) {
    throw new HavenError(
      'demo-notice-missing',
      `There is no privacy notice for ${purpose} to record consent with.`,
      {
        status: 409,
      },
    );
  }
  const witness = team.clerks[(person.clerk + 1) % team.clerks.length]!;
  const basis: BasisInput = {
    kind: 'consent',
    noticeVersion: version,
    noticeLanguage: person.noticeLanguage,
    method,
    ...(method === 'oral-with-witness' ? { witnessAccountId: accountOf(witness) } : {}),
    ...(method === 'guardian' ? { guardianRelationship: 'parent' } : {}),
  };
  return basis;
}

function familyLinks(person: DemoPerson, ids: readonly string[]): Record<string, unknown>[] {
  return [
    ...person.relatives.map((r) => ({
      person: ids[r.index]!,
      relationship: r.relationship,
      situation: 'same-household',
    })),
    ...person.otherRelatives,
  ];
}

async function registerHousehold(
  ctx: Gate,
  plan: DemoPlan,
  household: readonly number[],
  ids: string[],
  team: Team,
  counts: {
    gateCalls: number;
    consentsGiven: number;
    consentsWithdrawn: number;
    caseloadAssignments: number;
  },
): Promise<void> {
  const as = (actor: Actor, purpose: string, index: number): GateRequest => ({
    actor,
    purpose,
    requestId: `demo-${plan.seed}-${index}`,
  });
  for (const index of household) {
    const person = plan.people[index]!;
    const values = { ...person.values };
    const links = person.linksAfterHousehold ? [] : familyLinks(person, ids);
    if (links.length > 0) values['family-links'] = links;
    const registered = await ctx.registerPerson(as(team.clerks[person.clerk]!, 'registration', index), {
      values,
      basis: consent(ctx, 'registration', person, person.registration.method, team),
    });
    ids[index] = registered.id;
    counts.gateCalls++;
    counts.consentsGiven++;
  }
  const head = plan.people[household[0]!]!;
  if (head.linksAfterHousehold) {
    await ctx.updatePerson(as(team.clerks[head.clerk]!, 'registration', head.index), ids[head.index]!, {
      'family-links': familyLinks(head, ids),
    });
    counts.gateCalls++;
  }
  for (const index of household) {
    const person = plan.people[index]!;
    const id = ids[index]!;
    const clerk = team.clerks[person.clerk]!;
    const caseworker = person.caseworker === undefined ? undefined : team.caseworkers[person.caseworker]!;
    if (caseworker) {
      await ctx.setCaseload(as(team.supervisor, 'registration', index), id, accountOf(caseworker), true);
      counts.gateCalls++;
      counts.caseloadAssignments++;
    }
    for (const given of person.consents) {
      const by = given.by === 'caseworker' && caseworker ? caseworker : clerk;
      await ctx.giveBasis(
        as(by, given.purpose, index),
        id,
        given.purpose,
        consent(ctx, given.purpose, person, given.method, team),
      );
      counts.gateCalls++;
      counts.consentsGiven++;
    }
    // Withdrawals come later in life; here they follow at once. The DPO records a withdrawal of registration
    // consent, which comes with a rights request.
    for (const given of person.consents.filter((c) => c.withdrawn)) {
      const by = given.by === 'caseworker' && caseworker ? caseworker : clerk;
      await ctx.withdrawConsent(as(by, given.purpose, index), id, given.purpose);
      counts.gateCalls++;
      counts.consentsWithdrawn++;
    }
    if (person.registration.withdrawn) {
      await ctx.withdrawConsent(as(team.dpo, 'registration', index), id, 'registration');
      counts.gateCalls++;
      counts.consentsWithdrawn++;
    }
  }
}
