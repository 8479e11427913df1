/**
 * Name tokens and search keys for blind indexes (ENC-3). The index stores, per person and name field, one
 * exact token per folded word and one skeleton token per distinct non-empty skeleton; a search computes the
 * same keys from what was typed and looks them up. Order of words does not matter; spelling within a script
 * matters for exact keys only.
 */

import { foldText } from './fold.ts';
import { canonicalWord, isArticle, isJoiningParticle, joinParticle } from './particles.ts';
import { nameSkeletons } from './skeleton.ts';

export interface NameSearchKeys {
  /** Folded, canonical words: equal only for the same spelling (up to case, diacritics, script variants). */
  exact: string[];
  /** Cross-script phonetic keys (all readings, empty ones left out): shared by transliterations of a name,
   * and by some different names, so a match is a candidate only. */
  skeleton: string[];
}

/**
 * Folded words of a full name, in order and without repeats: articles dropped (al-, el-, ال), abd-/abu-
 * joined with the word after them, so "Abd al-Rahman", "Abdul Rahman" and "Abdelrahman" give one token.
 */
export function nameTokens(fullName: string): string[] {
  const words = foldText(fullName)
    .split(' ')
    .filter((word) => word !== '' && !isArticle(word));
  const tokens: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    const next = words[index + 1];
    if (isJoiningParticle(word) && next !== undefined) {
      tokens.push(joinParticle(word, next));
      index += 1;
    } else {
      tokens.push(canonicalWord(word));
    }
  }
  return [...new Set(tokens)];
}

/** What the index stores for a name and what a search for that name looks up. */
export function nameSearchKeys(fullName: string): NameSearchKeys {
  const exact = nameTokens(fullName);
  const skeleton = exact.flatMap((token) => nameSkeletons(token)).filter((key) => key !== '');
  return { exact, skeleton: [...new Set(skeleton)] };
}

/**
 * The keys of one word that nameTokens returned, for a search term per word. The word is already canonical and
 * must not be canonicalised again: that is not idempotent (abdullahi → abdlahi → abdahi) and would miss.
 */
export function wordSearchKeys(token: string): NameSearchKeys {
  return { exact: [token], skeleton: [...new Set(nameSkeletons(token).filter((key) => key !== ''))] };
}
