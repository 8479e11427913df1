/**
 * Cross-script phonetic skeleton of a name token (ENC-3: "across scripts where transliteration applies").
 * Arabic-script (Arabic, Farsi/Dari, Pashto, Urdu, Sorani), Cyrillic (Ukrainian, Russian) and Latin spellings
 * of one name reduce to strings of consonant classes, so محمد, Muhammad and Mohamed share a key. The skeleton
 * is deliberately coarse: it finds candidates; the exact token and the decrypted value decide.
 *
 * Alphabet: b d f g h j k l m n p r s t y z, plus any character of a script without a table (passed through,
 * so such names still match within their script). Choices, each made so both sides of a common
 * transliteration meet (the tests hold the examples):
 * - Vowels are dropped, and so are the letters that write vowels or glides: Latin w, v and non-initial y,
 *   Arabic ا و ع ء and non-initial ي, Cyrillic в ь ъ and non-initial й ю я є. Word-initial y/ي/й/ю/я/є stay
 *   "y" (Yusuf ~ يوسف, Юлія ~ Yuliia). و reads u, o, w or v, so v and w go with it (Javad ~ جواد).
 * - Digraphs are not reduced: letters that Latin writes with two letters give two classes (ش sh, خ kh, ث th,
 *   ч sh, х kh, ж zh), so Fathi ~ فتحي, Othman ~ عثمان, Adham ~ ادهم and Ishaq ~ اسحاق line up however the
 *   h falls. Rewritten are only ch/sch/tch/tsch → sh (French Chadi ~ شادي; Shevchenko ~ Шевченко), gh → g,
 *   dj → j (French Djamel ~ جمال), ph → f, c → k, q → k, x → ks.
 * - A word-final h (Latin h, ه ة ح) is dropped: Fatimah ~ فاطمة, Saleh ~ صالح, Oleh ~ Олег.
 * - Repeated classes collapse after vowels are dropped (Hassan ~ حسن, Abu Bakr ~ ابوبكر).
 * - Letters read two ways give one skeleton per reading (nameSkeletons), the common reading first:
 *   ض d|z (Ramadan, Ramazan), ذ ظ z|dh (Kazem, Kadhim), ث th|s (Othman, Osman), ج j|g (Jamal, Gamal),
 *   ق k|g (Qasim, Ghasem), Cyrillic г h|g (Ukrainian Serhii, Russian Sergei), initial е -|y (Elena, Yelena).
 * A name of vowels and glides only has an empty skeleton (Aya, آية, Eva); callers skip empty skeletons.
 */

import { foldText } from './fold.ts';

/** A letter that is a consonant "y" at the start of a word and a vowel anywhere else. */
const INITIAL_Y = new Set(['y', 'ي', 'й', 'ю', 'я', 'є']);

const LATIN: Readonly<Record<string, string>> = {
  a: '',
  e: '',
  i: '',
  o: '',
  u: '',
  w: '',
  v: '',
  b: 'b',
  c: 'k',
  d: 'd',
  f: 'f',
  g: 'g',
  h: 'h',
  j: 'j',
  k: 'k',
  l: 'l',
  m: 'm',
  n: 'n',
  p: 'p',
  q: 'k',
  r: 'r',
  s: 's',
  t: 't',
  x: 'ks',
  z: 'z',
  tsch: 'sh',
  tch: 'sh',
  sch: 'sh',
  ch: 'sh',
  ph: 'f',
  gh: 'g', // one class like غ (Ghulam ~ غلام, Baligh ~ بليغ)
  dj: 'j', // French spelling of ج (Djamel ~ جمال)
};

const CYRILLIC: Readonly<Record<string, string>> = {
  а: '',
  е: '',
  и: '',
  і: '',
  о: '',
  у: '',
  ы: '',
  э: '',
  ь: '',
  ъ: '',
  в: '',
  б: 'b',
  ґ: 'g',
  д: 'd',
  ж: 'zh',
  з: 'z',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'sh',
  ш: 'sh',
  щ: 'shsh',
};

