/**
 * Interface languages (LNG-1, LNG-2): every catalog in web/src/i18n/messages has exactly the keys of en.json, and every
 * message is valid ICU MessageFormat for its language, formats, uses the same arguments as the English message and gives
 * each plural the categories its language needs.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';

const DIRECTORY = path.join(import.meta.dirname, '../../web/src/i18n/messages');

/** The locale Intl formats each catalog with, as web/src/i18n/i18n.tsx does (browsers know Dari as fa-AF). */
const LOCALES: Record<string, string> = { en: 'en', ar: 'ar', fr: 'fr', es: 'es', uk: 'uk', prs: 'fa-AF' };

/** Plural categories a language has but that its messages may leave to `other` (French and Spanish "many" is for millions). */
const OPTIONAL_CATEGORIES: Record<string, string[]> = { fr: ['many'], es: ['many'] };

/** Element types of the parsed message (TYPE in @formatjs/icu-messageformat-parser, which intl-messageformat uses). */
const LITERAL = 0;
const POUND = 7;

type Messages = Record<string, string>;
type Ast = ReturnType<IntlMessageFormat['getAst']>;
type Kind = 'argument' | 'plural' | 'select';

interface Plural {
  name: string;
  cases: Record<string, Ast>;
}

interface Usage {
  /** Each argument's name and how it is used. */
  args: Map<string, Set<Kind>>;
  plurals: Plural[];
}

function readCatalog(file: string): Messages {
  const parsed: unknown = JSON.parse(readFileSync(path.join(DIRECTORY, file), 'utf8'));
  assert.ok(parsed && typeof parsed === 'object' && !Array.isArray(parsed), `${file} is a JSON object`);
  for (const [id, message] of Object.entries(parsed))
    assert.equal(typeof message, 'string', `${file}: ${id}`);
  return parsed as Messages;
}

const english = readCatalog('en.json');
const catalogs = readdirSync(DIRECTORY)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, tag: file.slice(0, -'.json'.length), messages: readCatalog(file) }));

function usage(ast: Ast, found: Usage = { args: new Map(), plurals: [] }): Usage {
  const use = (name: string, kind: Kind) =>
    found.args.set(name, (found.args.get(name) ?? new Set()).add(kind));
  for (const element of ast) {
    if ('pluralType' in element) {
      use(element.value, 'plural');
      found.plurals.push({
        name: element.value,
        cases: Object.fromEntries(
          Object.entries(element.options).map(([key, option]) => [key, option.value]),
        ),
      });
    } else if ('options' in element) use(element.value, 'select');
    else if ('children' in element) usage(element.children, found);
    else if ('value' in element && element.type !== LITERAL) use(element.value, 'argument');
    if ('options' in element) for (const option of Object.values(element.options)) usage(option.value, found);
  }
  return found;
}

/** Whether `#` (the plural count) appears in these elements, outside nested plurals. */
function usesPound(ast: Ast): boolean {
  return ast.some(
    (element) => element.type === POUND || ('children' in element && usesPound(element.children)),
  );
}

/** The message's own text, without argument names or plural syntax. */
function literalText(ast: Ast): string {
  return ast
    .map((element) => {
      if ('options' in element)
        return Object.values(element.options)
          .map((o) => literalText(o.value))
          .join(' ');
      if ('children' in element) return literalText(element.children);
      return element.type === LITERAL ? element.value : ' ';
    })
    .join('');
}

function parse(message: string, locale: string, where: string): IntlMessageFormat {
  try {
    return new IntlMessageFormat(message, locale);
  } catch (error) {
    assert.fail(`${where} does not parse: ${String(error)}\n  ${message}`);
  }
}

/** Sample values: numbers for plural counts (one run per count), words for everything else. */
function sampleValues(args: Map<string, Set<Kind>>, count: number): Record<string, string | number> {
  return Object.fromEntries(
    [...args].map(([name, kinds]) => [
      name,
      kinds.has('plural') ? count : kinds.has('select') ? 'other' : `‹${name}›`,
    ]),
  );
}

const SAMPLE_COUNTS = [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 1000000, 1.5];

