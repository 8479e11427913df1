/**
 * Legal holds in real Chromium (RET-1, ACC-6): a supervisor places a hold on one category of a registered person's
 * data from the person page, and is not offered to approve it; the DPO finds it on the work list and on the
 * Retention page, approves it there (asked for the password again), and releases it from the person page with a
 * reason. Refused submits say what to fix next to the field. axe-core finds nothing serious in English or in Arabic
 * (right to left); each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { addToDay } from '../../src/domain/calendar.ts';
import { actor, register } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
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

const ORG = 'haven-legal-holds';
const today = () => new Date().toISOString().slice(0, 10);

describe('legal holds in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let supervisor: StaffMember;
  let personId = '';
  /** The hold the supervisor places, found from the page's own reference. */
  let holdRef = '';
  const until = addToDay(today(), { months: 6 });

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  /** The person page under the registration purpose, with its legal holds. */
  async function openHolds(page: Page): Promise<Locator> {
    await page.goto(`/persons/${personId}?purpose=registration`);
    const section = page.getByRole('region', { name: 'Legal holds', exact: true });
    await section.waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    return section;
  }

  /** axe-core in English and in Arabic (right to left), a screenshot of each; back to English after. */
  function accessible(page: Page, name: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'legal-holds',
      inArabic: page.getByRole('heading', { name: 'الحجوز القانونية', level: 2 }),
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

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    supervisor = await createStaff(t, { role: 'supervisor', org: ORG, tier: 4 });
    const clerkStaff = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    personId = await register(actor(clerkStaff, await signedIn(t, clerkStaff)), { ...KNOWN_PEOPLE[0] });
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a supervisor places a hold on the biometric category only; what is missing is said next to the field; they are not offered to approve it', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, supervisor);
    const section = await openHolds(page);
    await section.getByText('No legal hold has been placed on this person.').waitFor();

    await section.getByRole('button', { name: 'Place a legal hold' }).click();
    const form = section.getByRole('form', { name: 'Place a legal hold' });
    const reason = form.getByLabel('Reason');
    // Nothing chosen: the reason is asked for, and the focus is put on it.
    await form.getByRole('button', { name: 'Place the hold' }).click();
    await form.getByText('Choose a reason.').waitFor();
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    assert.equal(await reason.evaluate((e) => e === e.ownerDocument.activeElement), true);
    // "Other" needs words; some categories need at least one.
    await reason.selectOption({ label: 'Other' });
    await form.getByRole('radio', { name: 'Only some categories of their data' }).check();
    await form.getByRole('button', { name: 'Place the hold' }).click();
    await form.getByText('For the reason “Other”, say in a note what it is.').waitFor();
    await form
      .getByRole('group', { name: 'Categories it keeps' })
      .getByText('Choose at least one category, or keep everything of this person.')
      .waitFor();
    const note = form.getByRole('textbox', { name: /^Note/ });
    assert.equal(await note.getAttribute('aria-invalid'), 'true');
    assert.match((await note.getAttribute('aria-describedby')) ?? '', /error/);
    await accessible(page, 'form-refused');

    await reason.selectOption({ label: 'Court order' });
    await form.getByRole('checkbox', { name: 'Biometrics' }).check();
    await form.getByLabel('Until').fill(until);
    await form.getByRole('button', { name: 'Place the hold' }).click();
    const placed = section.getByRole('status').getByText(/^Hold [0-9a-f]{8} is placed\./);
    await placed.waitFor();
    holdRef = /Hold ([0-9a-f]{8})/.exec((await placed.textContent()) ?? '')?.[1] ?? '';

    const row = section
      .getByRole('table', { name: 'Legal holds on this person' })
      .getByRole('row')
      .filter({ hasText: `Hold ${holdRef}` });
    assert.deepEqual((await cells(row)).slice(0, 7), [
      `Hold ${holdRef}`,
      `Waiting for approval Lapses after ${formatDay(addToDay(today(), { days: 7 }))} unless approved`,
      'Court order',
      'Biometrics',
      formatDay(until),
      `${formatDay(today())}, by you`,
      'Not approved',
    ]);
    // ACC-6: the placer is told why there is no approve button, and may still release it.
    await row
      .getByText('You placed this hold: another supervisor or the data protection officer must approve it.')
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /^Approve hold/ }).count(), 0);
    await row.getByRole('button', { name: `Release hold ${holdRef}` }).waitFor();
    await accessible(page, 'placed');

    // The Retention page lists it too, still without an approve button for its placer.
    await page.locator('nav').getByRole('link', { name: 'Retention' }).click();
    const holds = page.getByRole('table', { name: 'Legal holds in force and waiting for approval' });
    await holds.getByRole('row', { name: new RegExp(`Hold ${holdRef}`) }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Approve hold/ }).count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO finds it on the work list, opens the Retention page and approves it, asked for the password again', async () => {
    assert.ok(holdRef, 'the hold of the previous test');
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    const waiting = page.getByRole('region', { name: /Legal holds to approve/ });
    const item = waiting.getByRole('listitem').filter({ hasText: `Legal hold ${holdRef}` });
    await item.getByText('Court order').waitFor();
    await item.getByText(`Due ${formatDay(addToDay(today(), { days: 7 }))}`).waitFor();
    await screenshot(page, 'legal-holds-worklist-en');

    await item.getByRole('link', { name: `Legal hold ${holdRef}` }).click();
    await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
    assert.match(page.url(), /\/retention#legal-holds$/);
    const section = page.getByRole('region', { name: 'Legal holds', exact: true });
    const row = section.getByRole('row', { name: new RegExp(`Hold ${holdRef}`) });
    await row.waitFor();
    assert.equal(
      await row.getByRole('link', { name: `Person ${personId.slice(0, 8)}` }).getAttribute('href'),
      `/persons/${personId}`,
    );
    await accessible(page, 'retention-pending');

    // The DPO's sign-in is old: approving asks for the password and code again.
    await t.haven.db.query(
      `update staff_session set reauthenticated_at = now() - interval '1 day' where account_id = $1`,
      [dpo.id],
    );
    await row.getByRole('button', { name: `Approve hold ${holdRef}` }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.waitFor();
    await reauth.getByLabel('Password').fill(dpo.password);
    await reauth.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, dpo));
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await section.getByRole('status').getByText(`Hold ${holdRef} is approved`).waitFor();
    await row.getByText('In force').waitFor();
    await row.getByText(/Approved on .*, by you/).waitFor();
    assert.equal(await row.getByRole('button', { name: /^Approve hold/ }).count(), 0);
    await accessible(page, 'retention-approved');

    // Nothing left to approve on the work list.
    await page.locator('nav').getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('region', { name: /Legal holds to approve/ }).count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO releases it from the person page with a reason; releasing is said to erase nothing', async () => {
    assert.ok(holdRef, 'the hold of the previous tests');
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    const section = await openHolds(page);
    const row = section.getByRole('row', { name: new RegExp(`Hold ${holdRef}`) });
    await row.getByText(/Approved on .*, by you/).waitFor();

    await row.getByRole('button', { name: `Release hold ${holdRef}` }).click();
    const dialog = page.getByRole('dialog', { name: `Release hold ${holdRef}?` });
    await dialog.getByText('Reason for the hold: Court order. What it keeps: Biometrics.').waitFor();
    await dialog.getByRole('button', { name: 'Release the hold' }).click();
    await dialog.getByText('Choose a reason.').waitFor();
    const reason = dialog.getByLabel('Reason for the release');
    assert.equal(await reason.evaluate((e) => e === e.ownerDocument.activeElement), true);
    // "Other" needs words.
    await reason.selectOption({ label: 'Other' });
    await dialog.getByRole('button', { name: 'Release the hold' }).click();
    await dialog.getByText('For the reason “Other”, say in a note what it is.').waitFor();
    const note = dialog.getByRole('textbox', { name: /^Note/ });
    assert.equal(await note.evaluate((e) => e === e.ownerDocument.activeElement), true);
    await screenshot(page, 'legal-holds-release-refused-en');

    await reason.selectOption({ label: 'The proceedings have ended' });
    await dialog.getByRole('button', { name: 'Release the hold' }).click();
    await confirmIfAsked(
      page,
      dpo,
      section.getByRole('status').getByText(`Hold ${holdRef} is released. Releasing erases nothing`),
    );
    await row.getByText('Released', { exact: true }).waitFor();
    await row.getByText(/Released on .*, by you: The proceedings have ended/).waitFor();
    assert.equal(await row.getByRole('button').count(), 0, 'a released hold offers no step');
    await accessible(page, 'released');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

/** A day as the page shows it in English (Intl medium style, UTC). */
function formatDay(day: string): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

async function cells(row: Locator): Promise<string[]> {
  // allInnerTexts does not wait: a row read while the table re-renders would read as [].
  await row.waitFor();
  return (await row.locator('td, th').allInnerTexts()).map((text) => text.trim().replace(/\s+/g, ' '));
}
