import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GENERAL_TABLES, PROTECTED_TABLES } from '../../src/store/protected-tables.ts';
import { changesRole, importsOf, isSql, literalsOf, tablesNamedBySql } from '../support/source-scan.ts';

/**
 * The one gate (architecture.md) as a fact the build checks: the storage of personal data, the key vault (unwrapped
 * per-person keys), envelope encryption (openGroup) and the key ring are imported only where listed below, SQL
 * naming the protected tables appears only in the modules allowed to run it, routes and commands hold no SQL at
 * all, and only test and bench support unwrap Haven's internals. On a PostgreSQL server the roles add a second
 * wall (test/store/roles.test.ts); PGlite is single-user, so there these checks are the whole enforcement.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const WALKED = ['src', 'web', 'bench'];

/** A path relative to the repository, with a trailing slash for a folder: the unit of every allow-list. */
type Allow = Record<string, string>;

interface ProtectedModule {
  /** What is protected (a folder ends in /). */
  target: string;
  /** Who may import it, and why. A folder allows everything under it. */
  allow: Allow;
}

const PROTECTED_MODULES: ProtectedModule[] = [
  {
    target: 'src/records/',
    allow: {
      'src/gate/': 'the gate: decides per field group, then has records decrypt only what it allowed',
      'bench/b6-lookup.ts': 'B6 measures the index query alone (findByTokens) on a registry it fills itself',
    },
  },
  {
    target: 'src/crypto/vault/',
    allow: {
      'src/crypto/vault/': 'its own files',
      'src/records/': 'seals and opens field groups with each person’s data key',
      'src/gate/context.ts': 'the gate’s context carries the vault to records (a type only)',
      'src/gate/registrations.ts':
        'stores a batch of new persons’ data keys before their data (group commit)',
      'src/haven.ts': 'the composition root opens it, and keeps it out of what routes receive',
      'bench/b5-encryption.ts': 'B5 measures envelope encryption with the key vault, so it must hold them',
    },
  },
  {
    target: 'src/crypto/envelope.ts',
    allow: {
      'src/records/': 'field-group encryption is the records’ storage format',
      'bench/b5-encryption.ts': 'B5 measures envelope encryption itself',
    },
  },
  {
    target: 'src/crypto/keyring/',
    allow: {
      'src/crypto/keyring/': 'its own files',
      'src/crypto/vault/': 'wraps vault keys under the KEK',
      'src/haven.ts': 'the composition root opens it and derives each module’s secrets at start',
      'src/identity/context.ts': 'derives the account secrets at start (a type only)',
      'src/identity/keys.ts': 'derives TOTP-sealing and recovery-code keys at start (a type only)',
      'src/ledger/checkpoints.ts': 'takes the ledger signing key at start (a type only)',
      'bench/b5-encryption.ts': 'B5 opens a key ring for the key vault it measures',
    },
  },
];

/** Modules whose SQL may name a protected table, and why. Test files assert on the raw tables via test/support. */
const SQL_ALLOWED: Allow = {
  'src/records/': 'the storage of personal data',
  'src/gate/': 'facts the policies need, consent, caseloads, corrections, break-glass: all inside the gate',
  'src/crypto/vault/key-vault.ts': 'vault_key and person_key are the key vault’s own tables',
  'src/store/': 'migrations and the role grants (built from src/store/protected-tables.ts)',
  'bench/b1-register.ts': 'counts persons to check that B1 registered what it claims (counts only)',
  'bench/b6-lookup.ts': 'fills the registry with random tokens straight into the tables, and counts it',
  'bench/b8-retention.ts':
    'fills a registry of due persons straight into the tables, deletes it plainly (the baseline, rolled back), and counts what the sweep left',
};

/** Where no SQL may appear at all: routes and commands parse, call and format (architecture.md, "Modules"). */
const NO_SQL = ['src/http/', 'src/cli/'];

/** Who may unwrap the composition's internals (gate context, key vault, key ring). */
const INTERNALS_ALLOWED: Allow = {
  'src/haven.ts': 'defines them',
  'test/support/': 'sets up and inspects what routes never reach',
  'bench/haven-server.ts': 'closes the key ring of the bench server',
  'bench/b6-lookup.ts': 'computes the tokens the gate would, to time the index query alone',
  'test/gate/boundary.test.ts': 'holds the sample the check must catch',
};

const allowed = (file: string, allow: Allow) =>
  Object.keys(allow).some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
const isTarget = (file: string, target: string) =>
  target.endsWith('/') ? `${file}/`.startsWith(target) || file.startsWith(target) : file === target;

