/**
 * Incidents in real Chromium (BRE-1, BRE-2): the DPO opens an incident whose awareness was 80 hours ago; on another
 * page (Governance) the banner says it is overdue and links to it; on the incident page the notification form comes
 * prefilled with the generated text, a late notification without a reason is refused next to the form, and with a
 * reason it is recorded and the banner goes. A drill is marked as such and never on the banner. axe-core finds
 * nothing serious in English or in Arabic (right to left); each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestHaven } from '../support/haven.ts';
import { createStaff, nextTotp, type StaffMember } from '../support/staff.ts';
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

const ORG = 'haven-incidents';

describe('incidents in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let incidentUrl = '';

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
  function accessible(page: Page, name: string, arabicHeading: string | RegExp) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'incidents',
      inArabic: page.getByRole('heading', { name: arabicHeading, level: 1 }),
    });
  }

  /** A sensitive step asks for the password and code again unless the sign-in is recent (ACC-4). */
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

  /** The value of a datetime-local input for a moment, in the page's own time zone. */
  const localInput = (page: Page, at: Date) =>
    page.evaluate((iso) => {
      const d = new Date(iso);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, at.toISOString());

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO opens an incident aware 80 hours ago; the banner on another page says it is overdue and links to it', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    assert.equal(await page.locator('.incident-banner').count(), 0, 'no banner while nothing waits');
    await page.locator('nav').getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    await page.getByText('No incidents or drills recorded.').waitFor();

    const form = page.getByRole('region', { name: 'Open an incident' });
    // Awareness in the future is refused with the reason, next to the form.
    await form.getByLabel('Became aware').fill(await localInput(page, new Date(Date.now() + 3 * 3_600_000)));
    await form.getByRole('checkbox', { name: /^Confidentiality/ }).check();
    await form.getByRole('button', { name: 'Open the incident' }).click();
    await form.getByRole('alert').getByText('The time you became aware cannot be in the future.').waitFor();

    // Nothing said about what was broken: refused in the reader's words (not the server's fallback).
    await form.getByRole('checkbox', { name: /^Confidentiality/ }).uncheck();
    await form.getByLabel('Became aware').fill(await localInput(page, new Date(Date.now() - 80 * 3_600_000)));
    await form.getByRole('button', { name: 'Open the incident' }).click();
    await form
      .getByRole('alert')
      .getByText('Say what was broken: confidentiality, integrity or availability (at least one).')
      .waitFor();
    await form.getByRole('checkbox', { name: /^Confidentiality/ }).check();
    await form
      .getByLabel('What happened')
      .fill('A field laptop was lost on a bus; its disk was not encrypted.');
    await form.getByRole('button', { name: 'Open the incident' }).click();
    const heading = page.getByRole('heading', { name: /^Incident INC-\d{4}-001$/, level: 1 });
    await heading.waitFor();
    incidentUrl = new URL(page.url()).pathname;
    assert.match(incidentUrl, /^\/incidents\/[0-9a-f-]{36}$/);
    await page
      .locator('.incident-clock')
      .getByText(/^Overdue by 8 h \d+ min/)
      .waitFor();
    // An approximate number typed with a separator is refused next to its field, not saved as "unknown".
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByLabel('Approximate number of people').fill('1,200');
    await details.getByRole('button', { name: 'Save the details' }).click();
    await details
      .getByRole('alert')
      .getByText('Approximate numbers are whole numbers, like 1200; leave the field empty while unknown.')
      .waitFor();
    assert.equal(
      await details.getByLabel('Approximate number of people').getAttribute('aria-invalid'),
      'true',
    );
    await details.getByLabel('Approximate number of people').fill('1200');
    await details.getByRole('button', { name: 'Save the details' }).click();
    await page.getByText('The details are saved.').waitFor();
    assert.equal(
      await page
        .getByRole('region', { name: 'Details' })
        .getByLabel('Approximate number of people')
        .inputValue(),
      '1200',
    );

    // The banner is on every page of the DPO: here, the work list. A status region, and it takes no focus.
    await page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await page.getByRole('heading', { name: 'Work list', level: 1 }).waitFor();
    const banner = page.getByRole('region', { name: 'Breach notification clock' });
    await banner
      .getByRole('status')
      .getByText('Overdue: incidents not yet notified to the supervisory authority: 1')
      .waitFor();
    await banner
      .getByRole('timer')
      .getByText(/^Overdue by 8 h \d+ min/)
      .waitFor();
    assert.equal(
      await page.locator('.incident-banner :focus').count(),
      0,
      'the banner does not take the focus',
    );
    await accessible(page, 'banner', 'قائمة العمل');
    // The work list on the same page has it, overdue, with its due time.
    const item = page
      .getByRole('region', { name: /Incidents to notify to the authority/ })
      .getByRole('listitem')
      .filter({ hasText: /Incident INC-\d{4}-001/ });
    await item.getByText('Past the 72 hours: a reason for the delay is needed').waitFor();
    await item.getByText(/^Due /).waitFor();

    await banner.getByRole('link', { name: /^INC-\d{4}-001$/ }).click();
    await heading.waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the notification form comes with the generated text; late without a reason is refused; with one it is recorded and the banner goes', async () => {
    assert.ok(incidentUrl, 'the incident of the previous test');
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await page.goto(incidentUrl);
    await page.getByRole('heading', { name: /^Incident INC-/, level: 1 }).waitFor();
    const text = page.getByLabel('What was said');
    // The draft arrives after the page: wait for it to fill the field.
    let draft = '';
    for (let tries = 0; tries < 100 && !draft.includes('GDPR Article 33'); tries++) {
      draft = await text.inputValue();
      if (!draft.includes('GDPR Article 33')) await page.waitForTimeout(100);
    }
    assert.match(draft, /^Notification of a personal data breach \(GDPR Article 33\)/);
    assert.match(draft, /A field laptop was lost on a bus/);
    assert.match(draft, /later than 72 hours/);
    await page.getByLabel('Supervisory authority told').fill('National Data Protection Authority');
    // The time given is past the 72 hours: the reason is asked for.
    const late = page.getByRole('group', { name: 'Later than 72 hours after becoming aware' });
    await late.waitFor();
    await accessible(page, 'notification-form', /^الحادثة INC-/);

    await page.getByRole('button', { name: 'Record the notification' }).click();
    await page
      .getByRole('alert')
      .getByText('More than 72 hours after becoming aware: choose the reason for the delay.')
      .waitFor();
    await late
      .getByLabel('Reason for the delay')
      .selectOption({ label: 'The authority could not be reached in time' });
    await page.getByRole('button', { name: 'Record the notification' }).click();
    await confirmIfAsked(page, dpo, page.getByText('The notification to the authority is recorded.'));
    await page
      .locator('.incident-clock')
      .getByText(/^Authority told 8 h \d+ min late$/)
      .waitFor();
    await page.getByText('Told National Data Protection Authority on', { exact: false }).waitFor();
    await page.getByText('The authority could not be reached in time').waitFor();
    // The banner has gone (the page told it to look again).
    await page.locator('.incident-banner').waitFor({ state: 'detached' });
    await accessible(page, 'notified', /^الحادثة INC-/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a drill is marked as such and never on the banner; the Incidents page lists both with their clocks', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await page.goto('/incidents');
    const form = page.getByRole('region', { name: 'Open an incident' });
    await form.getByLabel('Became aware').fill(await localInput(page, new Date(Date.now() - 3_600_000)));
    await form.getByRole('checkbox', { name: /^Availability/ }).check();
    await form.getByRole('checkbox', { name: 'This is a drill' }).check();
    await form.getByRole('button', { name: 'Open the drill' }).click();
    await page.getByRole('heading', { name: /^Incident DRILL-\d{4}-001$/, level: 1 }).waitFor();
    await page
      .locator('.drill-mark')
      .getByText(/nothing is sent to anyone/)
      .waitFor();
    await page
      .getByText(/^Record it as soon as|^A drill: write the notification/)
      .first()
      .waitFor();
    assert.equal(await page.locator('.incident-banner').count(), 0, 'a drill is never on the banner');

    await page.getByRole('link', { name: 'All incidents' }).click();
    const table = page.getByRole('table', { name: 'Incidents and drills, most recent first' });
    await table
      .getByRole('row', { name: /DRILL-\d{4}-001 Drill/ })
      .getByText(/^7\d h \d+ min left to tell the authority/)
      .waitFor();
    await table
      .getByRole('row', { name: /INC-\d{4}-001/ })
      .getByText(/^Authority told 8 h \d+ min late$/)
      .waitFor();
    await accessible(page, 'list', 'الحوادث');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the auditor reads the incident without its words and with nothing to change; another organisation’s DPO finds nothing', async () => {
    assert.ok(incidentUrl, 'the incident of the first test');
    const auditor = await createStaff(t, { role: 'auditor', org: ORG, tier: 4 });
    const { page, errors } = await openPage(browser, base);
    await signIn(page, auditor);
    await page.goto(incidentUrl);
    await page.getByRole('heading', { name: /^Incident INC-\d{4}-001$/, level: 1 }).waitFor();
    await page.getByText('The written details are not shown to your role: they may name someone.').waitFor();
    await page.getByText('Told National Data Protection Authority on', { exact: false }).waitFor();
    assert.equal(await page.getByText('A field laptop was lost on a bus', { exact: false }).count(), 0);
    assert.equal(await page.locator('form').count(), 0, 'no form for the auditor');
    assert.equal(await page.locator('pre.notification-text').count(), 0, 'not the notification’s words');
    assert.equal(await page.locator('.incident-banner').count(), 0, 'the banner is the DPO’s');
    assert.deepEqual(errors, []);
    await page.context().close();

    const stranger = await createStaff(t, { role: 'dpo', org: 'another-org', tier: 4 });
    const other = await openPage(browser, base);
    await signIn(other.page, stranger);
    await other.page.goto(incidentUrl);
    await other.page.getByRole('alert').first().waitFor();
    assert.equal(await other.page.getByText('A field laptop was lost on a bus', { exact: false }).count(), 0);
    assert.equal(await other.page.getByRole('heading', { name: /^Incident INC-/ }).count(), 0);
    await screenshot(other.page, 'incidents-other-organisation-en');
    await other.page.context().close();
  });
});
