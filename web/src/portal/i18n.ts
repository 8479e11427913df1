/**
 * The portal's languages (LNG-1, LNG-2), kept apart from the staff app's i18n so that its first load stays small:
 * one lazy catalog per language with only the portal's keys, and a formatter for plain `{name}` arguments — the
 * portal's messages use no plural or select, so intl-messageformat is not needed here.
 */
import { createContext, useContext } from 'react';

export interface Language {
  tag: string;
  /** The language's own name, so that a reader finds it whatever language is on screen. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** The locale Intl formats dates with (Dari is written prs; browsers know fa-AF). */
  intl: string;
}

// The same six as the staff app (web/src/i18n/i18n.tsx), repeated so nothing of the staff bundle comes along.
export const LANGUAGES: Language[] = [
  { tag: 'en', name: 'English', dir: 'ltr', intl: 'en' },
  { tag: 'fr', name: 'Français', dir: 'ltr', intl: 'fr' },
  { tag: 'es', name: 'Español', dir: 'ltr', intl: 'es' },
  { tag: 'uk', name: 'Українська', dir: 'ltr', intl: 'uk' },
  { tag: 'ar', name: 'العربية', dir: 'rtl', intl: 'ar' },
  { tag: 'prs', name: 'دری', dir: 'rtl', intl: 'fa-AF' },
];

type Messages = Record<string, string>;

const CATALOGS: Record<string, () => Promise<{ default: Messages }>> = {
  en: () => import('virtual:portal-messages/en'),
  fr: () => import('virtual:portal-messages/fr'),
  es: () => import('virtual:portal-messages/es'),
  uk: () => import('virtual:portal-messages/uk'),
  ar: () => import('virtual:portal-messages/ar'),
  prs: () => import('virtual:portal-messages/prs'),
};

export const languageOf = (tag: string): Language => LANGUAGES.find((l) => l.tag === tag) ?? LANGUAGES[0]!;

/** The browser's preferred language if the portal has it. Nothing is stored: the phone may be shared. */
export function preferredLanguage(): string {
  for (const wanted of navigator.languages ?? []) {
    const base = wanted.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l.tag === base || (base === 'fa' && l.tag === 'prs'));
    if (found) return found.tag;
  }
  return 'en';
}

export interface Words {
  language: Language;
  t(id: string, values?: Record<string, string>): string;
  /** A translation if the catalog has one (actions, roles and purposes the catalog may not know yet). */
  maybe(id: string, values?: Record<string, string>): string | undefined;
  /** A calendar day as Haven sends it (YYYY-MM-DD) in the reader's conventions. */
  day(day: string): string;
  dateTime(iso: string): string;
  languageName(tag: string): string;
}

/** English under the chosen language: a key not yet translated still reads as words, never as a key. */
export async function loadWords(tag: string): Promise<Words> {
  const language = languageOf(tag);
  const [english, chosen] = await Promise.all([
    CATALOGS.en!(),
    tag === 'en' ? null : (CATALOGS[language.tag] ?? CATALOGS.en!)(),
  ]);
  const messages: Messages = { ...english.default, ...(chosen?.default ?? {}) };
  const maybe = (id: string, values?: Record<string, string>) =>
    messages[id]?.replace(/\{(\w+)\}/g, (whole, name: string) => values?.[name] ?? whole);
  const dayFormat = new Intl.DateTimeFormat(language.intl, { dateStyle: 'long', timeZone: 'UTC' });
  const timeFormat = new Intl.DateTimeFormat(language.intl, { dateStyle: 'medium', timeStyle: 'short' });
  const names = new Intl.DisplayNames([language.intl], { type: 'language', fallback: 'code' });
  return {
    language,
    t: (id, values) => maybe(id, values) ?? id,
    maybe,
    day: (text) =>
      /^\d{4}-\d{2}-\d{2}$/.test(text) ? dayFormat.format(new Date(`${text}T00:00:00Z`)) : text,
    dateTime: (iso) => timeFormat.format(new Date(iso)),
    languageName: (code) => {
      try {
        return names.of(code === 'prs' ? 'fa-AF' : code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

export const WordsContext = createContext<Words | null>(null);

export function useWords(): Words {
  const words = useContext(WordsContext);
  if (!words) throw new Error('useWords outside the portal');
  return words;
}
