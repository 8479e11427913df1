import type { Role, Tier } from '../../domain/roles.ts';
import type { FamilyName, NameForm } from './name-forms.ts';
import { nearDuplicate } from './near-duplicates.ts';
import { DEMO_REFERENCE_DATE, POPULATIONS, type Population, REFERENCE_YEAR } from './populations.ts';
import { DemoRandom } from './random.ts';

/**
 * The demo registry as a list of people to register, computed from a seed alone: households of one population
 * with the naming custom of that population, ages that fit together, documents, phones, consents for other
 * purposes (some withdrawn later), caseloads, and a few near-duplicates — people registered twice under another
 * spelling. The same seed and size always give the same list; only the ids Haven assigns differ between runs.
 */

/** Share of registrations that register someone already registered (about 4% of the registry). */
export const NEAR_DUPLICATE_RATE = 0.04;

export type Relationship = 'spouse-or-partner' | 'child' | 'parent';
export type ConsentMethod = 'written' | 'oral-with-witness' | 'guardian';

export interface DemoConsent {
  purpose: 'assistance-distribution' | 'family-tracing-reunification';
  method: ConsentMethod;
  /** A clerk records it, or — for people in a caseload — their caseworker. */
  by: 'clerk' | 'caseworker';
  withdrawn: boolean;
}

export interface DemoPerson {
  index: number;
  household: number;
  population: string;
  /** The language the privacy notice was given in (BCP 47). */
  noticeLanguage: string;
  /** Who the person is to the head of the household. */
  member: 'head' | Relationship;
  /** Dictionary values for registration, family links to registered relatives left out. */
  values: Record<string, unknown>;
  /** Relatives registered in this registry (by index), and who they are to this person. */
  relatives: { index: number; relationship: Relationship }[];
  /** Relatives who are missing, dead or elsewhere: family-links entries with a name instead of a record. */
  otherRelatives: Record<string, unknown>[];
  /** The head's links to the household are added once everyone is registered (their ids are known then). */
  linksAfterHousehold: boolean;
  /** Which demo clerk registers the person. */
  clerk: number;
  registration: { method: ConsentMethod; withdrawn: boolean };
  consents: DemoConsent[];
  /** Which demo caseworker the supervisor assigns the person to, if any. */
  caseworker?: number;
  /** For a near-duplicate: the index of the person registered first. */
  duplicateOf?: number;
}

export interface DemoStaffPlan {
  role: Role;
  /** 1, 2, … within the role. */
  number: number;
  tier: Tier;
}

export interface DemoPlan {
  seed: number;
  referenceDate: string;
  staff: DemoStaffPlan[];
  people: DemoPerson[];
  /** People registered together, head first. */
  households: number[][];
}

type Sex = 'male' | 'female';

interface Member {
  member: 'head' | Relationship;
  sex: Sex;
  age: number;
}

interface Draft extends Member {
  given: NameForm;
  fathers?: NameForm;
  family: readonly NameForm[];
}

/** Staff for a registry of this size: more clerks and caseworkers for more people. */
export function demoStaff(people: number): DemoStaffPlan[] {
  const clerks = Math.min(8, Math.max(2, Math.ceil(people / 12_500)));
  const caseworkers = Math.min(10, Math.max(2, Math.ceil(people / 10_000)));
  const staff: DemoStaffPlan[] = [];
  for (let n = 1; n <= clerks; n++) staff.push({ role: 'clerk', number: n, tier: 2 });
  for (let n = 1; n <= caseworkers; n++) staff.push({ role: 'caseworker', number: n, tier: 4 });
  staff.push({ role: 'supervisor', number: 1, tier: 4 });
  staff.push({ role: 'dpo', number: 1, tier: 4 });
  staff.push({ role: 'auditor', number: 1, tier: 1 });
  staff.push({ role: 'admin', number: 1, tier: 1 });
  staff.push({ role: 'oversight', number: 1, tier: 1 });
  return staff;
}

