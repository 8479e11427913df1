/**
 * The languages privacy notices are written in (LNG-1): each with its BCP 47 tag, its name in that language and
 * its writing direction. The list is data (dictionaries/notices/languages.yaml) so a language is added without
 * code; the six languages LNG-1 names are required of every notice.
 */
import type { Node } from 'yaml';
import { isSeq } from 'yaml';
import {
  at,
  checkKeys,
  mapEntries,
  type Reader,
  readDocument,
  readString,
  report,
} from '../dictionary/yaml-reader.ts';

export type Direction = 'ltr' | 'rtl';

export interface NoticeLanguage {
  /** Canonical BCP 47 tag, e.g. `ar`, `fa-AF`. */
  readonly tag: string;
  /** The language's name in itself (endonym), e.g. العربية, Українська, دری. */
  readonly name: string;
  readonly direction: Direction;
  /** Other tags that mean this language for notices, e.g. `fa` for Dari (`prs` is canonicalised to `fa-AF`). */
  readonly aliases: readonly string[];
}

/** LNG-1: English, French, Arabic, Spanish, Ukrainian and Dari, in every notice. */
export const REQUIRED_NOTICE_LANGUAGES = ['en', 'fr', 'ar', 'es', 'uk', 'fa-AF'] as const;

export const NOTICE_LANGUAGES_FORMAT = 'haven-notice-languages/1';

/** The canonical form of a BCP 47 tag (`prs` → `fa-AF`, `EN-gb` → `en-GB`), or undefined if it is not one. */
export function canonicalTag(tag: string): string | undefined {
  if (tag.length === 0 || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The listed language a requested tag means: the same tag, an alias, or the same base language
 * (`ar-SY` → `ar`, `fa-IR` → Dari through its alias `fa`). Undefined for an invalid tag or no match.
 */
export function resolveLanguage(
  languages: readonly NoticeLanguage[],
  requested: string,
): NoticeLanguage | undefined {
  const canonical = canonicalTag(requested);
  if (canonical === undefined) return undefined;
  const base = new Intl.Locale(canonical).language;
  const means = (language: NoticeLanguage, tag: string) =>
    language.tag === tag || language.aliases.some((alias) => canonicalTag(alias) === tag);
  return (
    languages.find((l) => l.tag === canonical) ??
    languages.find((l) => means(l, canonical)) ??
    languages.find((l) => means(l, base))
  );
}

/** Parses languages.yaml; problems are reported on the reader. */
export function readLanguages(reader: Reader, text: string): NoticeLanguage[] {
  const root = readDocument(reader, text);
  if (root === undefined) return [];
  const entries = mapEntries(reader, root, root, '');
  if (entries === undefined) return [];
  const byKey = checkKeys(reader, entries, {
    known: ['format', 'languages'],
    required: ['format', 'languages'],
    anchor: root,
    path: '',
  });
  const formatEntry = byKey.get('format');
  const format = formatEntry === undefined ? undefined : readString(reader, formatEntry);
  if (formatEntry !== undefined && format !== undefined && format !== NOTICE_LANGUAGES_FORMAT) {
    report(
      reader,
      at(formatEntry),
      formatEntry.path,
      'format-unsupported',
      `must be "${NOTICE_LANGUAGES_FORMAT}"`,
    );
    return [];
  }
  const list = byKey.get('languages');
  if (list === undefined) return [];
  const languageEntries = mapEntries(reader, list.value, list.keyNode, list.path) ?? [];
  const languages: NoticeLanguage[] = [];
  for (const entry of languageEntries) {
    if (canonicalTag(entry.key) !== entry.key) {
      const canonical = canonicalTag(entry.key);
      report(
        reader,
        entry.keyNode,
        entry.path,
        'language-tag-invalid',
        canonical === undefined
          ? 'must be a BCP 47 language tag, e.g. ar or fa-AF'
          : `write the tag in its canonical form, "${canonical}"`,
      );
      continue;
    }
    const fields = mapEntries(reader, entry.value, entry.keyNode, entry.path);
    if (fields === undefined) continue;
    const keys = checkKeys(reader, fields, {
      known: ['name', 'direction', 'aliases'],
      required: ['name', 'direction'],
      anchor: at(entry),
      path: entry.path,
    });
    const nameEntry = keys.get('name');
    const name = nameEntry === undefined ? undefined : readString(reader, nameEntry);
    const directionEntry = keys.get('direction');
    const written = directionEntry === undefined ? undefined : readString(reader, directionEntry);
    const direction = written === 'ltr' || written === 'rtl' ? written : undefined;
    if (directionEntry !== undefined && written !== undefined && direction === undefined) {
      report(reader, at(directionEntry), directionEntry.path, 'direction-invalid', 'must be ltr or rtl');
    }
    const aliasesEntry = keys.get('aliases');
    const aliases =
      aliasesEntry === undefined ? [] : readAliases(reader, aliasesEntry.value, aliasesEntry.path);
    if (name === undefined || direction === undefined) continue;
    languages.push({ tag: entry.key, name, direction, aliases });
  }
  checkAliases(reader, languages, list.value ?? list.keyNode);
  for (const tag of REQUIRED_NOTICE_LANGUAGES) {
    if (!languages.some((l) => l.tag === tag)) {
      report(
        reader,
        list.value ?? list.keyNode,
        list.path,
        'language-required',
        `"${tag}" is required (LNG-1)`,
      );
    }
  }
  return languages;
}

function readAliases(reader: Reader, node: Node | null, path: string): string[] {
  if (!isSeq(node)) {
    report(reader, node, path, 'value-wrong-kind', 'must be a list of language tags, e.g. [fa, prs]');
    return [];
  }
  const aliases: string[] = [];
  node.items.forEach((item, index) => {
    const value = (item as { value?: unknown }).value;
    if (typeof value !== 'string' || canonicalTag(value) === undefined) {
      report(
        reader,
        item as Node,
        `${path}[${index}]`,
        'language-tag-invalid',
        'must be a BCP 47 language tag',
      );
      return;
    }
    aliases.push(value);
  });
  return aliases;
}

/** An alias may not name another listed language, nor be claimed by two languages. */
function checkAliases(reader: Reader, languages: readonly NoticeLanguage[], anchor: Node): void {
  const owner = new Map<string, string>(languages.map((l) => [l.tag, l.tag]));
  for (const language of languages) {
    for (const alias of language.aliases) {
      const tag = canonicalTag(alias)!;
      const current = owner.get(tag);
      if (current !== undefined && current !== language.tag) {
        const path = `languages.${language.tag}.aliases`;
        report(reader, anchor, path, 'language-alias-taken', `"${alias}" already means "${current}"`);
      } else {
        owner.set(tag, language.tag);
      }
    }
  }
}
