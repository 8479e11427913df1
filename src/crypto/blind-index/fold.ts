/**
 * Text folding for blind indexes (ENC-3): two spellings a person would call "the same" fold to one string, so
 * their HMAC tokens are equal. Pure standard JavaScript (no Buffer, no I/O) so the browser can run it too.
 */

/** Arabic-Indic (U+0660–0669) and Extended Arabic-Indic/Persian (U+06F0–06F9) digits as ASCII. */
export function foldDigits(value: string): string {
  return value.replace(/[\u0660-\u0669\u06F0-\u06F9]/gu, (digit) => {
    const code = digit.codePointAt(0)!;
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

// Apostrophe-like marks are removed, not turned into spaces: in names they stand for ʿayn/hamza (Sa'id,
// ʿUmar) or a letter modifier (Uzbek Gʻulom, Ukrainian Мар'яна); splitting there would break the word in two.
const APOSTROPHES = /['`´ʹʻʼʽʾʿˈ‘’‛′＇]/gu;
// Format characters (ZWNJ, ZWJ, BOM, LRM/RLM, bidi embeddings, soft hyphen), lone surrogates and tatweel.
const INVISIBLE = /[\p{Cf}\p{Cs}\u0640]/gu;
// Punctuation, symbols, separators and control characters separate words.
const SEPARATORS = /[\p{P}\p{S}\p{Z}\p{Cc}]/gu;
const MARKS = /\p{M}/gu;

// Letters whose base has no canonical decomposition, so dropping \p{M} alone would not reach ASCII.
const LATIN_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ı: 'i',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ħ: 'h',
  ς: 'σ', // Greek final sigma: one letter, two shapes.
};

// Arabic-script unification: letters that spelling habits and keyboards (Arabic, Farsi, Urdu) use for one
// another. Hamza and madda on alef, ؤ and ئ are combining marks after NFD, so dropping \p{M} handles them.
const ARABIC_LETTERS: Readonly<Record<string, string>> = {
  '\u0671': 'ا', // ٱ alef wasla
  '\u0672': 'ا', // ٲ alef with wavy hamza above
  '\u0673': 'ا', // ٳ alef with wavy hamza below
  '\u0649': 'ي', // ى alef maqsura
  '\u06CC': 'ي', // ی Farsi yeh
  '\u06D2': 'ي', // ے Urdu yeh barree
  '\u06A9': 'ك', // ک Farsi/Urdu keheh
  '\u06AA': 'ك', // ڪ swash kaf
  '\u0629': 'ه', // ة ta marbuta
  '\u06C3': 'ه', // ۃ Urdu ta marbuta goal
  '\u06C1': 'ه', // ہ Urdu heh goal
  '\u06BE': 'ه', // ھ heh doachashmee
  '\u0674': '', // ٴ high hamza (after NFKC of ٵ ٶ ٸ)
};

const LATIN_PATTERN = new RegExp(`[${Object.keys(LATIN_LETTERS).join('')}]`, 'gu');
const ARABIC_PATTERN = new RegExp(`[${Object.keys(ARABIC_LETTERS).join('')}]`, 'gu');

/**
 * Case-, diacritic- and script-variant-insensitive form of a text: NFKC, lower case (Turkish İ/ı → i,
 * ß → ss), diacritics dropped, Arabic-script letter variants unified, digits in ASCII, punctuation and
 * separators as single spaces, invisible characters removed, trimmed. Idempotent.
 */
export function foldText(value: string): string {
  let text = value.replace(APOSTROPHES, '').normalize('NFKC').replace(APOSTROPHES, '');
  text = text.replace(INVISIBLE, '').toLowerCase();
  // A word-initial ئ only carries a vowel (Kurdish ئازاد Azad, ئەحمەد Ahmad): fold it like a hamza on alef.
  text = text.replace(/(?<![\p{L}\p{M}\p{N}])\u0626/gu, 'ا');
  // Cyrillic й is a letter of its own (a consonant, "y"), not и with a diacritic: keep it through NFD.
  text = text
    .normalize('NFD')
    .replace(/\u0438\u0306/gu, 'й')
    .replace(MARKS, '');
  text = text.replace(LATIN_PATTERN, (letter) => LATIN_LETTERS[letter]!);
  text = text.replace(ARABIC_PATTERN, (letter) => ARABIC_LETTERS[letter]!);
  text = foldDigits(text).replace(SEPARATORS, ' ');
  // NFC recomposes what NFD split apart without marks (Hangul syllables).
  return text.normalize('NFC').replace(/ {2,}/gu, ' ').trim();
}
