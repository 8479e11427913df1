/**
 * One privacy notice file: a purpose's notice at one version, in every language it is written in (LNG-1).
 * Pure: it takes the text, so the offline client can check a notice with the same code.
 */
import { isSeq, type Node } from 'yaml';
import {
  at,
  checkKeys,
  type Entry,
  isIdentifier,
  mapEntries,
  type Reader,
  readDocument,
  readString,
  report,
} from '../dictionary/yaml-reader.ts';
import { canonicalTag, type NoticeLanguage, REQUIRED_NOTICE_LANGUAGES } from './languages.ts';

export const NOTICE_FORMAT = 'haven-notice/1';

/** `YYYY-MM`, or `YYYY-MM.N` for a further version in the same month. */
const VERSION = /^([0-9]{4})-(0[1-9]|1[0-2])(?:\.([1-9][0-9]?))?$/;

const MAX_TITLE = 200;
const MAX_PARAGRAPH = 1200;
const MAX_PARAGRAPHS = 30;

export interface NoticeText {
  readonly title: string;
  readonly paragraphs: readonly string[];
}

export interface Notice {
  readonly purpose: string;
  readonly version: string;
  /** By language tag, in the order the file gives them. */
  readonly texts: ReadonlyMap<string, NoticeText>;
}

export function isNoticeVersion(version: string): boolean {
  return VERSION.test(version);
}

/** Orders versions newest first: by month, then by the `.N` counter. */
export function compareVersionsNewestFirst(a: string, b: string): number {
  const key = (v: string) => {
    const [, year, month, n] = VERSION.exec(v) ?? [];
    return Number(year) * 10_000 + Number(month) * 100 + Number(n ?? 0);
  };
  return key(b) - key(a);
}

/**
 * Reads a notice file; problems (with their lines) are reported on the reader. Every language must be one of
 * `languages`, the LNG-1 languages must all be there, and each translation has as many paragraphs as the English
 * text: translations go paragraph by paragraph, so a dropped paragraph shows.
 */
export function readNotice(
  reader: Reader,
  text: string,
  languages: readonly NoticeLanguage[],
): Notice | undefined {
  const root = readDocument(reader, text);
  if (root === undefined) return undefined;
  const entries = mapEntries(reader, root, root, '');
  if (entries === undefined) return undefined;
  const byKey = checkKeys(reader, entries, {
    known: ['format', 'purpose', 'version', 'languages'],
    required: ['format', 'purpose', 'version', 'languages'],
    anchor: root,
    path: '',
  });
  const formatEntry = byKey.get('format');
  const format = formatEntry === undefined ? undefined : readString(reader, formatEntry);
  if (formatEntry !== undefined && format !== undefined && format !== NOTICE_FORMAT) {
    report(reader, at(formatEntry), formatEntry.path, 'format-unsupported', `must be "${NOTICE_FORMAT}"`);
    return undefined;
  }
  const purposeEntry = byKey.get('purpose');
  const purpose = purposeEntry === undefined ? undefined : readString(reader, purposeEntry);
  const purposeOk = purpose !== undefined && isIdentifier(purpose);
  if (purposeEntry !== undefined && purpose !== undefined && !purposeOk) {
    report(reader, at(purposeEntry), purposeEntry.path, 'name-invalid', 'must be a purpose name');
  }
  const versionEntry = byKey.get('version');
  const version = versionEntry === undefined ? undefined : readString(reader, versionEntry);
  const versionOk = version !== undefined && isNoticeVersion(version);
  if (versionEntry !== undefined && version !== undefined && !versionOk) {
    report(
      reader,
      at(versionEntry),
      versionEntry.path,
      'notice-version-invalid',
      'must be the month it was published, YYYY-MM (or YYYY-MM.2 for a second version that month), in quotes',
    );
  }
  const languagesEntry = byKey.get('languages');
  const texts = languagesEntry === undefined ? undefined : readTexts(reader, languagesEntry, languages);
  if (!purposeOk || !versionOk || texts === undefined) return undefined;
  return { purpose, version, texts };
}

