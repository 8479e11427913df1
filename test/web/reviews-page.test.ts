/**
 * The access reviews page in real Chromium (ACC-7): a supervisor sees the grants of the staff they review — never
 * their own — with the last use and volume from the ledger, approves one until a new date and revokes another after
 * re-authenticating; the DPO starts a campaign and records training, a reversed expiry refused next to the field;
 * an administrator chooses who reviews whom. axe-core finds nothing serious in English or in Arabic (right to left);
 * each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addToDay } from '../../src/domain/calendar.ts';
import { actor, register } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, nextTotp, reauthenticate, type StaffMember, signedIn } from '../support/staff.ts';
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

const ORG = 'haven-reviews';
const today = () => new Date().toISOString().slice(0, 10);

describe('the access reviews page in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let admin: StaffMember;
  let supervisor: StaffMember;
  let caseworker: StaffMember;
  let newcomer: StaffMember;

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  async function openReviews(page: Page) {
    await page.locator('nav').getByRole('link', { name: 'Access reviews' }).click();
    await page.getByRole('heading', { name: 'Access reviews', level: 1 }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
  }

  /** Answers the re-authentication dialog if the app asks (ACC-4). */
  async function confirmIfAsked(page: Page, staff: StaffMember, done: ReturnType<Page['getByText']>) {
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.or(done).first().waitFor();
    if (await reauth.isVisible()) {
      await reauth.getByLabel('Password').fill(staff.password);
      await reauth.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await done.waitFor();
  }

  /** axe-core in English and in Arabic (right to left), a screenshot of each; back to English after. */
  function accessible(page: Page, name: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'reviews',
      inArabic: page.getByRole('heading', { name: 'مراجعات الصلاحيات', level: 1 }),
    });
  }

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    admin = await createStaff(t, { role: 'admin', org: ORG, tier: 2 });
    supervisor = await createStaff(t, { role: 'supervisor', org: ORG, tier: 3 });
    caseworker = await createStaff(t, { role: 'caseworker', org: ORG, tier: 2 });
    newcomer = await createStaff(t, { role: 'clerk', org: ORG, tier: 1 });
    // The administrator makes the supervisor the caseworker's reviewer.
    const adminClient = actor(admin, await signedIn(t, admin));
    const set = await adminClient.as(undefined).put(`/api/reviews/reviewers/${caseworker.id}`, {
      reviewerId: supervisor.id,
    });
    assert.equal(set.status, 204, set.text);
    // The caseworker works: two people registered (their caseload) and read.
    const worker = actor(caseworker, await signedIn(t, caseworker));
    for (const values of [KNOWN_PEOPLE[0], KNOWN_PEOPLE[1]]) {
      const id = await register(worker, { ...values });
      assert.equal((await worker.as('registration').get(`/api/persons/${id}`)).status, 200);
    }
    await reauthenticate(t, adminClient.client, admin);
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a supervisor reviews their staff’s grants with their use: approves the role, revokes the caseload', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, supervisor);
    await openReviews(page);
    const grants = page.getByRole('table', { name: 'Grants you review' });
    const row = (grant: string) => grants.getByRole('row').filter({ hasText: grant });
    const role = await cells(row('Role: Caseworker'));
    assert.equal(role[0], caseworker.email);
    assert.equal(role[2], formatDay(addToDay(today(), { days: 90 })));
    assert.notEqual(role[3], 'Not used in the period');
    assert.match(role[4] ?? '', /^\d+ events, 2 people$/);
    assert.equal(role[5], 'Current');
    assert.match((await cells(row('Caseload')))[4] ?? '', /^\d+ events, 2 people$/);
    await row('Break-glass eligibility').waitFor();
    // Never the supervisor's own grants: those go to the DPO.
    assert.equal(await grants.getByRole('row').filter({ hasText: supervisor.email }).count(), 0);
    await accessible(page, 'supervisor');

    const next = addToDay(today(), { days: 60 });
    await page.getByRole('button', { name: `Approve Role: Caseworker of ${caseworker.email}` }).click();
    const approve = page.getByRole('dialog', { name: `Approve Role: Caseworker of ${caseworker.email}` });
    await approve.getByLabel('Next review').fill(next);
    await approve.getByRole('button', { name: 'Approve' }).click();
    await confirmIfAsked(
      page,
      supervisor,
      page.getByText(`Role: Caseworker of ${caseworker.email} approved until its new review date.`),
    );
    await grants
      .getByRole('row')
      .filter({ hasText: formatDay(next) })
      .waitFor();

    await page.getByRole('button', { name: `Revoke Caseload of ${caseworker.email}` }).click();
    const revoke = page.getByRole('dialog', { name: `Revoke Caseload of ${caseworker.email}?` });
    await revoke.getByText('Every person leaves this staff member’s caseload').waitFor();
    await screenshot(page, 'reviews-revoke-en');
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    await confirmIfAsked(
      page,
      supervisor,
      page.getByText(`Caseload of ${caseworker.email} revoked: its access has ended.`),
    );
    await row('Caseload').waitFor({ state: 'detached' });
    const { rowCount } = await t.haven.db.query(
      `select 1 from access_grant where account_id = $1 and kind = 'caseload' and state = 'revoked'`,
      [caseworker.id],
    );
    assert.equal(rowCount, 1);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO starts a campaign and records training; a reversed expiry is refused next to the field', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await openReviews(page);
    await page.getByText('No campaign yet.').waitFor();
    await page.getByRole('button', { name: 'Start a campaign' }).click();
    await page.getByText(/^Campaign started: \d+ grants are before their reviewers\.$/).waitFor();
    const campaigns = page.getByRole('table', { name: 'Review campaigns' });
    const campaign = await cells(campaigns.getByRole('row').nth(1));
    assert.equal(campaign[1], formatDay(addToDay(today(), { days: 14 })));
    assert.equal(campaign[2], 'Open');
    // The DPO reviews the supervisor's grants (nobody else does), not the caseworker's (the supervisor does).
    const grants = page.getByRole('table', { name: 'Grants you review' });
    await grants.getByRole('row').filter({ hasText: supervisor.email }).first().waitFor();
    assert.equal(await grants.getByRole('row').filter({ hasText: caseworker.email }).count(), 0);
    assert.equal(await grants.getByRole('row').filter({ hasText: dpo.email }).count(), 0);

    const training = page.getByRole('table', { name: 'Data-protection training' });
    const newcomerRow = training.getByRole('row').filter({ hasText: newcomer.email });
    assert.equal((await cells(newcomerRow))[3], 'None recorded');
    const form = page.locator('form[aria-labelledby="record-training"]');
    await form.getByLabel('Staff member').selectOption({ label: newcomer.email });
    await form.getByLabel('Course').fill('Protection des données — module 1');
    await form.getByLabel('Completed on').fill(today());
    await form.getByLabel('Expires on').fill(addToDay(today(), { days: -1 }));
    await form.getByRole('button', { name: 'Record training' }).click();
    await form.getByText('After the completion date.').waitFor();
    await form.getByText('The training expires after it was completed: check the two dates.').waitFor();
    await accessible(page, 'dpo-refused');
    await form.getByLabel('Expires on').fill(addToDay(today(), { days: 365 }));
    await form.getByRole('button', { name: 'Record training' }).click();
    await page.getByText(`Training recorded for ${newcomer.email}.`).waitFor();
    await training
      .getByRole('row')
      .filter({ hasText: newcomer.email })
      .filter({ hasText: 'Current' })
      .waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('an administrator chooses who reviews an account and makes trained staff eligible for break-glass', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, admin);
    await openReviews(page);
    await page.getByRole('table', { name: 'Review campaigns' }).waitFor();
    assert.equal(await page.getByRole('table', { name: 'Grants you review' }).count(), 0);
    await page.getByLabel(`Reviewer of ${newcomer.email}`).selectOption({ label: supervisor.email });
    await page.getByText(`Reviewer of ${newcomer.email} saved.`).waitFor();
    const { rows } = await t.haven.db.query<{ reviewer_id: string }>(
      'select reviewer_id from staff_account where id = $1',
      [newcomer.id],
    );
    assert.equal(rows[0]?.reviewer_id, supervisor.id);
    // The supervisor is trained (as test staff are) but already eligible: refused with the reason.
    await page.getByRole('button', { name: `Make eligible for break-glass: ${supervisor.email}` }).click();
    await page.getByText('This account already has that grant.').waitFor();
    await accessible(page, 'admin');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

/** A day as the page shows it in English (en-GB browser, Intl medium style, UTC). */
function formatDay(day: string): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

async function cells(row: ReturnType<Page['getByRole']>): Promise<string[]> {
  // allInnerTexts does not wait: a row read while the table re-renders would read as [].
  await row.waitFor();
  return (await row.locator('td, th').allInnerTexts()).map((text) => text.trim().replace(/\s+/g, ' '));
}