function sources(dirs: string[]): string[] {
  const files = dirs.flatMap((dir) =>
    globSync(`${dir}/**/*.{ts,tsx,js,mjs,cjs}`, { cwd: root, exclude: (f) => /node_modules|dist/.test(f) }),
  );
  return files.map((f) => f.split(path.sep).join('/')).sort();
}

/** Forbidden imports of one source, as `file:line kind specifier → target`. Computed specifiers are refused. */
export function forbiddenImports(file: string, source: string, modules = PROTECTED_MODULES): string[] {
  const found: string[] = [];
  for (const site of importsOf(source)) {
    if (site.specifier === '<computed>') {
      found.push(`${file}:${site.line} ${site.kind} import with a computed specifier (cannot be checked)`);
      continue;
    }
    if (!site.specifier.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), site.specifier));
    for (const module of modules) {
      if (isTarget(target, module.target) && !allowed(file, module.allow)) {
        found.push(`${file}:${site.line} ${site.kind} ${site.specifier} → ${module.target}`);
      }
    }
  }
  return found;
}

const PROTECTED = Object.keys(PROTECTED_TABLES);

/** SQL problems of one source: protected tables named where not allowed, any SQL where none may be, role changes. */
export function forbiddenSql(file: string, source: string): string[] {
  const found: string[] = [];
  for (const literal of literalsOf(source)) {
    const tables = tablesNamedBySql(literal.text, PROTECTED);
    if (tables.length > 0 && !allowed(file, SQL_ALLOWED)) {
      found.push(`${file}:${literal.line} SQL on ${tables.join(', ')}`);
    }
    if (NO_SQL.some((dir) => file.startsWith(dir)) && isSql(literal.text)) {
      found.push(`${file}:${literal.line} SQL in a route or command`);
    }
    if (changesRole(literal.text) && !file.startsWith('src/store/')) {
      found.push(`${file}:${literal.line} changes the database role`);
    }
  }
  return found;
}

function unwrapsInternals(file: string, source: string): boolean {
  return (
    !allowed(file, INTERNALS_ALLOWED) && /\bhavenInternals\b/.test(source.replace(/^\s*(\/\/|\*).*$/gm, ''))
  );
}

describe('the gate is the only way to personal data', () => {
  const files = sources(WALKED);
  const text = (file: string) => readFileSync(path.join(root, file), 'utf8');

  test('the walk covers src, web and bench', () => {
    for (const dir of WALKED)
      assert.ok(
        files.some((f) => f.startsWith(`${dir}/`)),
        `${dir} has sources`,
      );
    assert.ok(files.length > 150, `found ${files.length} sources`);
  });

  test('only the listed modules import records, the key vault, envelope encryption or the key ring', () => {
    const offenders = files.flatMap((file) => forbiddenImports(file, text(file)));
    assert.deepEqual(offenders, []);
  });

  test('every allowed importer exists and does import what it is allowed (no stale entries)', () => {
    for (const module of PROTECTED_MODULES) {
      for (const entry of Object.keys(module.allow)) {
        const importers = files.filter((f) => (entry.endsWith('/') ? f.startsWith(entry) : f === entry));
        const uses = importers.some((f) =>
          importsOf(text(f)).some((s) =>
            isTarget(
              path.posix.normalize(path.posix.join(path.posix.dirname(f), s.specifier)),
              module.target,
            ),
          ),
        );
        assert.ok(uses, `${entry} is allowed to import ${module.target} but does not`);
      }
    }
  });

  test('SQL naming the protected tables appears only in the allowed modules, and none in routes or commands', () => {
    const offenders = files.flatMap((file) => forbiddenSql(file, text(file)));
    assert.deepEqual(offenders, []);
    // The check sees the queries it should: the records' own SQL names the protected tables.
    const records = literalsOf(text('src/records/person-records.ts'));
    assert.ok(records.some((l) => tablesNamedBySql(l.text, PROTECTED).includes('person_group')));
  });

  test('only test and bench support unwrap the composition’s internals', () => {
    const offenders = [...files, ...sources(['test'])].filter((file) => unwrapsInternals(file, text(file)));
    assert.deepEqual(offenders, []);
  });

  test('every table the migrations create is classified, as protected or general, not both', () => {
    const sql = globSync('src/store/{migrations,vault-migrations}/*.sql', { cwd: root })
      .map((f) => readFileSync(path.join(root, f), 'utf8'))
      .join('\n');
    const dropped = new Set([...sql.matchAll(/drop table (?:if exists )?([a-z_]+)/g)].map((m) => m[1]!));
    const tables = [...sql.matchAll(/create table (?:if not exists )?([a-z_]+)/g)]
      .map((m) => m[1]!)
      .filter((table) => !dropped.has(table));
    tables.push('schema_migration');
    for (const table of tables) {
      const protectedTable = Object.hasOwn(PROTECTED_TABLES, table);
      const general = Object.hasOwn(GENERAL_TABLES, table);
      assert.ok(
        protectedTable !== general,
        `${table}: classify it in src/store/protected-tables.ts (exactly once)`,
      );
    }
    assert.ok(tables.includes('person') && tables.includes('person_key'));
  });
});

