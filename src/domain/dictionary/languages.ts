/**
 * ISO 639-3 language codes (issue 13): one code per language, including the minority languages that displaced
 * people speak and ISO 639-1 lacks (e.g. rhg Rohingya, prs Dari, kmr Kurmanji), from the iso-639-3 package's
 * copy of the SIL registry. Special codes (mis, mul, und, zxx) name no language and are left out: an empty
 * field says "not known". A dictionary adds codes per field (`extraCodes`): local-use codes (qaa–qtz) or a code
 * newer than this table.
 */
import { iso6393 } from 'iso-639-3';

export const ISO_639_3: ReadonlySet<string> = new Set(
  iso6393.filter((language) => language.scope !== 'special').map((language) => language.iso6393),
);

/** True for a code of an individual language or macrolanguage in ISO 639-3 (lower case). */
export function isIso6393Code(code: string): boolean {
  return ISO_639_3.has(code);
}

/** The form a dictionary's extra language code must have: three lower-case letters. */
export function isLanguageCodeForm(code: string): boolean {
  return /^[a-z]{3}$/.test(code);
}
