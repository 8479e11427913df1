/**
 * The Alerts page in real Chromium (AUD-6): a clerk opens records nothing explains, the monitor judges the ledger,
 * and the DPO finds the alert on the work list and on the Alerts page — the rule, a plain explanation with its
 * numbers, the ledger entries behind it, the share of accesses the data explains — refuses a threshold out of range
 * with the field marked, saves a good one, and acknowledges the alert with what was found. axe-core finds nothing
 * serious in English or in Arabic (right to left); each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Actor, actor, register } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
import { sequenceEverything } from '../support/ledger.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, nextTotp, type StaffMember, signedIn } from '../support/staff.ts';
import {
  assertAccessibleInEnglishAndArabic,
  browserMissing,
  openPage,
  screenshot,
  screenshotOnFailure,
  startBrowserHaven,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const ORG = 'haven-alerts';

describe('the Alerts page in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let browsing: Actor;

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  /** axe-core in English and in Arabic (right to left), a screenshot of each; back to English after. */
  function accessible(page: Page, name: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'alerts',
      inArabic: page.getByRole('heading', { name: 'التنبيهات', level: 1 }),
    });
  }

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    const registering = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    const clerk = actor(registering, await signedIn(t, registering));
    const other = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    browsing = actor(other, await signedIn(t, other));
    const people = [];
    for (const values of KNOWN_PEOPLE.slice(0, 3)) people.push(await register(clerk, { ...values }));
    // The registering clerk looks at their own (explained); the other clerk browses all three (not explained).
    for (const id of people) {
      assert.equal((await clerk.as('registration').get(`/api/persons/${id}`)).status, 200);
      assert.equal((await browsing.as('registration').get(`/api/persons/${id}`)).status, 200);
    }
    await sequenceEverything(t.haven.db);
    const round = await t.haven.monitor.catchUp();
    assert.equal(round.alerts, 1);
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO finds the alert on the work list, reads why, sees its ledger entries and the share explained', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    const item = page.getByRole('link', { name: /Alert: Access outside caseload/ });
    await item.waitFor();
    await item.click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });

    await page.getByText('50 % explained: 3 of 6 accesses.').waitFor();
    await page.getByText('own registration: 3').waitFor();

    const card = page.locator('article').filter({ hasText: 'Access outside caseload' });
    await card.getByText(/^3 accesses to people’s records in 24 hours that no caseload/).waitFor();
    assert.ok(((await card.locator('dl.facts').textContent()) ?? '').includes(browsing.staff.id));
    await card.getByRole('button', { name: 'Show the 3 ledger entries' }).click();
    const entries = card.getByRole('table', { name: /Ledger entries behind the alert/ });
    await entries.waitFor();
    await entries.getByRole('row').nth(3).waitFor();
    assert.equal(await entries.getByRole('row').count(), 4, 'a header and three entries');
    assert.equal(await entries.getByRole('cell', { name: 'allowed' }).count(), 3);
    await accessible(page, 'open');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an empty threshold or one that is not a number is refused in the form, one out of range by the server, each with the field marked; a good one is saved', async () => {
    const { page, errors } = await openPage(browser, base);
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/api/monitoring/thresholds')) puts.push(r.url());
    });
    await signIn(page, dpo);
    await page.goto('/alerts');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    const field = page.getByLabel('Outside caseload: unexplained accesses in 24 hours');
    const denials = page.getByLabel('Refusals within an hour');
    await field.waitFor();
    assert.equal(await field.inputValue(), '3');

    // Emptied, and words where a number belongs: refused next to each field before anything is sent.
    await field.fill('');
    await denials.fill('ten');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await page
      .getByText('Nothing was saved: some thresholds need correcting. See the fields marked.')
      .waitFor();
    await page
      .getByText(
        'Enter a value: a threshold cannot be left empty. To use the default, type the default given for this field.',
      )
      .waitFor();
    await page.getByText('Enter a number in digits, for example 3 or 0.25.').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await denials.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(puts, [], 'nothing was sent');
    await screenshot(page, 'alerts-threshold-empty-en');
    await denials.fill('10');

    await field.fill('0');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await page.getByText('Out of range: enter a number within the allowed range.').waitFor();
    await page
      .getByText('Nothing was saved: some thresholds need correcting. See the fields marked.')
      .waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await denials.getAttribute('aria-invalid'), null);
    assert.equal(puts.length, 1, 'the range is the server’s to check');
    await screenshot(page, 'alerts-threshold-refused-en');
    // Arabic-Indic digits are read as the number they show.
    await field.fill('٥');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await page.getByText('Thresholds saved. The rules use them from now on.').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), null);
    const stored = await t.haven.db.query<{ settings: { outsideCaseloadPerDay: number } }>(
      'select settings from monitoring_threshold',
    );
    assert.equal(stored.rows[0]?.settings.outsideCaseloadPerDay, 5);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the DPO acknowledges the alert with what was found; it leaves the open list', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await page.goto('/alerts');
    const card = page.locator('article').filter({ hasText: 'Access outside caseload' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await card.getByText('Choose what you found before acknowledging.').waitFor();
    await card.getByLabel('Misuse').check();
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('No open alerts.').waitFor();
    const done = page.locator('section[aria-labelledby="alerts-done"]');
    await done.getByRole('cell', { name: 'Misuse' }).waitFor();
    await accessible(page, 'acknowledged');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