describe('the checks catch what they must', () => {
  test('a route importing records, the vault, envelope and the key ring is reported, in every form', () => {
    const file = 'src/http/routes/persons.ts';
    const source = [
      "import { readGroups } from '../../records/person-records.ts';",
      "import type { KeyVault } from '../../crypto/vault/key-vault.ts';",
      "export { openGroup } from '../../crypto/envelope.ts';",
      "export * from '../../crypto/keyring/keyring.ts';",
      'const later = async () => {',
      "  const records = await import('../../records/person-records.ts');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text holding a template
      '  const sneaky = await import(`../../records/${name}`);',
      '};',
      "// import { x } from '../../records/person-records.ts'; — a comment is not an import",
      'const text = \'import { y } from "../../records/person-records.ts"\'; // nor is a string',
    ].join('\n');
    const found = forbiddenImports(file, source);
    assert.deepEqual(found, [
      'src/http/routes/persons.ts:1 static ../../records/person-records.ts → src/records/',
      'src/http/routes/persons.ts:2 static ../../crypto/vault/key-vault.ts → src/crypto/vault/',
      'src/http/routes/persons.ts:3 re-export ../../crypto/envelope.ts → src/crypto/envelope.ts',
      'src/http/routes/persons.ts:4 re-export ../../crypto/keyring/keyring.ts → src/crypto/keyring/',
      'src/http/routes/persons.ts:6 dynamic ../../records/person-records.ts → src/records/',
      'src/http/routes/persons.ts:7 dynamic import with a computed specifier (cannot be checked)',
    ]);
  });

  test('the same imports are allowed where the list allows them, and only there', () => {
    const source = "import { readGroups } from '../records/person-records.ts';";
    assert.deepEqual(forbiddenImports('src/gate/read.ts', source), []);
    assert.equal(forbiddenImports('src/identity/read.ts', source).length, 1);
    const bench = "import { openGroup } from '../src/crypto/envelope.ts';";
    assert.deepEqual(forbiddenImports('bench/b5-encryption.ts', bench), []);
    assert.equal(forbiddenImports('bench/b2-read.ts', bench).length, 1);
  });

  test('SQL on a protected table outside the gate is reported; SQL in a route at all; a role change', () => {
    const source = [
      "await db.query('select id from person where organisation_id = $1', [org]);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text holding a template
      'await db.query(`delete from person_token where person_id = ${id}`);',
      "await db.query('select p.id from staff_account s, break_glass p');",
      "await db.query('select id from staff_account where email = $1', [email]);",
      "await db.exec('reset role');",
      "const words = 'a person from the registry'; // prose is not SQL",
    ].join('\n');
    assert.deepEqual(forbiddenSql('src/http/routes/admin.ts', source), [
      'src/http/routes/admin.ts:1 SQL on person',
      'src/http/routes/admin.ts:1 SQL in a route or command',
      'src/http/routes/admin.ts:2 SQL on person_token',
      'src/http/routes/admin.ts:2 SQL in a route or command',
      'src/http/routes/admin.ts:3 SQL on break_glass',
      'src/http/routes/admin.ts:3 SQL in a route or command',
      'src/http/routes/admin.ts:4 SQL in a route or command',
      'src/http/routes/admin.ts:5 changes the database role',
    ]);
    assert.deepEqual(forbiddenSql('src/identity/accounts.ts', source), [
      'src/identity/accounts.ts:1 SQL on person',
      'src/identity/accounts.ts:2 SQL on person_token',
      'src/identity/accounts.ts:3 SQL on break_glass',
      'src/identity/accounts.ts:5 changes the database role',
    ]);
    assert.deepEqual(forbiddenSql('src/gate/read.ts', source.split('\n').slice(0, 3).join('\n')), []);
  });

  test('a route unwrapping the internals is reported', () => {
    const source = "import { havenInternals } from '../../haven.ts';\nhavenInternals(haven).vault;";
    assert.ok(unwrapsInternals('src/http/routes/persons.ts', source));
    assert.ok(!unwrapsInternals('test/support/haven.ts', source));
  });
});
