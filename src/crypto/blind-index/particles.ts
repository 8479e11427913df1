/**
 * Arabic name particles: the article (al-, el-, ال) and the compounds abd- ("servant of") and abu- ("father
 * of"). Spellings differ in where they put spaces and how they write the article (Abd al-Rahman, Abdul Rahman,
 * Abdelrahman, Abdurrahman, عبد الرحمن, عبدالرحمن); these rules bring them to one word ("abdrahman",
 * "عبدرحمن") so exact and skeleton tokens agree. Input is folded text (see fold.ts).
 */

/** Standalone articles, dropped from names ("ul" is the South Asian spelling: Zia ul Haq). */
const ARTICLES = new Set(['al', 'el', 'ul', 'ال']);

/** Particles joined with the word after them, as written standalone, and the form they take when joined. */
const JOINING: Readonly<Record<string, string>> = {
  abd: 'abd',
  abdul: 'abd',
  abdel: 'abd',
  abdal: 'abd',
  abdoul: 'abd',
  abdil: 'abd',
  abu: 'abu',
  abou: 'abu',
  عبد: 'عبد',
  ابو: 'ابو',
};

// Given names that begin with ال without it being the article (Elham, Elnaz, Elias, Elaheh, Almas, Olfat,
// Altaf, Alvand): stripping would turn them into other words and break their Latin match.
const NOT_ARTICLE = new Set(['الهام', 'الناز', 'الياس', 'الهه', 'الماس', 'الفت', 'الطاف', 'الوند']);

// The article between abd/abu and the next word in Latin spellings (Abdulrahman, Abdelkader, Abul Qasim).
const LATIN_ARTICLE = /^(abd|abu)(?:oul|ul|el|al|il|ol|l)(?=[a-z]{3})/u;
// An assimilated article: a linking vowel and a doubled consonant (Abdurrahman, Abdessalam, Abdennour).
const LATIN_ASSIMILATED = /^(abd)(?:ou|u|e|a|i)([b-df-hj-np-tv-z])\2(?=[a-z]{2})/u;

export function isArticle(word: string): boolean {
  return ARTICLES.has(word);
}

export function isJoiningParticle(word: string): boolean {
  return Object.hasOwn(JOINING, word);
}

/**
 * One word as written, in canonical form: a glued Arabic article dropped (الرحمن → رحمن), and the article
 * inside glued abd-/abu- compounds removed (Abdelrahman, Abdurrahman → abdrahman; عبدالله → عبدله;
 * Aboubakar → abubakar). Applied once to each written word.
 */
export function canonicalWord(word: string): string {
  const latin = word
    .replace(/^abou(?=[a-z]{3})/u, 'abu')
    .replace(LATIN_ARTICLE, '$1')
    .replace(LATIN_ASSIMILATED, '$1$2');
  if (latin !== word) return latin;
  for (const particle of ['عبد', 'ابو']) {
    if (word.startsWith(particle + 'ال') && word.length > particle.length + 3) {
      return particle + word.slice(particle.length + 2);
    }
  }
  if (word.startsWith('ال') && word.length > 3 && !NOT_ARTICLE.has(word)) return word.slice(2);
  return word;
}

/** A standalone particle joined with the word after it, as if written as one: Abd Allah → abdlah. */
export function joinParticle(particle: string, next: string): string {
  return canonicalWord((JOINING[particle] ?? particle) + next);
}
