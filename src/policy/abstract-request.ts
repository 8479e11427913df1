import type { DecisionRequest, PersonFacts, StaffFacts } from './requests.ts';

/**
 * The fast path's key (B4). Haven's policies never name a specific entity (checked when they are compiled), so a
 * Cedar decision depends on which entities are the same — is the person's organisation the staff member's, is
 * the staff member among the assignees, is the proposer the approver — and on attribute values, never on the ids
 * themselves. Renaming every id to its first-appearance position keeps exactly that, so all requests with the
 * same abstract form get the same decision: Cedar decides the abstract form once, and the answer is reused.
 * Tests check the fast path against plain Cedar on a large generated set of concrete requests.
 */
export function abstractRequest(request: DecisionRequest): DecisionRequest {
  const names = new Map<string, string>();
  const rename = (kind: string, id: string): string => {
    const key = `${kind}\0${id}`;
    let name = names.get(key);
    if (name === undefined) {
      name = `${kind}${names.size}`;
      names.set(key, name);
    }
    return name;
  };
  const staff = (s: StaffFacts): StaffFacts => ({
    type: 'Staff',
    id: rename('s', s.id),
    organisation: rename('o', s.organisation),
    role: s.role,
    tier: s.tier,
  });
  const p0 = request.principal;
  const principal: DecisionRequest['principal'] =
    p0.type === 'Staff'
      ? staff(p0)
      : p0.type === 'Partner'
        ? {
            type: 'Partner',
            id: rename('a', p0.id),
            organisation: rename('o', p0.organisation),
            kind: p0.kind,
            actsFor: p0.actsFor,
          }
        : { type: 'Importer', id: rename('i', p0.id), organisation: rename('o', p0.organisation) };
  const person = (p: PersonFacts): PersonFacts => {
    const id = rename('p', p.id);
    const organisation = rename('o', p.organisation);
    // Set order is not observable: known staff keep their names, the others are numbered after them.
    const known = p.assignees.filter((a) => names.has(`s\0${a}`)).map((a) => rename('s', a));
    const others = p.assignees
      .filter((a) => !names.has(`s\0${a}`))
      .sort()
      .map((a) => rename('s', a));
    return { id, organisation, assignees: [...known.sort(), ...others], restricted: p.restricted };
  };
  const r = request.resource;
  let resource: DecisionRequest['resource'];
  switch (r.type) {
    case 'PersonGroup':
      resource = {
        type: 'PersonGroup',
        person: person(r.person),
        group: r.group,
        tier: r.tier,
        purposes: [...r.purposes].sort(),
      };
      break;
    case 'Person':
      resource = { type: 'Person', person: person(r.person) };
      break;
    case 'Organisation':
      resource = { type: 'Organisation', id: rename('o', r.id) };
      break;
    case 'Correction': {
      const proposer = staff(r.proposer);
      resource = { type: 'Correction', id: rename('c', r.id), proposer, person: person(r.person) };
      break;
    }
    case 'PolicyChange':
      resource = { type: 'PolicyChange', id: rename('c', r.id), proposer: staff(r.proposer) };
      break;
    case 'PersonRelease':
      // Countries are values the policies compare (SHA-3), never ids: kept as they are, in a fixed order.
      resource = {
        type: 'PersonRelease',
        person: person(r.person),
        countries: [...new Set(r.countries)].sort(),
        recipient: { ...r.recipient },
      };
      break;
    case 'LegalHold': {
      const placer = staff(r.placer);
      resource = { type: 'LegalHold', id: rename('c', r.id), placer, person: person(r.person) };
      break;
    }
  }
  const c = request.context;
  return {
    principal,
    action: request.action,
    resource,
    context: {
      purpose: { ...c.purpose, legalBases: [...c.purpose.legalBases].sort() },
      basis: { ...c.basis },
      assurance: c.assurance,
      breakGlass: c.breakGlass,
    },
  };
}

/**
 * The same abstract form as `abstractRequest`, written straight into a string for the cache lookup: no objects are
 * built on a cache hit. Names are handed out in the same order, so equal keys mean equal abstract requests (a
 * property test checks this against `abstractRequest`).
 */
export function decisionKey(request: DecisionRequest): string {
  const p = request.principal;
  const orgs: string[] = [p.organisation];
  const org = (id: string): number => {
    const at = orgs.indexOf(id);
    if (at >= 0) return at;
    orgs.push(id);
    return orgs.length - 1;
  };
  const known: string[] = [p.id];
  let key = `${request.action}|${p.type === 'Staff' ? `S${p.role}:${p.tier}` : p.type === 'Partner' ? `A${p.kind}:${p.actsFor}` : 'I'}`;
  const staff = (s: StaffFacts): string => {
    // Each distinct id gets the next name, as in abstractRequest; the principal is always the first.
    let at = known.indexOf(s.id);
    if (at < 0) {
      known.push(s.id);
      at = known.length - 1;
    }
    return `s${at}:${s.role}:${s.tier}:o${org(s.organisation)}`;
  };
  const person = (x: PersonFacts): string => {
    const organisation = org(x.organisation);
    let named = '';
    let others = 0;
    for (const a of x.assignees) {
      const at = known.indexOf(a);
      if (at >= 0) named += `,${at}`;
      else others++;
    }
    // Restriction (GDPR 18) changes decisions: it is in the key, or a cached allow would outlive it.
    return `o${organisation}[${named}+${others}]${x.restricted ? 'r' : ''}`;
  };
  const r = request.resource;
  switch (r.type) {
    case 'PersonGroup':
      key += `|G${person(r.person)}|${r.group}:${r.tier}:${r.purposes.length === 1 ? r.purposes[0] : [...r.purposes].sort().join(',')}`;
      break;
    case 'Person':
      key += `|P${person(r.person)}`;
      break;
    case 'Organisation':
      key += `|O${org(r.id)}`;
      break;
    case 'Correction':
      key += `|C${staff(r.proposer)}|${person(r.person)}`;
      break;
    case 'PolicyChange':
      key += `|X${staff(r.proposer)}`;
      break;
    case 'LegalHold':
      key += `|H${staff(r.placer)}|${person(r.person)}`;
      break;
    case 'PersonRelease':
      key += `|R${person(r.person)}|${[...new Set(r.countries)].sort().join(',')}|${r.recipient.kind}:${r.recipient.actsFor}`;
      break;
  }
  const c = request.context;
  const bases =
    c.purpose.legalBases.length <= 1
      ? c.purpose.legalBases.join(',')
      : [...c.purpose.legalBases].sort().join(',');
  return `${key}|${c.purpose.name}:${c.purpose.prohibited ? 1 : 0}${c.purpose.usable ? 1 : 0}:${c.purpose.dpia}:${bases}|${c.basis.state}:${c.basis.kind}|${c.assurance}|${c.breakGlass ? 1 : 0}`;
}
