/**
 * Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core against a Haven listening on a free
 * port, with axe-core for accessibility checks. Screenshots go to screenshots/ (kept out of the repository).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { Secret } from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { WEB_APP_DIR } from '../../src/http/routes/web-app.ts';
import { totpCode } from '../../src/identity/totp.ts';
import type { TestHaven } from '../support/haven.ts';

export const CHROMIUM = process.env.HAVEN_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../screenshots/', import.meta.url);

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt install chromium; .ci/run does)`;
  if (!existsSync(`${WEB_APP_DIR}/index.html`)) return 'the web app is not built (npm run build:web)';
  return null;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A port free right now, so that Haven can be configured with it (its origin check names the port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function listen(t: TestHaven): Promise<string> {
  await t.app.listen({ port: t.haven.config.port, host: '127.0.0.1' });
  return `http://127.0.0.1:${t.haven.config.port}`;
}

let lastPage: Page | undefined;

/** The page a failed test left behind, as a screenshot, to see what went wrong. */
export async function screenshotOnFailure(name: string): Promise<void> {
  if (lastPage && !lastPage.isClosed())
    await screenshot(lastPage, `failed-${name.replace(/\W+/g, '-').slice(0, 60)}`);
}

/** A fresh browser profile (its own cookies) with errors in the page collected, so a test can assert none. */
export async function openPage(
  browser: Browser,
  base: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    baseURL: base,
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  lastPage = page;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP (no inline script) still holds for the app.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/** A TOTP code for a base32 secret at the server's (movable) clock, one step later each call: never a replay. */
export function freshCode(t: TestHaven, base32Secret: string): string {
  t.advanceClock(30_000);
  return totpCode(Secret.fromBase32(base32Secret.trim()).bytes, t.haven.identity.now());
}