// After foldText: hamza seats, ى, ی, ک, ة are already unified (see fold.ts).
const ARABIC_SCRIPT: Readonly<Record<string, string>> = {
  ا: '',
  و: '',
  ع: '',
  ء: '',
  ب: 'b',
  پ: 'p',
  ت: 't',
  چ: 'sh',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ر: 'r',
  ز: 'z',
  ژ: 'zh',
  س: 's',
  ش: 'sh',
  ص: 's',
  ط: 't',
  غ: 'g',
  ف: 'f',
  ك: 'k',
  گ: 'g',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  // Urdu
  ٹ: 't',
  ڈ: 'd',
  ڑ: 'r',
  ں: 'n',
  // Pashto
  ټ: 't',
  ډ: 'd',
  ړ: 'r',
  ږ: 'zh',
  ښ: 'sh',
  ګ: 'g',
  ڼ: 'n',
  ځ: 'z',
  څ: 'ts',
  ې: '',
  ۍ: '',
  // Sorani Kurdish
  ڕ: 'r',
  ڵ: 'l',
  ۆ: '',
  ێ: '',
  ە: '',
  ڤ: '',
};

/** Letters with two common Latin readings: one skeleton per reading, the first is the primary. */
const READINGS: Readonly<Record<string, readonly [string, string]>> = {
  ض: ['d', 'z'],
  ذ: ['z', 'dh'],
  ظ: ['z', 'dh'],
  ث: ['th', 's'],
  ج: ['j', 'g'],
  ق: ['k', 'g'],
  г: ['h', 'g'],
};

const CLASSES: Readonly<Record<string, string>> = { ...LATIN, ...CYRILLIC, ...ARABIC_SCRIPT };

// Longest Latin spellings first, then any one code point.
const SPELLINGS = /tsch|tch|sch|ch|ph|gh|dj|./gsu;

/** Readings beyond this many per token fall back to the primary, bounding the stored tokens per name. */
const MAX_SKELETONS = 8;

/** Per letter of a word, its possible class strings ('' for a vowel, kept so "word-final" sees it). */
function readingsOf(word: string): string[][] {
  const letters: string[][] = [];
  for (const [spelling] of word.matchAll(SPELLINGS)) {
    const initial = letters.length === 0;
    if (INITIAL_Y.has(spelling)) letters.push([initial ? 'y' : '']);
    else if (spelling === 'е' && initial) letters.push(['', 'y']);
    else letters.push([...(READINGS[spelling] ?? [CLASSES[spelling] ?? spelling])]);
  }
  return letters;
}

function skeletonOf(classes: string): string {
  // A word-final h is dropped: Fatima/Fatimah; Ahmed keeps its h. Vowels count as letters here.
  const units = [...classes];
  if (units.at(-1) === 'h') units.pop();
  let skeleton = '';
  for (const unit of units) if (unit !== '.' && !skeleton.endsWith(unit)) skeleton += unit;
  return skeleton;
}

function wordSkeletons(word: string): string[] {
  // Vowels become '.' so that they still separate letters when the final h is looked for.
  let variants = [''];
  for (const options of readingsOf(word)) {
    const choices = variants.length * options.length > MAX_SKELETONS ? options.slice(0, 1) : options;
    variants = variants.flatMap((variant) =>
      choices.map((option) => variant + (option === '' ? '.' : option)),
    );
  }
  return [...new Set(variants.map(skeletonOf))];
}

/**
 * All skeletons of a name token (from nameTokens), the primary first: more than one only where a letter has
 * two readings (see the module comment). Folds its input, so any string is accepted; the words of a multi-word
 * input are concatenated. Skeletons may be empty.
 */
export function nameSkeletons(token: string): string[] {
  let skeletons = [''];
  for (const word of foldText(token).split(' ')) {
    const words = wordSkeletons(word);
    skeletons = skeletons
      .flatMap((prefix) => words.map((skeleton) => prefix + skeleton))
      .slice(0, MAX_SKELETONS);
  }
  return [...new Set(skeletons)];
}

/** The primary skeleton of a name token: every letter in its common reading. */
export function nameSkeleton(token: string): string {
  return nameSkeletons(token)[0]!;
}
