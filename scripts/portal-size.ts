/**
 * The person portal's first load, in bytes gzip (issue 16 item 4: ≤ 100 kB, so it opens on a cheap phone on 2G):
 * dist/web/me.html, the scripts and styles it names, their static imports from Vite's manifest, and the two
 * catalogs the portal fetches at once — English underneath and the largest other language. `node
 * scripts/portal-size.ts` prints it; test/web/portal-size.test.ts holds the budget.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const PORTAL_BUDGET_BYTES = 100 * 1024;

interface Chunk {
  file: string;
  src?: string;
  imports?: string[];
  css?: string[];
}

export function portalFirstLoad(dir = fileURLToPath(new URL('../dist/web', import.meta.url))): {
  files: { file: string; gzip: number }[];
  total: number;
} {
  const html = readFileSync(path.join(dir, 'me.html'));
  const manifest = JSON.parse(readFileSync(path.join(dir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    Chunk
  >;
  const byFile = new Map(Object.values(manifest).map((chunk) => [chunk.file, chunk]));
  const wanted = new Set<string>();
  const follow = (chunk: Chunk) => {
    if (wanted.has(chunk.file)) return;
    wanted.add(chunk.file);
    for (const css of chunk.css ?? []) wanted.add(css);
    for (const key of chunk.imports ?? []) if (manifest[key]) follow(manifest[key]);
  };
  // What the page itself names: its entry script, module preloads and styles.
  for (const [, url] of html.toString('utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) {
    const chunk = byFile.get(url!);
    if (chunk) follow(chunk);
    else wanted.add(url!);
  }
  const gz = (file: string) => {
    const at = path.join(dir, file);
    return existsSync(`${at}.gz`)
      ? readFileSync(`${at}.gz`).length
      : gzipSync(readFileSync(at), { level: 9 }).length;
  };
  const catalogs = Object.values(manifest)
    .filter((c) => c.src?.includes('virtual:portal-messages/'))
    .map((c) => ({ file: c.file, gzip: gz(c.file), english: c.src!.endsWith('/en') }));
  const english = catalogs.find((c) => c.english);
  const largest = catalogs.filter((c) => !c.english).sort((a, b) => b.gzip - a.gzip)[0];
  const files = [
    { file: 'me.html', gzip: gzipSync(html, { level: 9 }).length },
    ...[...wanted].map((file) => ({ file, gzip: gz(file) })),
    ...[english, largest].filter((c) => c !== undefined).map(({ file, gzip }) => ({ file, gzip })),
  ];
  return { files, total: files.reduce((sum, f) => sum + f.gzip, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, total } = portalFirstLoad();
  for (const f of files) console.log(`${(f.gzip / 1024).toFixed(1).padStart(6)} kB  ${f.file}`);
  console.log(`${(total / 1024).toFixed(1).padStart(6)} kB  first load of /me, gzip (budget 100 kB)`);
}
