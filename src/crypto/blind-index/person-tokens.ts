import type { Dictionary } from '../../domain/dictionary/index.ts';
import { HavenError } from '../../domain/errors.ts';
import {
  nameSearchKeys,
  nameTokens,
  normaliseDate,
  normaliseDocumentNumber,
  normalisePhone,
  wordSearchKeys,
} from './normalise.ts';
import type { BlindIndex, TokenKind } from './tokens.ts';

/**
 * Which tokens a person's values produce and which tokens a search looks for (ENC-3), from the dictionary's
 * blind-index declarations. Names give an exact token per word and skeleton tokens for cross-script matching;
 * dates, phones and document numbers give one exact token per value.
 */

type Values = Record<string, Record<string, unknown>>;

/** Values at a blind-index path: `phone`, `languages` (a list) or `documents-held[].number` (record members). */
function valuesAt(groups: Values, group: string, path: string): string[] {
  const [field, member] = path.split('[].') as [string, string | undefined];
  const raw = groups[group]?.[field];
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const item of items) {
    const value = member === undefined ? item : (item as Record<string, unknown> | null)?.[member];
    if (typeof value === 'string' && value.trim() !== '') out.push(value);
  }
  return out;
}

function normalised(kind: 'date' | 'phone' | 'document', value: string): string | undefined {
  try {
    if (kind === 'date') return normaliseDate(value);
    if (kind === 'phone') return normalisePhone(value);
    return normaliseDocumentNumber(value);
  } catch (error) {
    // A stored value the normaliser cannot read is still stored; it is just not searchable.
    if (error instanceof HavenError) return undefined;
    throw error;
  }
}

/** The tokens of the given field groups' values, per group (groups without indexed fields get an empty list). */
export function personTokens(
  index: BlindIndex,
  dictionary: Dictionary,
  organisationId: string,
  groups: Values,
): Record<string, Buffer[]> {
  const byGroup: Record<string, Buffer[]> = {};
  for (const group of Object.keys(groups)) byGroup[group] = [];
  for (const spec of dictionary.blindIndexes) {
    const group = dictionary.groupOf(spec.field)?.name;
    const tokens = group === undefined ? undefined : byGroup[group];
    if (!group || !tokens) continue;
    const add = (kind: TokenKind, key: string) =>
      tokens.push(index.token(organisationId, spec.path, kind, key));
    for (const value of valuesAt(groups, group, spec.path)) {
      if (spec.kind === 'name') {
        const keys = nameSearchKeys(value);
        for (const key of keys.exact) add('exact', key);
        for (const key of keys.skeleton) add('skeleton', key);
      } else {
        const key = normalised(spec.kind, value);
        if (key !== undefined) add('exact', key);
      }
    }
  }
  return byGroup;
}

export interface SearchCriteria {
  name?: string;
  dateOfBirth?: string;
  phone?: string;
  documentNumber?: string;
}

export interface SearchTerms {
  /** Every term must match (AND); each term lists alternative tokens (OR over fields). */
  exact: Buffer[][];
  /** The same terms with name words matched by skeleton too (cross-script, "sounds like"). */
  similar: Buffer[][];
  /** The blind-index paths the search touches, so the gate can check the purpose may read them. */
  fields: string[];
}

/** Tokens for a search. Invalid criteria (a malformed date, say) are refused with the normaliser's code. */
export function searchTerms(
  index: BlindIndex,
  dictionary: Dictionary,
  organisationId: string,
  criteria: SearchCriteria,
  /** Only fields this returns true for are searched (the gate passes "the declared purpose may use it"). */
  fieldAllowed: (field: string) => boolean = () => true,
): SearchTerms {
  const exact: Buffer[][] = [];
  const similar: Buffer[][] = [];
  const fields = new Set<string>();
  // A name search looks at the person's own names, not at the names of relatives they listed.
  const specs = (kind: string) =>
    dictionary.blindIndexes.filter(
      (s) =>
        s.kind === kind &&
        fieldAllowed(s.field) &&
        (kind !== 'name' || dictionary.field(s.field)?.category === 'name'),
    );
  if (criteria.name !== undefined) {
    const words = nameTokens(criteria.name);
    if (words.length === 0) {
      throw new HavenError('search-name-empty', 'Type at least one name to search for.', { status: 422 });
    }
    for (const word of words) {
      const keys = wordSearchKeys(word);
      const exactAlternatives: Buffer[] = [];
      const similarAlternatives: Buffer[] = [];
      for (const spec of specs('name')) {
        fields.add(spec.field);
        for (const key of keys.exact) {
          const token = index.token(organisationId, spec.path, 'exact', key);
          exactAlternatives.push(token);
          similarAlternatives.push(token);
        }
        for (const key of keys.skeleton)
          similarAlternatives.push(index.token(organisationId, spec.path, 'skeleton', key));
      }
      exact.push(exactAlternatives);
      similar.push(similarAlternatives);
    }
  }
  const single = (kind: 'date' | 'phone' | 'document', value: string | undefined) => {
    if (value === undefined) return;
    const key =
      kind === 'date'
        ? normaliseDate(value)
        : kind === 'phone'
          ? normalisePhone(value)
          : normaliseDocumentNumber(value);
    const alternatives = specs(kind).map((spec) => {
      fields.add(spec.field);
      return index.token(organisationId, spec.path, 'exact', key);
    });
    exact.push(alternatives);
    similar.push(alternatives);
  };
  single('date', criteria.dateOfBirth);
  single('phone', criteria.phone);
  single('document', criteria.documentNumber);
  if (exact.length === 0) {
    throw new HavenError(
      'search-criteria-missing',
      'Search by name, date of birth, phone or document number.',
      {
        status: 422,
      },
    );
  }
  return { exact, similar, fields: [...fields] };
}
