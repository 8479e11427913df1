import { readFileSync } from 'node:fs';
import type { Haven } from '../../haven.ts';
import type { HttpApp } from '../http-app.ts';

const page = (name: string) => readFileSync(new URL(`../pages/${name}`, import.meta.url));

/** The first-admin set-up page: static files only (the CSP allows no inline script). */
export function pageRoutes(app: HttpApp, _haven: Haven): void {
  const files = [
    ['/setup', 'setup.html', 'text/html; charset=utf-8'],
    ['/setup/setup.js', 'setup.js', 'text/javascript; charset=utf-8'],
    ['/setup/page.css', 'page.css', 'text/css; charset=utf-8'],
  ] as const;
  for (const [url, file, type] of files) {
    const body = page(file);
    app.get(
      url,
      { config: { access: { kind: 'public' } }, schema: { hide: true } },
      async (_request, reply) => reply.type(type).send(body),
    );
  }
}