export function generateDemoPlan(count: number, seed: number): DemoPlan {
  const rng = new DemoRandom(seed);
  const staff = demoStaff(count);
  const clerks = staff.filter((s) => s.role === 'clerk').length;
  const caseworkers = staff.filter((s) => s.role === 'caseworker').length;
  const people: DemoPerson[] = [];
  const households: number[][] = [];
  const originals: number[] = [];
  const byPopulation = POPULATIONS.map((p) => [p, p.weight] as const);
  while (people.length < count) {
    const household = households.length;
    const population = rng.weighted(byPopulation);
    const room = count - people.length;
    const members = makeHousehold(population, rng, household, people.length, room, caseworkers);
    for (const person of members) {
      person.clerk = household % clerks;
      people.push(person);
      originals.push(person.index);
    }
    households.push(members.map((p) => p.index));
    for (let i = 0; i < members.length && people.length < count; i++) {
      if (!rng.chance(NEAR_DUPLICATE_RATE)) continue;
      const original = people[rng.pick(originals)]!;
      const twin = nearDuplicate(original, rng, people.length, households.length);
      twin.clerk = (original.clerk + 1) % clerks;
      people.push(twin);
      households.push([twin.index]);
    }
  }
  return { seed, referenceDate: DEMO_REFERENCE_DATE, staff, people, households };
}

