/**
 * How demo names are written down. A name is one form in the person's own script (when it is not Latin), the
 * Latin spelling a clerk would most often write, and other Latin spellings met in real registries ("Mohammed",
 * "Muhammad", "Maxamed"): the near-duplicates of the demo registry are made from those.
 */
export interface NameForm {
  /** In the person's own script; absent for names written in Latin letters. */
  native?: string;
  latin: string;
  /** Other Latin spellings of the same name. */
  variants: readonly string[];
}

/** A family name that changes with sex (Ukrainian Kovalskyi / Kovalska); most have one form. */
export interface FamilyName {
  male: NameForm;
  female: NameForm;
}

/**
 * Reads a compact list: `native|Latin|variant|…` for non-Latin scripts, `Latin|variant|…` for Latin. A family
 * name with male and female forms is written `male-form;female-form`.
 */
export function nameForms(script: 'native' | 'latin', entries: readonly string[]): NameForm[] {
  return entries.map((entry) => form(script, entry));
}

export function familyNames(script: 'native' | 'latin', entries: readonly string[]): FamilyName[] {
  return entries.map((entry) => {
    const [male, female] = entry.split(';');
    return { male: form(script, male!), female: form(script, female ?? male!) };
  });
}

function form(script: 'native' | 'latin', entry: string): NameForm {
  const parts = entry.split('|');
  if (script === 'latin') return { latin: parts[0]!, variants: parts.slice(1) };
  return { native: parts[0]!, latin: parts[1]!, variants: parts.slice(2) };
}