describe('interface message catalogs', () => {
  test('every catalog file belongs to a language the interface knows, with plural rules in this Intl', () => {
    assert.ok(catalogs.length >= 2, 'there are translations besides English');
    for (const { file, tag } of catalogs) {
      const locale = LOCALES[tag];
      assert.ok(locale, `${file}: add its locale to LOCALES in this test and to LANGUAGES in i18n.tsx`);
      assert.deepEqual(
        Intl.PluralRules.supportedLocalesOf(locale),
        [locale],
        `${file}: Intl knows ${locale}`,
      );
    }
  });

  for (const { file, tag, messages } of catalogs) {
    const locale = LOCALES[tag] ?? tag;

    describe(file, () => {
      test('has exactly the keys of en.json', () => {
        const missing = Object.keys(english).filter((id) => !Object.hasOwn(messages, id));
        const extra = Object.keys(messages).filter((id) => !Object.hasOwn(english, id));
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      });

      test('every message parses, formats and uses the arguments of the English message', () => {
        for (const [id, message] of Object.entries(messages)) {
          const where = `${file}: ${id}`;
          assert.notEqual(message.trim(), '', `${where} is empty`);
          const format = parse(message, locale, where);
          const found = usage(format.getAst());
          const source = english[id];
          if (source !== undefined) {
            const expected = usage(parse(source, 'en', `en.json: ${id}`).getAst());
            assert.deepEqual(
              [...found.args.keys()].sort(),
              [...expected.args.keys()].sort(),
              `${where}: arguments`,
            );
            for (const [name, kinds] of expected.args)
              assert.deepEqual(
                [...(found.args.get(name) ?? [])].sort(),
                [...kinds].sort(),
                `${where}: {${name}} is used as in English`,
              );
          }
          const counts = found.plurals.length > 0 ? SAMPLE_COUNTS : [1];
          for (const count of counts) {
            let text: unknown;
            try {
              text = format.format(sampleValues(found.args, count));
            } catch (error) {
              assert.fail(`${where} does not format with count ${count}: ${String(error)}`);
            }
            assert.equal(typeof text, 'string', where);
            assert.doesNotMatch(
              String(text),
              /[{}]/,
              `${where}: a brace was left in the text (quoted by an apostrophe?)`,
            );
          }
        }
      });

      test('plurals use the categories of the language, always with other, and keep the English exact matches', () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
        const required = categories.filter(
          (category) => !(OPTIONAL_CATEGORIES[tag] ?? []).includes(category),
        );
        for (const [id, message] of Object.entries(messages)) {
          const where = `${file}: ${id}`;
          const plurals = usage(parse(message, locale, where).getAst()).plurals;
          const source = english[id];
          const expected = source === undefined ? [] : usage(parse(source, 'en', id).getAst()).plurals;
          for (const plural of plurals) {
            const cases = Object.keys(plural.cases);
            assert.ok(cases.includes('other'), `${where}: {${plural.name}, plural} needs an other case`);
            for (const key of cases)
              assert.ok(
                categories.includes(key) || /^=\d+$/.test(key),
                `${where}: "${key}" is not a plural category of ${locale} (${categories.join(', ')})`,
              );
            for (const category of required)
              assert.ok(
                cases.includes(category),
                `${where}: {${plural.name}, plural} needs a ${category} case`,
              );
            const english = expected.find((p) => p.name === plural.name);
            if (!english) continue;
            for (const key of Object.keys(english.cases).filter((k) => k.startsWith('=')))
              assert.ok(cases.includes(key), `${where}: keep the exact match ${key} of the English message`);
            assert.equal(
              usesPound(plural.cases.other ?? []),
              usesPound(english.cases.other ?? []),
              `${where}: the other case uses # as the English one does`,
            );
          }
        }
      });

      if (tag !== 'en')
        test('is translated, and uses no ASCII apostrophe (ICU reads one next to a brace as a quote)', () => {
          for (const [id, message] of Object.entries(messages)) {
            assert.ok(!message.includes("'"), `${file}: ${id} has an ASCII apostrophe; use ’ (U+2019)`);
            const words = literalText(parse(message, locale, id).getAst()).match(/\p{L}{2,}/gu) ?? [];
            assert.ok(
              message !== english[id] || words.length < 3,
              `${file}: ${id} is the English text, not a translation`,
            );
          }
        });
    });
  }
});