function makeHousehold(
  pop: Population,
  rng: DemoRandom,
  household: number,
  firstIndex: number,
  room: number,
  caseworkers: number,
): DemoPerson[] {
  const size = rng.weighted(pop.household);
  const { drafts, absentFather } = nameHousehold(pop, rng, composeHousehold(pop, rng, size));
  const head = drafts[0]!;
  const arrival = randomDate(rng, pop.arrival[0], Math.min(pop.arrival[1], REFERENCE_YEAR - 1));
  const legalStatus = rng.weighted(pop.legalStatus);
  const nationality = rng.weighted(pop.nationality);
  const origin = pop.countryOfOrigin ?? nationality;
  const caseNumber = `${origin}-${arrival.slice(2, 4)}-${String(household + 1).padStart(7, '0')}`;
  const host = pop.documents.find((d) => d.issuingCountry !== origin)?.issuingCountry ?? origin;

  // Relatives who are not here: the absent father of a household headed by a woman, and the missing.
  const otherRelatives: Record<string, unknown>[] = [];
  const husbandAway = head.sex === 'female' && !drafts.some((d) => d.member === 'spouse-or-partner');
  let husbandSituation: string | undefined;
  if (husbandAway && size > 1) {
    husbandSituation = rng.weighted(
      pop.id === 'ukrainian'
        ? [
            ['elsewhere-known', 8],
            ['deceased', 1],
            ['missing', 1],
          ]
        : [
            ['deceased', 35],
            ['missing', 25],
            ['elsewhere-known', 25],
            ['none', 15],
          ],
    );
    if (husbandSituation !== 'none') {
      otherRelatives.push(named(absentFather, 'spouse-or-partner', husbandSituation, pop, rng));
    }
  }
  if (rng.chance(pop.missingShare)) {
    const relationship = rng.pick(['child', 'sibling', 'parent'] as const);
    const sex: Sex = rng.chance(0.7) ? 'male' : 'female';
    const name = [rng.pick(sex === 'male' ? pop.male : pop.female), ...head.family];
    otherRelatives.push(named(name, relationship, 'missing', pop, rng));
  }
  const hasMissing = otherRelatives.some((r) => r.situation === 'missing');

  const people: DemoPerson[] = [];
  for (const [i, draft] of drafts.slice(0, room).entries()) {
    const index = firstIndex + i;
    const dob = birthDate(pop, rng, draft.age);
    const bornHere = dob.date > arrival;
    const values: Record<string, unknown> = {};
    writeName(values, 'given-name', [draft.given]);
    if (draft.family.length > 0) writeName(values, 'family-name', draft.family);
    if (draft.fathers && rng.chance(pop.fathersNameShare)) writeName(values, 'fathers-name', [draft.fathers]);
    if (i === 0 && pop.kunya && draft.sex === 'male') {
      const son = drafts.find((d) => d.member === 'child' && d.sex === 'male');
      if (son && rng.chance(0.3))
        values['other-names'] = [`أبو ${son.given.native}`, `Abu ${son.given.latin}`];
    }
    values.sex = draft.sex;
    if (dob.written !== undefined) values['date-of-birth'] = dob.written;
    else values['estimated-age'] = draft.age;
    const marital = maritalStatus(rng, draft, size, husbandSituation);
    if (marital) values['marital-status'] = marital;
    values.nationality = [nationality];
    values['country-of-origin'] = origin;
    values.languages = languages(pop, rng, draft.age);
    if (draft.age >= 18 && rng.chance(draft.member === 'head' ? pop.phoneShare : pop.phoneShare * 0.6)) {
      values.phone = rng.pattern(rng.weighted(pop.phones));
    }
    values['household-size'] = size;
    const documents = documentsOf(pop, rng, draft.age, bornHere ? host : origin);
    if (documents.length > 0) values['documents-held'] = documents;
    values['legal-status'] = legalStatus;
    if (!bornHere) values['arrival-date'] = arrival;
    values['case-number'] = caseNumber;
    people.push({
      index,
      household,
      population: pop.id,
      noticeLanguage: pop.noticeLanguage,
      member: draft.member,
      values,
      relatives: [],
      otherRelatives: i === 0 ? otherRelatives : [],
      linksAfterHousehold: false,
      clerk: 0,
      registration: { method: consentMethod(pop, rng, draft.age), withdrawn: rng.chance(0.005) },
      consents: [],
    });
  }

  // Family links: each member to the head at registration; the head to each member afterwards.
  const headPerson = people[0]!;
  for (const person of people.slice(1)) {
    const member = person.member as Relationship;
    person.relatives.push({ index: headPerson.index, relationship: inverse(member) });
    headPerson.relatives.push({ index: person.index, relationship: member });
  }
  headPerson.linksAfterHousehold = headPerson.relatives.length > 0;

  // Caseloads and consents for purposes beyond registration.
  for (const [i, person] of people.entries()) {
    const draft = drafts[i]!;
    const vulnerable =
      (i === 0 && hasMissing && rng.chance(0.35)) ||
      (i === 0 && husbandAway && size > 1 && rng.chance(0.12)) ||
      (draft.age >= 65 && rng.chance(0.1)) ||
      rng.chance(0.02);
    if (vulnerable) person.caseworker = rng.int(0, caseworkers - 1);
    if (i !== 0) continue;
    if (rng.chance(0.6)) {
      person.consents.push({
        purpose: 'assistance-distribution',
        method: consentMethod(pop, rng, draft.age),
        by: 'clerk',
        withdrawn: rng.chance(0.08),
      });
    }
    if (hasMissing) {
      person.consents.push({
        purpose: 'family-tracing-reunification',
        method: consentMethod(pop, rng, draft.age),
        by: vulnerable ? 'caseworker' : 'clerk',
        withdrawn: rng.chance(0.05),
      });
    }
  }
  return people;
}

function composeHousehold(pop: Population, rng: DemoRandom, size: number): Member[] {
  const men = rng.chance(pop.adultMen);
  if (size === 1)
    return [{ member: 'head', sex: men && rng.chance(0.6) ? 'male' : 'female', age: rng.int(18, 62) }];
  const couple = men && rng.chance(0.85);
  const headAge = rng.int(22, 58);
  const members: Member[] = [{ member: 'head', sex: couple ? 'male' : 'female', age: headAge }];
  let motherAge = headAge;
  if (couple) {
    motherAge = Math.max(18, headAge - rng.int(-2, 9));
    members.push({ member: 'spouse-or-partner', sex: 'female', age: motherAge });
  }
  if (size - members.length >= 3 && rng.chance(0.15)) {
    members.push({
      member: 'parent',
      sex: rng.chance(0.75) ? 'female' : 'male',
      age: Math.min(95, headAge + rng.int(20, 32)),
    });
  }
  const eldest = Math.max(0, Math.min(25, motherAge - 17));
  const children = Array.from(
    { length: size - members.length },
    (): Member => ({ member: 'child', sex: rng.chance(0.5) ? 'male' : 'female', age: rng.int(0, eldest) }),
  ).sort((a, b) => b.age - a.age);
  return [...members, ...children];
}

