/**
 * `npm test`: formatting and lint (Biome), type check (tsc), the web app's build, then every test with Node's test runner.
 * Arguments are passed to `node --test` (e.g. a file to run alone). Database tests run on embedded PGlite,
 * and also on the PostgreSQL server named by HAVEN_TEST_DATABASE_URL when it is set (CI sets it).
 */
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const args = process.argv.slice(2);
const bin = (name: string) => `node_modules/.bin/${name}`;

function run(label: string, command: string, commandArgs: string[]): void {
  process.stderr.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\n✖ ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (args.length === 0) {
  run('lint and format (biome)', bin('biome'), ['check', '.']);
  run('type check (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  run('type check of the web app (tsc)', bin('tsc'), ['--noEmit', '-p', 'web/tsconfig.json']);
}
// The browser tests drive the built staff app; build it first, as `npm start` does.
run('build the web app (vite)', bin('vite'), [
  'build',
  '--config',
  'web/vite.config.ts',
  '--logLevel',
  'warn',
]);
const server = process.env.HAVEN_TEST_DATABASE_URL;
process.stderr.write(
  server
    ? `\nDatabase tests run on PGlite and on the PostgreSQL server in HAVEN_TEST_DATABASE_URL.\n`
    : `\nDatabase tests run on PGlite only; set HAVEN_TEST_DATABASE_URL=postgres://… to run them on a PostgreSQL server too.\n`,
);
const files = args.length > 0 ? args : globSync('test/**/*.test.ts').sort();
run('tests (node:test)', process.execPath, [
  '--test',
  '--test-concurrency=2',
  '--test-timeout=300000',
  '--test-reporter=spec',
  ...files,
]);
