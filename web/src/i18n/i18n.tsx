/**
 * Interface languages (LNG-1, LNG-2): ICU messages per language, right-to-left layout for Arabic and Dari, and
 * numbers and dates in the reader's conventions. Switching language re-renders in place: no work is lost.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import en from './messages/en.json';

export type Messages = Record<string, string>;

export interface Language {
  tag: string;
  /** The language's own name, so that a reader finds it whatever language is on screen. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** The locale Intl formats numbers, dates and plurals with (Dari is written prs; browsers know fa-AF). */
  intl: string;
}

export const LANGUAGES: Language[] = [
  { tag: 'en', name: 'English', dir: 'ltr', intl: 'en' },
  { tag: 'fr', name: 'Français', dir: 'ltr', intl: 'fr' },
  { tag: 'es', name: 'Español', dir: 'ltr', intl: 'es' },
  { tag: 'uk', name: 'Українська', dir: 'ltr', intl: 'uk' },
  { tag: 'ar', name: 'العربية', dir: 'rtl', intl: 'ar' },
  { tag: 'prs', name: 'دری', dir: 'rtl', intl: 'fa-AF' },
];

const catalogs = import.meta.glob<{ default: Messages }>(['./messages/*.json', '!./messages/en.json']);
const STORAGE_KEY = 'haven.language';

export function languageOf(tag: string): Language {
  return LANGUAGES.find((l) => l.tag === tag) ?? LANGUAGES[0]!;
}

function initialLanguage(): string {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved && LANGUAGES.some((l) => l.tag === saved)) return saved;
  for (const wanted of navigator.languages ?? []) {
    const base = wanted.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l.tag === base || (base === 'fa' && l.tag === 'prs'));
    if (found) return found.tag;
  }
  return 'en';
}

export type Translate = (id: string, values?: Record<string, unknown>) => string;

export interface I18n {
  language: Language;
  setLanguage(tag: string): void;
  t: Translate;
  /** A translation if the catalog has one, else undefined (for labels that fall back to the dictionary). */
  maybe(id: string, values?: Record<string, unknown>): string | undefined;
  formatDate(iso: string | Date, withTime?: boolean): string;
  /** A calendar day as Haven sends it (YYYY-MM-DD), in the reader's conventions, whatever their time zone. */
  formatDay(day: string): string;
  formatNumber(value: number): string;
  /** Items joined as the language joins them (A, B and C; A وB وC). */
  formatList(items: string[]): string;
  /** A language tag (as recorded with a consent) named in the interface language, e.g. ar → Arabic. */
  languageName(tag: string): string;
}

const I18nContext = createContext<I18n | null>(null);

/**
 * `persist: false` keeps the choice of language out of the browser's storage: the public concern page leaves
 * nothing behind on a shared device (GOV-4). `fixed`: a part of the page in a language of its own (a document
 * printed for a person, LNG-2); the page's own language, direction and storage are left alone.
 */
export function I18nProvider({
  children,
  persist = true,
  fixed,
}: {
  children: ReactNode;
  persist?: boolean;
  fixed?: string;
}) {
  const [chosen, setTag] = useState(initialLanguage);
  const tag = fixed ?? chosen;
  const [{ messages, shown }, setMessages] = useState({ messages: en as Messages, shown: 'en' });
  // A fixed part takes its language once its messages are here: never Arabic direction on English words.
  const language = languageOf(fixed ? shown : tag);

  useEffect(() => {
    let current = true;
    // Direction and language change with the messages, not before: no mirrored page still in English.
    const apply = (loaded: Messages) => {
      setMessages({ messages: loaded, shown: tag });
      if (fixed) return;
      document.documentElement.lang = tag === 'prs' ? 'fa-AF' : tag;
      document.documentElement.dir = languageOf(tag).dir;
    };
    const load = catalogs[`./messages/${tag}.json`];
    if (!load) apply(en as Messages);
    else
      void load().then((module) => {
        if (current) apply({ ...(en as Messages), ...module.default });
      });
    if (persist && !fixed) globalThis.localStorage?.setItem(STORAGE_KEY, tag);
    return () => {
      current = false;
    };
  }, [tag, fixed, persist]);

  // Parsed messages are kept per catalog and locale: parsing ICU text on every render would be wasteful.
  const catalog = useMemo(
    () => ({ messages, locale: language.intl, parsed: new Map<string, IntlMessageFormat>() }),
    [messages, language.intl],
  );

  const maybe = useCallback(
    (id: string, values?: Record<string, unknown>) => {
      const source = catalog.messages[id];
      if (source === undefined) return undefined;
      let formatter = catalog.parsed.get(id);
      if (!formatter) {
        formatter = new IntlMessageFormat(source, catalog.locale);
        catalog.parsed.set(id, formatter);
      }
      return String(formatter.format(values as Record<string, string>));
    },
    [catalog],
  );

  const value = useMemo<I18n>(() => {
    const dateTime = new Intl.DateTimeFormat(language.intl, { dateStyle: 'medium', timeStyle: 'short' });
    const date = new Intl.DateTimeFormat(language.intl, { dateStyle: 'medium' });
    const day = new Intl.DateTimeFormat(language.intl, { dateStyle: 'medium', timeZone: 'UTC' });
    const number = new Intl.NumberFormat(language.intl);
    const list = new Intl.ListFormat(language.intl, { type: 'conjunction' });
    const names = new Intl.DisplayNames([language.intl], { type: 'language', fallback: 'code' });
    return {
      language,
      setLanguage: setTag,
      t: (id, values) => maybe(id, values) ?? id,
      maybe,
      formatDate: (iso, withTime = true) => (withTime ? dateTime : date).format(new Date(iso)),
      formatDay: (text) => {
        const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : null;
        return parsed && !Number.isNaN(parsed.getTime()) ? day.format(parsed) : text;
      },
      formatNumber: (n) => number.format(n),
      formatList: (items) => list.format(items),
      languageName: (tag) => {
        try {
          return names.of(tag === 'prs' ? 'fa-AF' : tag) ?? tag;
        } catch {
          return tag; // not a well-formed tag: show it as recorded
        }
      },
    };
  }, [language, maybe]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