/** Names by the population's custom; the children's father is the head, or someone absent (named too). */
function nameHousehold(
  pop: Population,
  rng: DemoRandom,
  people: readonly Member[],
): { drafts: Draft[]; absentFather: NameForm[] } {
  const given = (sex: Sex) => rng.pick(sex === 'male' ? pop.male : pop.female);
  const familyPick = (): FamilyName => rng.pick(pop.family ?? []);
  const form = (name: FamilyName, sex: Sex) => (sex === 'male' ? name.male : name.female);
  const head = people[0]!;
  const headGiven = given(head.sex);
  const headFather = rng.pick(pop.male);
  const headGrandfather = rng.pick(pop.male);
  const headIsFather = head.sex === 'male';
  const childrenFather = headIsFather ? headGiven : rng.pick(pop.male);
  const childrenGrandfather = headIsFather ? headFather : rng.pick(pop.male);
  const withFamily = pop.naming === 'family' && rng.chance(pop.familyNameShare);
  // The father's line; a woman heading the household keeps her own name where that is the custom.
  const fatherFamily = withFamily ? familyPick() : undefined;
  const headFamily = !withFamily || headIsFather || !pop.spouseKeepsName ? fatherFamily : familyPick();
  // Spanish: a person carries their father's first surname, then their mother's first surname.
  const spanish = pop.naming === 'two-surnames';
  const fatherSurnames = spanish ? [familyPick().male, familyPick().male] : [];
  const motherSurnames = spanish ? [familyPick().male, familyPick().male] : [];
  const drafts = people.map((p): Draft => {
    const isHead = p.member === 'head';
    let g = isHead ? headGiven : p.member === 'parent' && p.sex === 'male' ? headFather : given(p.sex);
    // A child is rarely given their father's own name; draw again once.
    if (p.member === 'child' && g === childrenFather) g = given(p.sex);
    const fathers = isHead
      ? headFather
      : p.member === 'child'
        ? childrenFather
        : p.member === 'parent' && p.sex === 'male'
          ? headGrandfather
          : rng.pick(pop.male);
    let family: NameForm[] = [];
    if (pop.naming === 'family' && withFamily) {
      if (isHead) family = [form(headFamily!, p.sex)];
      else if (p.member === 'child') family = [form(fatherFamily!, p.sex)];
      else if (p.member === 'spouse-or-partner')
        family = [form(pop.spouseKeepsName ? familyPick() : headFamily!, p.sex)];
      else family = [form(p.sex === 'male' || !pop.spouseKeepsName ? headFamily! : familyPick(), p.sex)];
    } else if (pop.naming === 'patronymic') {
      family = [isHead ? headGrandfather : p.member === 'child' ? childrenGrandfather : rng.pick(pop.male)];
    } else if (pop.naming === 'own-names') {
      family = [form(familyPick(), p.sex)];
    } else if (spanish) {
      if (isHead) family = headIsFather ? fatherSurnames : motherSurnames;
      else if (p.member === 'spouse-or-partner') family = motherSurnames;
      else if (p.member === 'child') family = [fatherSurnames[0]!, motherSurnames[0]!];
      else family = [familyPick().male, familyPick().male];
    }
    return { member: p.member, sex: p.sex, age: p.age, given: g, fathers, family };
  });
  const absentFather = [
    childrenFather,
    ...(fatherFamily ? [fatherFamily.male] : []),
    ...(pop.naming === 'patronymic' ? [childrenGrandfather] : []),
    ...(spanish ? fatherSurnames : []),
  ];
  return { drafts, absentFather };
}

