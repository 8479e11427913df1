/**
 * Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core against a Haven listening on a free
 * port, with axe-core for accessibility checks. Screenshots go to screenshots/ (kept out of the repository).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { Secret } from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { WEB_APP_DIR } from '../../src/http/routes/web-app.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';

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

/**
 * A browser test's set-up: Haven (PGlite) on a free port, listening, and Chromium launched. `env` adds settings
 * (most pages use HAVEN_SESSION_CACHE_SECONDS=0 so that a role or sign-in change shows at once).
 */
export async function startBrowserHaven(
  env: Record<string, string> = {},
): Promise<{ t: TestHaven; base: string; browser: Browser }> {
  const t = await startTestHaven('pglite', { HAVEN_PORT: String(await freePort()), ...env });
  try {
    const base = await listen(t);
    return { t, base, browser: await launch() };
  } catch (error) {
    // The test's after() never sees this Haven: close it here, or its timers keep the process alive.
    await t.close();
    throw error;
  }
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

/** Fails, naming each rule and where, when axe-core finds a serious or critical violation on the page as it is now. */
export async function assertNoAxeViolations(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core on ${what}`,
  );
}

/**
 * The page as it is now checked with axe-core in English and then in Arabic (right to left), each kept as the
 * screenshot `${screenshotPrefix}-${name}-${language}`; the page is left in English. `inArabic` is what only the
 * Arabic page shows (its heading, as a locator, or a wait of the test's own): axe must not run on a page half-way
 * through switching language.
 */
export async function assertAccessibleInEnglishAndArabic(
  page: Page,
  name: string,
  { screenshotPrefix, inArabic }: { screenshotPrefix: string; inArabic: Locator | (() => Promise<void>) },
): Promise<void> {
  for (const language of ['en', 'ar'] as const) {
    if (language === 'ar') {
      await page.locator('.language select').selectOption('ar');
      await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
      if (typeof inArabic === 'function') await inArabic();
      else await inArabic.waitFor();
    }
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    await assertNoAxeViolations(page, `${name}-${language}`);
    await screenshot(page, `${screenshotPrefix}-${name}-${language}`);
  }
  await page.locator('.language select').selectOption('en');
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
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
