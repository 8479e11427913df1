/**
 * The people a breach affected, in real Chromium (BRE-3, BRE-2): on a high-risk incident's page the DPO computes the
 * people the compromised clerk's account exposed — counts by category, no names — issues the notices (asked for the
 * password again), and opens the letters to print: one letter a page, in Arabic right to left for these people,
 * printed to PDF. A drill's letters carry the drill mark. axe-core finds nothing serious in English or in Arabic;
 * each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { type Actor, actor, register } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, nextTotp, reauthenticate, type StaffMember, signedIn } from '../support/staff.ts';
import {
  assertAccessibleInEnglishAndArabic,
  browserMissing,
  openPage,
  SCREENSHOTS,
  screenshot,
  screenshotOnFailure,
  startBrowserHaven,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const ORG = 'haven-affected';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('people affected and breach letters in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let dpoApi: Actor;
  let clerk: Actor;
  let compromised: { from: string; to: string };

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  function accessible(page: Page, name: string, arabicHeading: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'affected',
      inArabic: page.getByRole('heading', { name: arabicHeading }).first(),
    });
  }

  async function confirmIfAsked(page: Page, staff: StaffMember, done: Locator) {
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.or(done).first().waitFor();
    if (await reauth.isVisible()) {
      await reauth.getByLabel('Password').fill(staff.password);
      await reauth.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await done.waitFor();
  }

  const openIncident = async (drill: boolean) => {
    const opened = await dpoApi.client.post<{ id: string; version: number }>('/api/incidents', {
      awareAt: new Date(Date.now() - 60_000).toISOString(),
      drill,
      nature: ['confidentiality'],
      texts: { contactPoint: 'Data protection desk, +962 6 555 0100' },
      source: { kind: 'account', accountId: clerk.staff.id },
      window: compromised,
    });
    assert.equal(opened.status, 201, opened.text);
    const marked = await dpoApi.client.patch(`/api/incidents/${opened.body.id}`, {
      version: opened.body.version,
      highRisk: true,
    });
    assert.equal(marked.status, 200, marked.text);
    return opened.body.id;
  };

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    dpoApi = actor(dpo, await signedIn(t, dpo));
    const clerkStaff = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    clerk = actor(clerkStaff, await signedIn(t, clerkStaff));
    const people = [
      await register(clerk, { ...KNOWN_PEOPLE[0] }),
      await register(clerk, { ...KNOWN_PEOPLE[1] }),
    ];
    await sleep(5);
    const from = new Date().toISOString();
    for (const id of people)
      assert.equal((await clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
    await sleep(5);
    compromised = { from, to: new Date().toISOString() };
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO computes the people affected, issues their notices and prints their letters (Arabic, right to left)', async () => {
    const id = await openIncident(false);
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await page.goto(`/incidents/${id}`);
    const section = page.getByRole('region', { name: 'People affected (from the ledger)' });
    await section.waitFor();
    await section.getByText('Not computed yet.').waitFor();
    await section.getByRole('button', { name: 'Compute the people affected' }).click();
    await section.getByText('2 people affected').first().waitFor();
    const names = section.getByRole('table', { name: 'People by category of data exposed' });
    await names.getByRole('row', { name: /Names\s+2/ }).waitFor();
    const text = (await section.textContent()) ?? '';
    for (const value of ['Mohammed', 'Oleksandra', 'محمد'])
      assert.ok(!text.includes(value), 'no one is named');
    await accessible(page, 'computed', 'الأشخاص المتأثرون (من سجل التدقيق)');

    await section.getByRole('button', { name: 'Issue notices to 2 people' }).click();
    await confirmIfAsked(page, dpo, section.getByText('Notices issued: 2, of which 2 to print as letters.'));
    await section.getByText('2 in all: 0 in the portal, 2 by letter; 0 read in the portal').waitFor();
    await screenshot(page, 'affected-issued-en');

    await section.getByRole('link', { name: 'Letters to print' }).click();
    await page.getByRole('heading', { name: 'Letters to the people affected', level: 1 }).waitFor();
    const letters = page.locator('article.breach-letter');
    await letters.nth(1).waitFor();
    assert.equal(await letters.count(), 2);
    // Both people were given their privacy notice in Arabic: their letters are in Arabic, right to left.
    assert.equal(await page.locator('article.breach-letter[lang="ar"][dir="rtl"]').count(), 2);
    const first = (await letters.first().textContent()) ?? '';
    for (const words of ['ربما اطّلع شخص ما على معلوماتك', 'أسماؤك', 'Data protection desk', 'الرقم المرجعي'])
      assert.ok(first.includes(words), `the letter says ${words}`);
    await letters.getByText('Al-Halabi').waitFor();
    await accessible(page, 'letters', 'رسائل إلى الأشخاص المتأثرين');

    // Printing is recorded when the DPO prints, not when the page opens.
    const printedCount = async () =>
      (
        await t.database.db.query<{ n: number }>(
          'select count(printed_at)::int as n from breach_notice where incident_id = $1',
          [id],
        )
      ).rows[0]!.n;
    assert.equal(await printedCount(), 0);
    // The browser's print dialog would hold the page (and page.pdf below): count the call instead.
    await page.evaluate(() => {
      const page = globalThis as unknown as { printed: number; print: () => void };
      page.printed = 0;
      page.print = () => {
        page.printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Print the letters' }).click();
    await page.waitForFunction(() => (globalThis as unknown as { printed: number }).printed === 1);

    for (let i = 0; i < 50 && (await printedCount()) < 2; i++) await sleep(100);
    assert.equal(await printedCount(), 2);
    await page.emulateMedia({ media: 'print' });

    assert.equal(await page.getByRole('button', { name: 'Print the letters' }).isVisible(), false);
    await screenshot(page, 'affected-letters-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(new URL('affected-letters.pdf', SCREENSHOTS), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
    assert.equal(pages, 2, 'one letter a page');
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a drill’s letters are marked as a drill', async () => {
    const id = await openIncident(true);
    assert.equal((await dpoApi.client.post(`/api/incidents/${id}/affected`, {})).status, 200);
    await reauthenticate(t, dpoApi.client, dpo);
    const issued = await dpoApi.client.post(`/api/incidents/${id}/notices`, {});
    assert.equal(issued.status, 200, issued.text);
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await page.goto(`/incidents/${id}/letters`);
    const mark = page.locator('article.breach-letter .breach-letter-drill');
    await mark.first().waitFor();
    assert.equal(await mark.count(), 2);
    assert.match((await mark.first().textContent()) ?? '', /تمرين/);
    await screenshot(page, 'affected-letters-drill');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