/** A relative who is not registered here, by name (in their own script), with where they were last known to be. */
function named(
  name: readonly NameForm[],
  relationship: string,
  situation: string,
  pop: Population,
  rng: DemoRandom,
): Record<string, unknown> {
  return {
    name: name.map((f) => f.native ?? f.latin).join(' '),
    relationship,
    situation,
    ...(situation === 'missing' || situation === 'elsewhere-known'
      ? { 'last-known-location': rng.pick(pop.places) }
      : {}),
  };
}

function writeName(values: Record<string, unknown>, field: string, forms: readonly NameForm[]): void {
  const native = forms.some((f) => f.native !== undefined);
  values[field] = forms.map((f) => f.native ?? f.latin).join(' ');
  if (native) values[`${field}-latin`] = forms.map((f) => f.latin).join(' ');
}

function randomDate(rng: DemoRandom, fromYear: number, toYear: number): string {
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(toYear, 11, 31);
  return new Date(from + rng.int(0, Math.floor((to - from) / 86_400_000)) * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** A birth date for someone `age` years old on the reference date, written as exactly as it is known. */
function birthDate(pop: Population, rng: DemoRandom, age: number): { date: string; written?: string } {
  const days = rng.int(1, 365);
  const date = new Date(Date.UTC(REFERENCE_YEAR - age, 0, 1) - days * 86_400_000).toISOString().slice(0, 10);
  const known = rng.weighted([
    ['full', pop.birthDate.full],
    ['year', pop.birthDate.year],
    ['janFirst', pop.birthDate.janFirst],
    ['estimated', pop.birthDate.estimated],
  ] as const);
  // Young children usually have a birth certificate, wherever they were born.
  if (age < 5 || known === 'full') return { date, written: date };
  if (known === 'year') return { date, written: date.slice(0, 4) };
  if (known === 'janFirst') return { date, written: `${date.slice(0, 4)}-01-01` };
  return { date };
}

function maritalStatus(
  rng: DemoRandom,
  draft: Draft,
  size: number,
  husbandSituation: string | undefined,
): string | undefined {
  if (draft.age < 18) return undefined;
  if (draft.member === 'spouse-or-partner') return 'married';
  if (draft.member === 'parent') return rng.chance(0.7) ? 'widowed' : 'married';
  if (draft.member === 'child') return rng.chance(0.85) ? 'single' : 'married';
  if (size === 1)
    return rng.weighted([
      ['single', 70],
      ['married', 15],
      ['widowed', 5],
      ['divorced', 5],
      ['not-stated', 5],
    ]);
  if (draft.sex === 'male') return 'married';
  if (husbandSituation === 'deceased') return 'widowed';
  if (husbandSituation === 'none') return rng.chance(0.5) ? 'divorced' : 'separated';
  return 'married';
}

function languages(pop: Population, rng: DemoRandom, age: number): string[] {
  const spoken = [pop.languages.first];
  if (age >= 12) for (const [code, share] of pop.languages.others) if (rng.chance(share)) spoken.push(code);
  return spoken;
}

function documentsOf(pop: Population, rng: DemoRandom, age: number, birthCountry: string) {
  if (age < 18) {
    return rng.chance(0.3)
      ? [{ type: 'birth-certificate', number: rng.pattern('##########'), 'issuing-country': birthCountry }]
      : [];
  }
  return pop.documents
    .filter((d) => rng.chance(d.share))
    .map((d) => ({ type: d.type, number: rng.pattern(d.pattern), 'issuing-country': d.issuingCountry }));
}

function consentMethod(pop: Population, rng: DemoRandom, age: number): ConsentMethod {
  if (age < 18) return 'guardian';
  return rng.chance(pop.oralConsentShare) ? 'oral-with-witness' : 'written';
}

function inverse(relationship: Relationship): Relationship {
  if (relationship === 'child') return 'parent';
  if (relationship === 'parent') return 'child';
  return 'spouse-or-partner';
}
