import { randomUUID } from 'node:crypto';
import { ROLES } from '../domain/roles.ts';
import type { PolicyEngine } from './engine.ts';
import {
  type BasisState,
  type DecisionRequest,
  PERSON_RECORD_ACTIONS,
  type PersonFacts,
  type PolicyAction,
  type PrincipalFacts,
  type ResourceFacts,
  type StaffFacts,
} from './requests.ts';

/**
 * Random concrete decision requests over the whole vocabulary — every role, tier, action and resource type, with
 * organisations, caseloads and proposers that sometimes coincide and sometimes not — to compare the fast path with
 * plain Cedar. Used by the tests and whenever a new policy version is activated.
 */

type Random = () => number;

/** A small seeded generator (mulberry32), so a failing sample can be replayed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const GROUPS = [
  'identity',
  'contact',
  'location',
  'family',
  'documents',
  'legal-status',
  'specific-needs',
  'protection',
  'case-notes',
  'biometrics',
];
const PURPOSES = [
  'registration',
  'protection-case-management',
  'assistance-distribution',
  'family-tracing-reunification',
  'resettlement-referral',
  'statistics',
  'law-enforcement',
  'immigration-enforcement',
  // Purposes a restriction of processing (GDPR 18) lets through.
  'rights-request',
  'legal-claims',
];
const BASES = ['consent', 'vital-interest', 'public-interest', 'legitimate-interest', 'legal-obligation'];
const STATES: BasisState[] = ['active', 'withdrawn', 'expired', 'none', 'not-applicable'];
const ACTIONS: PolicyAction[] = [
  'read',
  'write',
  ...PERSON_RECORD_ACTIONS,
  'search',
  'propose-correction',
  'approve-correction',
  'approve-legal-hold',
  'approve-policy-change',
  'release',
  'verify',
];
const PARTNER_KINDS = [
  'un-agency',
  'ngo',
  'service-provider',
  'host-state-authority',
  'origin-state-authority',
];
const COUNTRIES = ['SYR', 'AFG', 'UKR', 'TUR', 'SDN'];

export function sampleRequest(random: Random): DecisionRequest {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const subset = <T>(items: readonly T[]): T[] => items.filter(() => random() < 0.4);
  const orgs = [randomUUID(), randomUUID(), randomUUID()];
  const staffPool: StaffFacts[] = Array.from({ length: 4 }, () => ({
    type: 'Staff',
    id: randomUUID(),
    organisation: random() < 0.7 ? orgs[0]! : pick(orgs),
    role: pick(ROLES),
    tier: 1 + Math.floor(random() * 4),
  }));
  const action = pick(ACTIONS);
  const partnerKind = pick(PARTNER_KINDS);
  const partner = (): PrincipalFacts => ({
    type: 'Partner',
    id: randomUUID(),
    organisation: random() < 0.8 ? orgs[0]! : pick(orgs),
    kind: partnerKind,
    actsFor: partnerKind.endsWith('authority') ? pick(COUNTRIES) : '',
  });
  const principal: PrincipalFacts =
    action === 'write' && random() < 0.15
      ? { type: 'Importer', id: randomUUID(), organisation: orgs[0]! }
      : action === 'verify' || (action === 'release' && random() < 0.6)
        ? partner()
        : staffPool[0]!;
  const person = (): PersonFacts => ({
    id: randomUUID(),
    organisation: random() < 0.75 ? orgs[0]! : pick(orgs),
    assignees: subset(staffPool).map((s) => s.id),
    restricted: random() < 0.3,
  });
  let resource: ResourceFacts;
  if (action === 'read' || action === 'write') {
    resource = {
      type: 'PersonGroup',
      person: person(),
      group: pick(GROUPS),
      tier: 1 + Math.floor(random() * 4),
      purposes: subset(PURPOSES),
    };
  } else if (action === 'search') {
    resource = { type: 'Organisation', id: random() < 0.8 ? orgs[0]! : pick(orgs) };
  } else if (action === 'propose-correction' || action === 'approve-correction') {
    resource = { type: 'Correction', id: randomUUID(), person: person(), proposer: pick(staffPool) };
  } else if (action === 'approve-legal-hold') {
    resource = { type: 'LegalHold', id: randomUUID(), person: person(), placer: pick(staffPool) };
  } else if (action === 'release' || action === 'verify') {
    const recipient =
      principal.type === 'Partner'
        ? { kind: principal.kind, actsFor: principal.actsFor }
        : { kind: partnerKind, actsFor: partnerKind.endsWith('authority') ? pick(COUNTRIES) : '' };
    resource = { type: 'PersonRelease', person: person(), countries: subset(COUNTRIES), recipient };
  } else if (action === 'approve-policy-change') {
    resource = { type: 'PolicyChange', id: randomUUID(), proposer: pick(staffPool) };
  } else {
    resource = { type: 'Person', person: person() };
  }
  const purposeName = pick(PURPOSES);
  return {
    principal,
    action,
    resource,
    context: {
      purpose: {
        name: purposeName,
        prohibited: purposeName.endsWith('enforcement') || random() < 0.05,
        usable: random() < 0.85,
        dpia: pick(['not-required', 'approved', 'none', 'expired'] as const),
        legalBases: subset(BASES),
      },
      basis: { state: pick(STATES), kind: pick(BASES) },
      assurance: 1 + Math.floor(random() * 3),
      breakGlass: random() < 0.2,
    },
  };
}

export interface AgreementReport {
  checked: number;
  disagreements: { request: DecisionRequest; fast: unknown; cedar: unknown }[];
}

/** Compares the fast path with plain Cedar on `count` sampled requests. */
export function checkFastPath(engine: PolicyEngine, count: number, seed = 1): AgreementReport {
  const random = seededRandom(seed);
  const disagreements: AgreementReport['disagreements'] = [];
  for (let i = 0; i < count; i++) {
    const request = sampleRequest(random);
    const fast = engine.decide(request);
    const cedar = engine.decideWithCedar(request);
    if (fast.allowed !== cedar.allowed || fast.reasons.join() !== cedar.reasons.join()) {
      disagreements.push({ request, fast, cedar });
    }
  }
  return { checked: count, disagreements };
}
