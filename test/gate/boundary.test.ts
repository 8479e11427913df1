import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The one gate (architecture.md): nothing but src/gate may reach the protected-records storage. This walks every
 * source file's imports — static and dynamic — and fails on any other path into src/records.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const records = path.join(root, 'src/records');
const gate = path.join(root, 'src/gate');

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g))
    found.push(match[1]!);
  return found;
}

describe('the gate is the only way to personal data', () => {
  test('no module outside src/gate imports src/records', () => {
    const offenders: string[] = [];
    const files = globSync('src/**/*.{ts,tsx,js,mjs}', { cwd: root }).map((f) => path.join(root, f));
    assert.ok(files.length > 50, 'the walk found the sources');
    let gateImports = 0;
    for (const file of files) {
      if (file.startsWith(records + path.sep)) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (target === records || target.startsWith(records + path.sep)) {
          if (file.startsWith(gate + path.sep)) gateImports++;
          else offenders.push(`${path.relative(root, file)} imports ${spec}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
    assert.ok(gateImports > 0, 'the gate itself uses the storage (the check is looking at the right thing)');
  });

  test('the check catches a forbidden import', () => {
    const sample = path.join(root, 'src/http/routes/persons.ts');
    const spec = '../../records/person-records.ts';
    const target = path.resolve(path.dirname(sample), spec);
    assert.ok(target.startsWith(records + path.sep) && !sample.startsWith(gate));
    assert.deepEqual(
      importsOf(sample).filter((s) => s.includes('records/')),
      [],
    );
  });
});
