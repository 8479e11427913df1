/**
 * A small scanner of TypeScript and TSX source for the boundary checks (test/gate/boundary.test.ts): what a file
 * imports, and the text of its string and template literals, with comments skipped. Not a parser — enough to
 * tell code from strings and comments, so that a forbidden import or a query cannot hide from the checks.
 */

export interface ImportSite {
  specifier: string;
  kind: 'static' | 'dynamic' | 're-export' | 'require';
  line: number;
}

export interface Literal {
  text: string;
  line: number;
}

interface Scanned {
  /** The code with every literal replaced by \u0000N\u0000 (N its index) and comments by spaces. */
  code: string;
  literals: (Literal & { template: boolean; substitutions: number })[];
}

// After one of these characters or words a `/` starts a regular expression, not a division.
const REGEX_AFTER_CHAR = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = /\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)\s*$/;

function scan(source: string): Scanned {
  const literals: Scanned['literals'] = [];
  let out = '';
  let i = 0;
  const lineAt = (at: number) => source.slice(0, at).split('\n').length;
  const lastSignificant = () => out.trimEnd();

  // Reads code until an unmatched `}` (inside a template substitution) or the end.
  const code = (inTemplate: boolean): void => {
    let depth = 0;
    while (i < source.length) {
      const c = source[i]!;
      const next = source[i + 1];
      if (c === '/' && next === '/') {
        while (i < source.length && source[i] !== '\n') i++;
        continue;
      }
      if (c === '/' && next === '*') {
        const end = source.indexOf('*/', i + 2);
        const stop = end < 0 ? source.length : end + 2;
        out += source.slice(i, stop).replace(/[^\n]/g, ' ');
        i = stop;
        continue;
      }
      if (c === "'" || c === '"') {
        const start = i;
        let j = i + 1;
        let text = '';
        while (j < source.length && source[j] !== c && source[j] !== '\n') {
          if (source[j] === '\\') {
            text += source[j + 1] ?? '';
            j += 2;
          } else text += source[j++];
        }
        // A quote with no closing quote on its line is JSX text (an apostrophe), not a string.
        if (source[j] !== c) {
          out += c;
          i++;
          continue;
        }
        literals.push({ text, line: lineAt(start), template: false, substitutions: 0 });
        out += `\u0000${literals.length - 1}\u0000`;
        i = j + 1;
        continue;
      }
      if (c === '`') {
        const start = i;
        i++;
        let text = '';
        let substitutions = 0;
        const slot = literals.length;
        literals.push({ text: '', line: lineAt(start), template: true, substitutions: 0 });
        out += `\u0000${slot}\u0000`;
        while (i < source.length && source[i] !== '`') {
          if (source[i] === '\\') {
            text += source[i + 1] ?? '';
            i += 2;
          } else if (source[i] === '$' && source[i + 1] === '{') {
            i += 2;
            substitutions++;
            // A substitution stands for some value in the text; its own code is scanned like any other.
            text += ' $ ';
            out += ' ';
            code(true);
            i++;
          } else text += source[i++];
        }
        i++;
        literals[slot] = { text, line: lineAt(start), template: true, substitutions };
        continue;
      }
      if (
        c === '/' &&
        (REGEX_AFTER_CHAR.has(lastSignificant().slice(-1)) ||
          lastSignificant() === '' ||
          REGEX_AFTER_WORD.test(lastSignificant()))
      ) {
        let j = i + 1;
        let inClass = false;
        while (j < source.length && source[j] !== '\n') {
          if (source[j] === '\\') j++;
          else if (source[j] === '[') inClass = true;
          else if (source[j] === ']') inClass = false;
          else if (source[j] === '/' && !inClass) break;
          j++;
        }
        if (source[j] === '/') {
          out += ' '.repeat(j + 1 - i);
          i = j + 1;
          continue;
        }
      }
      if (inTemplate) {
        if (c === '{') depth++;
        if (c === '}') {
          if (depth === 0) return;
          depth--;
        }
      }
      out += c;
      i++;
    }
  };
  code(false);
  return { code: out, literals };
}

const SLOT = '\\u0000(\\d+)\\u0000';

/** Every module a source names: static imports, side-effect imports, re-exports, dynamic import() and require(). */
export function importsOf(source: string): ImportSite[] {
  const { code, literals } = scan(source);
  const found: ImportSite[] = [];
  const add = (slot: string, kind: ImportSite['kind']) => {
    const literal = literals[Number(slot)]!;
    found.push({ specifier: literal.text, kind, line: literal.line });
  };
  for (const m of code.matchAll(new RegExp(`\\b(import|export)\\b[^;]*?\\bfrom\\s*${SLOT}`, 'g')))
    add(m[2]!, m[1] === 'export' ? 're-export' : 'static');
  for (const m of code.matchAll(new RegExp(`\\bimport\\s*${SLOT}`, 'g'))) add(m[1]!, 'static');
  for (const m of code.matchAll(/\b(import|require)\s*\(\s*([^),]*)/g)) {
    const plain = new RegExp(`^${SLOT}\\s*$`).exec(m[2]!);
    const literal = plain ? literals[Number(plain[1])] : undefined;
    const kind = m[1] === 'import' ? 'dynamic' : 'require';
    if (literal && literal.substitutions === 0) add(plain![1]!, kind);
    // A computed specifier cannot be checked: it is reported as such, and the boundary check refuses it.
    else found.push({ specifier: '<computed>', kind, line: code.slice(0, m.index).split('\n').length });
  }
  return found;
}

/** The text of every string and template literal (substitutions shown as `$`), comments left out. */
export function literalsOf(source: string): Literal[] {
  return scan(source).literals.map(({ text, line }) => ({ text, line }));
}

/** SQL in a literal that names one of `tables` where SQL names a table (from, join, into, update, table, on…). */
export function tablesNamedBySql(text: string, tables: readonly string[]): string[] {
  if (!/\b(select|insert|update|delete|with|create|alter|drop|truncate|grant|revoke|copy|lock)\b/i.test(text))
    return [];
  const named = new Set<string>();
  for (const table of tables) {
    const name = table.replace(/[^a-z0-9_]/gi, '');
    const position = new RegExp(
      `\\b(?:from|join|into|update|table|truncate|on|references|using)\\s+(?:only\\s+)?(?:[a-z_]+\\.)?"?${name}"?(?![a-z0-9_])`,
      'i',
    );
    // Names with an underscore are unmistakable anywhere in a query (a comma join, a subquery list).
    const anywhere = name.includes('_') && new RegExp(`(?<![a-z0-9_])${name}(?![a-z0-9_])`, 'i').test(text);
    if (position.test(text) || anywhere) named.add(table);
  }
  return [...named];
}

/** A statement that changes the session's role: only the pools' own set-up may (src/store). */
export function changesRole(text: string): boolean {
  // At the start of a statement: `update … set role = $2` is a column, not a role change.
  return /(?:^|;)\s*(?:(?:set|reset)\s+(?:session\s+|local\s+)?role\b|set\s+session\s+authorization\b)/i.test(
    text,
  );
}

/** A literal that is a SQL statement (Haven writes SQL in lower case; prose and help texts are not SQL). */
export function isSql(text: string): boolean {
  return /^\s*(?:select\s[\s\S]*\bfrom\b|select\s+\S+\s*$|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\(|create\s+(?:table|index|unique|role|database|function|trigger|extension)\s|alter\s+(?:table|role)\s|drop\s+(?:table|index|database|role)\s|truncate\s|grant\s|revoke\s|listen\s|notify\s)/.test(
    text,
  );
}
