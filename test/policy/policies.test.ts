import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/domain/roles.ts';
import { abstractRequest, decisionKey } from '../../src/policy/abstract-request.ts';
import { bundledPolicyFiles, compilePolicies } from '../../src/policy/compile.ts';
import { PolicyEngine } from '../../src/policy/engine.ts';
import type { BasisState, DecisionRequest } from '../../src/policy/requests.ts';
import { checkFastPath, sampleRequest, seededRandom } from '../../src/policy/self-check.ts';

const engine = new PolicyEngine(bundledPolicyFiles(), 1);

describe('policy files (ACC-2)', () => {
  test('validate strictly against the schema; every policy has an id and a requirement, every forbid a reason', () => {
    const compiled = compilePolicies(bundledPolicyFiles());
    assert.ok(compiled.policies.size >= 25);
    for (const policy of compiled.policies.values()) {
      assert.match(policy.requirement, /^[A-Z]{3}-\d+$/, policy.id);
      if (policy.effect === 'forbid') assert.ok(policy.reason, `${policy.id} needs a reason`);
    }
    const files = Object.keys(bundledPolicyFiles()).sort();
    assert.deepEqual(files, [
      'break-glass.cedar',
      'case-states.cedar',
      'caseload.cedar',
      'consent.cedar',
      'legal-holds.cedar',
      'maker-checker.cedar',
      'organisations.cedar',
      'purposes.cedar',
      'rights.cedar',
      'roles.cedar',
      'sharing.cedar',
      'tiers.cedar',
    ]);
  });

  test('refuse a policy that names an entity, lacks an id or a reason, or does not type-check', () => {
    const base = bundledPolicyFiles();
    const cases: [string, string][] = [
      [
        'entity-literal',
        '@id("x") @requirement("ACC-1") permit (principal == Haven::Staff::"5f0c…", action, resource);',
      ],
      ['id-missing', '@requirement("ACC-1") permit (principal, action, resource);'],
      ['reason-missing', '@id("y") @requirement("ACC-1") forbid (principal, action, resource);'],
      [
        'type-error',
        '@id("z") @requirement("ACC-1") permit (principal is Haven::Staff, action, resource) when { principal.nickname == "x" };',
      ],
      ['parse-error', 'permit (principal action resource'],
    ];
    for (const [code, text] of cases) {
      assert.throws(
        () => compilePolicies({ ...base, 'extra.cedar': text }),
        (error: { code?: string; fields?: { code: string }[] }) => {
          assert.equal(error.code, 'policy-invalid');
          assert.ok(
            error.fields?.some((f) => f.code === code),
            `${code}: ${JSON.stringify(error.fields)}`,
          );
          return true;
        },
      );
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// The authorization matrix: the intended rules, written out independently of Cedar, against every combination.

type Basis = { state: BasisState; kind: string };
const PURPOSES = {
  registration: {
    prohibited: false,
    usable: true,
    dpia: 'approved',
    legalBases: ['consent', 'public-interest'],
  },
  'protection-case-management': {
    prohibited: false,
    usable: true,
    dpia: 'approved',
    legalBases: ['consent', 'vital-interest', 'public-interest'],
  },
  'resettlement-referral': { prohibited: false, usable: false, dpia: 'approved', legalBases: ['consent'] },
  'assistance-distribution': { prohibited: false, usable: true, dpia: 'none', legalBases: ['consent'] },
  'family-tracing-reunification': {
    prohibited: false,
    usable: true,
    dpia: 'expired',
    legalBases: ['consent'],
  },
  statistics: { prohibited: false, usable: true, dpia: 'not-required', legalBases: ['consent'] },
  'law-enforcement': { prohibited: true, usable: false, dpia: 'not-required', legalBases: [] },
} as const;
type PurposeName = keyof typeof PURPOSES;
const GROUPS = {
  identity: {
    tier: 2,
    purposes: [
      'registration',
      'protection-case-management',
      'resettlement-referral',
      'assistance-distribution',
      'family-tracing-reunification',
      'statistics',
    ],
  },
  location: { tier: 3, purposes: ['protection-case-management'] },
  protection: { tier: 4, purposes: ['protection-case-management'] },
} as const;
const BASES: Basis[] = [
  { state: 'active', kind: 'consent' },
  { state: 'active', kind: 'vital-interest' },
  { state: 'withdrawn', kind: 'consent' },
  { state: 'expired', kind: 'consent' },
  { state: 'none', kind: 'none' },
];

interface Case {
  role: Role;
  tier: number;
  sameOrganisation: boolean;
  inCaseload: boolean;
  purpose: PurposeName;
  basis: Basis;
  breakGlass: boolean;
  assurance: number;
  group: keyof typeof GROUPS;
  action: 'read' | 'write';
}

/** The rules of ACC-1, ACC-3, ACC-8, MIN-2, PUR-2 – PUR-6 as plain code: what the policies must do. */
function expected(c: Case): string[] {
  const purpose = PURPOSES[c.purpose];
  const group = GROUPS[c.group];
  const reasons: string[] = [];
  if (purpose.prohibited) reasons.push('purpose-prohibited');
  if (!purpose.usable) reasons.push('purpose-not-usable');
  if (purpose.dpia === 'none') reasons.push('dpia-not-approved');
  if (purpose.dpia === 'expired') reasons.push('dpia-expired');
  if (!c.sameOrganisation) reasons.push('other-organisation');
  if (group.tier > c.tier) reasons.push('tier-too-low');
  if (group.tier >= 3 && c.assurance < 3) reasons.push('passkey-required');
  if (c.role === 'caseworker' && !c.inCaseload && !c.breakGlass) reasons.push('not-in-caseload');
  if (!(group.purposes as readonly string[]).includes(c.purpose)) reasons.push('not-in-purpose-data-set');
  if (!c.breakGlass && c.basis.state === 'none') reasons.push('no-consent-or-legal-basis');
  if (!c.breakGlass && c.basis.state === 'withdrawn') reasons.push('consent-withdrawn');
  if (!c.breakGlass && c.basis.state === 'expired') reasons.push('consent-expired');
  if (c.basis.state === 'active' && !(purpose.legalBases as readonly string[]).includes(c.basis.kind))
    reasons.push('legal-basis-not-allowed');
  if (reasons.length > 0) return reasons.sort();
  const permitted =
    (c.role === 'clerk' &&
      ['registration', 'assistance-distribution', 'family-tracing-reunification'].includes(c.purpose)) ||
    c.role === 'caseworker' ||
    (c.role === 'supervisor' && c.action === 'read') ||
    (c.breakGlass && c.action === 'read' && (['caseworker', 'supervisor'] as Role[]).includes(c.role));
  return permitted ? [] : ['not-permitted'];
}

function requestFor(c: Case): DecisionRequest {
  const me = randomUUID();
  const ours = randomUUID();
  return {
    principal: { type: 'Staff', id: me, organisation: ours, role: c.role, tier: c.tier },
    action: c.action,
    resource: {
      type: 'PersonGroup',
      person: {
        id: randomUUID(),
        organisation: c.sameOrganisation ? ours : randomUUID(),
        assignees: c.inCaseload ? [me, randomUUID()] : [randomUUID()],
        restricted: false,
      },
      group: c.group,
      tier: GROUPS[c.group].tier,
      purposes: GROUPS[c.group].purposes,
    },
    context: {
      purpose: { name: c.purpose, ...PURPOSES[c.purpose] },
      basis: c.basis,
      assurance: c.assurance,
      breakGlass: c.breakGlass,
    },
  };
}

function* allCases(): Generator<Case> {
  for (const role of ROLES)
    for (const tier of [1, 2, 4])
      for (const sameOrganisation of [true, false])
        for (const inCaseload of [true, false])
          for (const purpose of Object.keys(PURPOSES) as PurposeName[])
            for (const basis of BASES)
              for (const breakGlass of [false, true])
                for (const group of Object.keys(GROUPS) as (keyof typeof GROUPS)[])
                  for (const action of ['read', 'write'] as const)
                    yield {
                      role,
                      tier,
                      sameOrganisation,
                      inCaseload,
                      purpose,
                      basis,
                      breakGlass,
                      group,
                      action,
                      assurance: group === 'identity' ? 2 : 3,
                    };
}

describe('authorization matrix (ACC-1)', () => {
  test('role × tier × organisation × caseload × purpose × consent × break-glass: exactly the intended outcomes', () => {
    let checked = 0;
    let allowed = 0;
    const unexpected: string[] = [];
    for (const c of allCases()) {
      const decision = engine.decide(requestFor(c));
      const want = expected(c);
      checked++;
      if (decision.allowed) allowed++;
      const got = decision.allowed ? [] : [...decision.reasons].sort();
      if (JSON.stringify(got) !== JSON.stringify(want))
        unexpected.push(`${JSON.stringify(c)} → ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    assert.deepEqual(unexpected.slice(0, 5), [], `${unexpected.length} of ${checked} differ`);
    assert.ok(allowed > 100 && allowed < checked / 4, `allowed ${allowed} of ${checked}`);
  });

  test('tier 3 and 4 need a passkey even for a fully entitled caseworker', () => {
    const c: Case = {
      role: 'caseworker',
      tier: 4,
      sameOrganisation: true,
      inCaseload: true,
      purpose: 'protection-case-management',
      basis: BASES[0]!,
      breakGlass: false,
      group: 'protection',
      action: 'read',
      assurance: 2,
    };
    assert.deepEqual(engine.decide(requestFor(c)).reasons, ['passkey-required']);
    assert.equal(engine.decide(requestFor({ ...c, assurance: 3 })).allowed, true);
  });

  test('no role, admin included, gets anything for a prohibited purpose', () => {
    for (const role of ROLES) {
      for (const breakGlass of [false, true]) {
        const c: Case = {
          role,
          tier: 4,
          sameOrganisation: true,
          inCaseload: true,
          purpose: 'law-enforcement',
          basis: BASES[0]!,
          breakGlass,
          group: 'identity',
          action: 'read',
          assurance: 3,
        };
        const decision = engine.decide(requestFor(c));
        assert.equal(decision.allowed, false);
        assert.ok(decision.reasons.includes('purpose-prohibited'));
      }
    }
  });

  test('the proposer of a correction or a policy change cannot approve it (ACC-6)', () => {
    const org = randomUUID();
    const supervisor = {
      type: 'Staff' as const,
      id: randomUUID(),
      organisation: org,
      role: 'supervisor' as const,
      tier: 2,
    };
    const context = {
      purpose: {
        name: 'registration',
        prohibited: false,
        usable: true,
        dpia: 'approved' as const,
        legalBases: ['consent'],
      },

      basis: { state: 'not-applicable' as const, kind: 'none' },
      assurance: 2,
      breakGlass: false,
    };
    const person = { id: randomUUID(), organisation: org, assignees: [], restricted: false };
    const own = engine.decide({
      principal: supervisor,
      action: 'approve-correction',
      resource: { type: 'Correction', id: 'c', person, proposer: supervisor },
      context,
    });
    assert.deepEqual(own, { allowed: false, reasons: ['own-proposal'] });
    const other = engine.decide({
      principal: supervisor,
      action: 'approve-correction',
      resource: {
        type: 'Correction',
        id: 'c',
        person,
        proposer: { ...supervisor, id: randomUUID(), role: 'clerk' },
      },
      context,
    });
    assert.equal(other.allowed, true);
    const dpo = { ...supervisor, role: 'dpo' as const };
    assert.deepEqual(
      engine.decide({
        principal: dpo,
        action: 'approve-policy-change',
        resource: { type: 'PolicyChange', id: 'v2', proposer: dpo },
        context,
      }).reasons,
      ['own-proposal'],
    );
  });
});

describe('the fast path (B4)', () => {
  test('agrees with plain Cedar on a large generated set of requests', () => {
    const report = checkFastPath(new PolicyEngine(bundledPolicyFiles(), 1), 4000, 20261124);
    assert.equal(report.checked, 4000);
    assert.deepEqual(report.disagreements.slice(0, 3), []);
  });

  test('equal keys always mean equal abstract requests', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        const x = sampleRequest(seededRandom(a));
        const y = sampleRequest(seededRandom(b));
        if (decisionKey(x) === decisionKey(y)) assert.deepEqual(abstractRequest(x), abstractRequest(y));
        assert.equal(
          decisionKey(x),
          decisionKey(abstractRequest(x)),
          'the key of the abstract form is its own key',
        );
      }),
      { numRuns: 3000 },
    );
  });

  test('a repeated request is decided from the cache without calling Cedar again', () => {
    const fresh = new PolicyEngine(bundledPolicyFiles(), 1);
    const c: Case = {
      role: 'clerk',
      tier: 2,
      sameOrganisation: true,
      inCaseload: false,
      purpose: 'registration',
      basis: BASES[0]!,
      breakGlass: false,
      group: 'identity',
      action: 'read',
      assurance: 2,
    };
    for (let i = 0; i < 100; i++) assert.equal(fresh.decide(requestFor(c)).allowed, true);
    assert.equal(fresh.stats.cedarCalls, 1);
  });
});

describe('restriction of processing (RIG-1, GDPR 18)', () => {
  const me = randomUUID();
  const org = randomUUID();
  const staffOf = (role: Role) => ({ type: 'Staff' as const, id: me, organisation: org, role, tier: 4 });
  const person = (restricted: boolean) => ({
    id: randomUUID(),
    organisation: org,
    assignees: [me],
    restricted,
  });
  const context = (purpose: string, breakGlass = false) => ({
    purpose: {
      name: purpose,
      prohibited: false,
      usable: true,
      dpia: 'approved' as const,
      legalBases: ['consent'],
    },
    basis: { state: 'active' as const, kind: 'consent' },
    assurance: 3,
    breakGlass,
  });
  const read = (
    purpose: string,
    restricted: boolean,
    options: { breakGlass?: boolean; write?: boolean } = {},
  ) =>
    engine.decide({
      principal: staffOf('caseworker'),
      action: options.write ? 'write' : 'read',
      resource: {
        type: 'PersonGroup',
        person: person(restricted),
        group: 'identity',
        tier: 2,
        purposes: [purpose],
      },
      context: context(purpose, options.breakGlass),
    });
  const onPerson = (role: Role, action: DecisionRequest['action'], purpose: string) =>
    engine.decide({
      principal: staffOf(role),
      action,
      resource: { type: 'Person', person: person(true) },
      context: { ...context(purpose), basis: { state: 'not-applicable', kind: 'none' } },
    });

  test('refuses every purpose but the rights purpose and legal claims', () => {
    assert.equal(read('registration', false).allowed, true);
    assert.deepEqual(read('registration', true), { allowed: false, reasons: ['person-restricted'] });
    assert.deepEqual(read('registration', true, { write: true }), {
      allowed: false,
      reasons: ['person-restricted'],
    });
    assert.equal(read('legal-claims', true).allowed, true);
    assert.equal(read('rights-request', true).allowed, true);
    assert.deepEqual(onPerson('caseworker', 'give-consent', 'registration').reasons, ['person-restricted']);
    assert.deepEqual(onPerson('caseworker', 'view-consents', 'registration').reasons, ['person-restricted']);
  });

  test('break-glass reads, withdrawals, the access history and rights stay open; a lift is for supervisor or DPO', () => {
    assert.equal(read('registration', true, { breakGlass: true }).allowed, true);
    assert.deepEqual(read('registration', true, { breakGlass: true, write: true }).reasons, [
      'person-restricted',
    ]);
    assert.equal(onPerson('clerk', 'withdraw-consent', 'registration').allowed, true);
    assert.equal(onPerson('dpo', 'view-access-history', 'registration').allowed, true);
    assert.equal(onPerson('supervisor', 'handle-rights-request', 'rights-request').allowed, true);
    for (const role of ['supervisor', 'dpo'] as const)
      assert.equal(onPerson(role, 'lift-restriction', 'rights-request').allowed, true);
    for (const role of ['clerk', 'caseworker', 'admin', 'auditor'] as const)
      assert.deepEqual(onPerson(role, 'lift-restriction', 'rights-request').reasons, ['not-permitted']);
  });
});
