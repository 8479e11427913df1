import type { NameForm } from './name-forms.ts';
import * as A from './names-arabic-script.ts';
import * as O from './names-other-scripts.ts';
import type { DemoPerson } from './people.ts';
import { POPULATIONS, REFERENCE_YEAR } from './populations.ts';
import type { DemoRandom } from './random.ts';

/**
 * Near-duplicates: the same person registered a second time — at another office, months later, alone — the way it
 * happens: the name in another Latin spelling (Mohammed / Muhammad, Serhii / Sergey, Xasan / Hassan), a typing
 * slip, the Arabic written without hamza, the birth date as a year or an age, a new phone, no documents this time.
 * Finding them is the de-duplication work the registry must support; nothing in Haven marks them.
 */

/** Every Latin spelling of a name, to the other spellings of the same name. */
const SPELLINGS: ReadonlyMap<string, readonly string[]> = (() => {
  const forms: NameForm[] = [];
  for (const list of [...Object.values(A), ...Object.values(O)]) {
    for (const entry of list as readonly (NameForm | { male: NameForm; female: NameForm })[]) {
      if ('latin' in entry) forms.push(entry);
      else forms.push(entry.male, entry.female);
    }
  }
  const map = new Map<string, string[]>();
  for (const form of forms) {
    const all = [form.latin, ...form.variants];
    for (const spelling of all) {
      const others = map.get(spelling) ?? [];
      for (const other of all) if (other !== spelling && !others.includes(other)) others.push(other);
      map.set(spelling, others);
    }
  }
  return map;
})();

/** Another spelling of a (possibly several-word) name, or undefined when none is known. */
export function respell(name: string, rng: DemoRandom): string | undefined {
  const whole = SPELLINGS.get(name);
  if (whole && whole.length > 0) return rng.pick(whole);
  const words = name.split(' ');
  const candidates = words
    .map((w, i) => [i, SPELLINGS.get(w) ?? []] as const)
    .filter(([, o]) => o.length > 0);
  if (candidates.length === 0) return undefined;
  const [at, others] = rng.pick(candidates);
  return words.map((w, i) => (i === at ? rng.pick(others) : w)).join(' ');
}

/** A typing slip: two neighbouring letters swapped inside a word. */
function slip(name: string, rng: DemoRandom): string {
  const chars = [...name];
  const positions = chars
    .map((_, i) => i)
    .filter(
      (i) =>
        i > 0 &&
        i < chars.length - 1 &&
        chars[i] !== chars[i + 1] &&
        /\p{L}/u.test(chars[i]!) &&
        /\p{L}/u.test(chars[i + 1]!),
    );
  if (positions.length === 0) return `${name}${chars.at(-1) ?? ''}`;
  const i = rng.pick(positions);
  [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  return chars.join('');
}

/** Arabic written without hamza and with ه for ة, as many keyboards and clerks do. */
function plainArabic(name: string): string {
  return name.replace(/[أإآ]/gu, 'ا').replace(/ة/gu, 'ه').replace(/ى/gu, 'ي');
}

function variedName(values: Record<string, unknown>, rng: DemoRandom): void {
  const latinFields = ['given-name-latin', 'family-name-latin', 'fathers-name-latin'].filter(
    (f) => typeof values[f] === 'string',
  );
  const fields = latinFields.length > 0 ? latinFields : ['given-name', 'family-name', 'fathers-name'];
  const present = fields.filter((f) => typeof values[f] === 'string');
  const field = rng.pick(present);
  const current = values[field] as string;
  values[field] = (rng.chance(0.85) ? respell(current, rng) : undefined) ?? slip(current, rng);
  const given = values['given-name'] as string;
  if (latinFields.length > 0 && /\p{Script=Arabic}/u.test(given) && rng.chance(0.3))
    values['given-name'] = plainArabic(given);
}

export function nearDuplicate(
  original: DemoPerson,
  rng: DemoRandom,
  index: number,
  household: number,
): DemoPerson {
  const values = structuredClone(original.values);
  variedName(values, rng);
  const dob = values['date-of-birth'];
  if (typeof dob === 'string' && dob.length === 10) {
    const how = rng.weighted([
      ['same', 50],
      ['year', 20],
      ['age', 15],
      ['swapped', 15],
    ] as const);
    if (how === 'year') values['date-of-birth'] = dob.slice(0, 4);
    else if (how === 'age') {
      delete values['date-of-birth'];
      values['estimated-age'] = Math.max(0, REFERENCE_YEAR - 1 - Number(dob.slice(0, 4)));
    } else if (how === 'swapped' && Number(dob.slice(8, 10)) <= 12 && dob.slice(5, 7) !== dob.slice(8, 10)) {
      // Day and month exchanged, the commonest slip with dates.
      values['date-of-birth'] = `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
    }
  }
  const population = POPULATIONS.find((p) => p.id === original.population)!;
  const phone = rng.weighted([
    ['same', 5],
    ['new', 3],
    ['none', 2],
  ] as const);
  if (phone === 'new' || (phone === 'same' && values.phone === undefined && rng.chance(0.5)))
    values.phone = rng.pattern(rng.weighted(population.phones));
  else if (phone === 'none') delete values.phone;
  if (!rng.chance(0.4)) delete values['documents-held'];
  if (rng.chance(0.5)) values['household-size'] = 1;
  values['case-number'] =
    `${values['country-of-origin']}-${String(values['arrival-date'] ?? '2025').slice(2, 4)}-${rng.pattern('#######')}`;
  return {
    index,
    household,
    population: original.population,
    noticeLanguage: original.noticeLanguage,
    member: 'head',
    values,
    relatives: [],
    otherRelatives: [],
    linksAfterHousehold: false,
    clerk: original.clerk,
    registration: { method: original.registration.method, withdrawn: false },
    consents: [],
    duplicateOf: original.index,
  };
}