function readTexts(
  reader: Reader,
  entry: Entry,
  known: readonly NoticeLanguage[],
): Map<string, NoticeText> | undefined {
  const languages = mapEntries(reader, entry.value, entry.keyNode, entry.path);
  if (languages === undefined) return undefined;
  const texts = new Map<string, NoticeText>();
  const paragraphNodes = new Map<string, Node>();
  for (const language of languages) {
    if (!known.some((l) => l.tag === language.key)) {
      const canonical = canonicalTag(language.key);
      report(
        reader,
        language.keyNode,
        language.path,
        'notice-language-unknown',
        canonical !== undefined && canonical !== language.key && known.some((l) => l.tag === canonical)
          ? `write the tag as "${canonical}"`
          : 'not in languages.yaml; add the language there first (tag, name, direction)',
      );
      continue;
    }
    const fields = mapEntries(reader, language.value, language.keyNode, language.path);
    if (fields === undefined) continue;
    const keys = checkKeys(reader, fields, {
      known: ['title', 'paragraphs'],
      required: ['title', 'paragraphs'],
      anchor: at(language),
      path: language.path,
    });
    const titleEntry = keys.get('title');
    const title = titleEntry === undefined ? undefined : readString(reader, titleEntry);
    if (titleEntry !== undefined && title !== undefined && title.length > MAX_TITLE) {
      report(reader, at(titleEntry), titleEntry.path, 'value-too-long', `at most ${MAX_TITLE} characters`);
    }
    const paragraphsEntry = keys.get('paragraphs');
    const paragraphs = paragraphsEntry === undefined ? undefined : readParagraphs(reader, paragraphsEntry);
    if (title !== undefined && paragraphs !== undefined) {
      texts.set(language.key, { title, paragraphs });
      paragraphNodes.set(language.key, at(paragraphsEntry!));
    }
  }
  for (const tag of REQUIRED_NOTICE_LANGUAGES) {
    if (!languages.some((l) => l.key === tag)) {
      report(reader, entry.keyNode, entry.path, 'notice-language-missing', `"${tag}" is required (LNG-1)`);
    }
  }
  const english = texts.get('en')?.paragraphs.length;
  for (const [tag, { paragraphs }] of texts) {
    if (english !== undefined && paragraphs.length !== english) {
      report(
        reader,
        paragraphNodes.get(tag),
        `${entry.path}.${tag}.paragraphs`,
        'notice-paragraphs-mismatch',
        `has ${paragraphs.length} paragraphs and the English text ${english}; translate paragraph by paragraph`,
      );
    }
  }
  return texts;
}

function readParagraphs(reader: Reader, entry: Entry): string[] | undefined {
  const node = entry.value;
  if (!isSeq(node) || node.items.length === 0) {
    report(reader, at(entry), entry.path, 'value-wrong-kind', 'must be a list of paragraphs');
    return undefined;
  }
  if (node.items.length > MAX_PARAGRAPHS) {
    report(reader, node, entry.path, 'value-too-long', `at most ${MAX_PARAGRAPHS} paragraphs`);
  }
  const paragraphs: string[] = [];
  node.items.forEach((item, index) => {
    const path = `${entry.path}[${index}]`;
    const value = (item as { value?: unknown }).value;
    if (typeof value !== 'string' || value.trim() === '') {
      report(reader, item as Node, path, 'value-wrong-kind', 'must be a non-empty text');
      return;
    }
    if (value.length > MAX_PARAGRAPH) {
      report(reader, item as Node, path, 'value-too-long', `at most ${MAX_PARAGRAPH} characters`);
    }
    paragraphs.push(value.trim());
  });
  return paragraphs.length === node.items.length ? paragraphs : undefined;
}
