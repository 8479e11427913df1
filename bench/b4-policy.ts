import { randomUUID } from 'node:crypto';
import { bundledPolicyFiles } from '../src/policy/compile.ts';
import { PolicyEngine } from '../src/policy/engine.ts';
import type { DecisionRequest } from '../src/policy/requests.ts';
import { type Figure, round, summary } from './harness.ts';

/**
 * B4: policy decisions with Cedar semantics, warm, per decision — the fast path (Cedar once per request form,
 * then the cache) against cedar-wasm called for every decision, on the same requests in the same run.
 * The workload is a day at a field office: staff of every role reading field groups of many people, for the
 * purposes they work under, with a mix of consent states and caseloads.
 */
function workload(count: number): DecisionRequest[] {
  const org = randomUUID();
  const roles = ['clerk', 'caseworker', 'caseworker', 'caseworker', 'supervisor'] as const;
  const staff = Array.from({ length: 40 }, (_, i) => ({
    type: 'Staff' as const,
    id: randomUUID(),
    organisation: org,
    role: roles[i % roles.length]!,
    tier: 2 + (i % 3),
  }));
  const groups = [
    {
      group: 'identity',
      tier: 2,
      purposes: [
        'assistance-distribution',
        'family-tracing-reunification',
        'protection-case-management',
        'registration',
      ],
    },
    {
      group: 'contact',
      tier: 2,
      purposes: ['assistance-distribution', 'protection-case-management', 'registration'],
    },
    {
      group: 'documents',
      tier: 2,
      purposes: ['protection-case-management', 'registration', 'resettlement-referral'],
    },
    { group: 'location', tier: 3, purposes: ['assistance-distribution', 'protection-case-management'] },
    { group: 'protection', tier: 4, purposes: ['protection-case-management'] },
  ];
  const purposes = [
    {
      name: 'registration',
      prohibited: false,
      usable: true,
      dpia: 'approved' as const,
      legalBases: ['consent', 'public-interest'],
    },
    {
      name: 'protection-case-management',
      prohibited: false,
      usable: true,
      dpia: 'approved' as const,

      legalBases: ['consent', 'public-interest', 'vital-interest'],
    },
  ];
  const states = ['active', 'active', 'active', 'active', 'withdrawn', 'none'] as const;
  const requests: DecisionRequest[] = [];
  for (let i = 0; i < count; i++) {
    const principal = staff[i % staff.length]!;
    const g = groups[(i * 7) % groups.length]!;
    requests.push({
      principal,
      action: i % 10 === 0 ? 'write' : 'read',
      resource: {
        type: 'PersonGroup',
        person: {
          id: randomUUID(),
          organisation: org,
          assignees: i % 3 === 0 ? [principal.id] : [staff[(i + 1) % staff.length]!.id],
          restricted: false,
        },
        group: g.group,
        tier: g.tier,
        purposes: g.purposes,
      },
      context: {
        purpose: purposes[i % 2]!,
        basis: { state: states[i % states.length]!, kind: 'consent' },
        assurance: i % 4 === 0 ? 3 : 2,
        breakGlass: false,
      },
    });
  }
  return requests;
}

export async function benchPolicy(options: { decisions: number; rawDecisions: number }): Promise<Figure[]> {
  const engine = new PolicyEngine(bundledPolicyFiles(), 1);
  const requests = workload(options.decisions);
  for (const r of requests) engine.decide(r); // warm: every request form seen once
  const fast: number[] = [];
  for (const r of requests) {
    const start = performance.now();
    engine.decide(r);
    fast.push((performance.now() - start) * 1000);
  }
  const raw: number[] = [];
  for (const r of requests.slice(0, options.rawDecisions)) {
    const start = performance.now();
    engine.decideWithCedar(r);
    raw.push((performance.now() - start) * 1000);
  }
  const f = summary(fast);
  const c = summary(raw);
  return [
    {
      id: 'B4',
      figure: 'policy decision, fast path, warm (p50)',
      value: round(f.p50),
      unit: 'µs',
      baseline: { value: round(c.p50), unit: 'µs', what: 'cedar-wasm for every decision (p50)' },
      ratio: round(c.p50 / f.p50, 1),
      ratioMeaning: 'times faster than raw Cedar',
      goal: 'p50 ≤ 10 µs, p99 ≤ 50 µs',
      met: f.p50 <= 10 && f.p99 <= 50,
      dataSize: `${requests.length} decisions, ${engine.cacheSize} request forms cached`,
      concurrency: '1',
      notes: `fast p95 ${round(f.p95)} µs, p99 ${round(f.p99)} µs; raw Cedar p95 ${round(c.p95)} µs, p99 ${round(c.p99)} µs (${raw.length} calls)`,
    },
  ];
}
