/**
 * The staff work list in real Chromium (issue 16, item 5): a caseworker starts the day from the home page, where
 * the rights requests of their caseload wait by deadline, the overdue said in words; opens one and records the
 * identity check. The DPO's governance page gives the month in figures. axe-core runs in English and in Arabic
 * (right to left), and each page is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Secret } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { addToDay } from '../../src/domain/calendar.ts';
import { actor } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, type StaffMember, signedIn } from '../support/staff.ts';
import {
  axeViolations,
  browserMissing,
  freePort,
  freshCode,
  launch,
  listen,
  openPage,
  screenshot,
  screenshotOnFailure,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const ORG = 'haven-worklist';
const today = () => new Date().toISOString().slice(0, 10);
const base32 = (secret: Buffer) => new Secret({ buffer: Uint8Array.from(secret).buffer }).base32;

describe('the staff work list in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let caseworker: StaffMember;
  let dpo: StaffMember;
  let overdue = '';

  async function axeClean(page: Page, name: string) {
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      `axe-core on ${name}`,
    );
    await screenshot(page, `worklist-${name}`);
  }

  async function switchTo(page: Page, language: 'ar' | 'en') {
    await page.locator('.language select').selectOption(language);
    await page.locator(`html[lang="${language}"][dir="${language === 'ar' ? 'rtl' : 'ltr'}"]`).waitFor({
      state: 'attached',
    });
  }

  /** Clean in English, then in Arabic with the page mirrored and translated. */
  async function accessible(page: Page, name: string, inArabic: () => Promise<unknown>) {
    await axeClean(page, `${name}-en`);
    await switchTo(page, 'ar');
    await inArabic();
    assert.match((await page.locator('main').textContent()) ?? '', /[\u0600-\u06FF]{3,}/);
    await axeClean(page, `${name}-ar`);
    await switchTo(page, 'en');
  }

  async function staffPage(staff: StaffMember) {
    const { context, page, errors } = await openPage(browser, base);
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page
      .getByLabel('6-digit code from your authenticator app')
      .fill(freshCode(t, base32(staff.totpSecret)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    return { page, errors, close: () => context.close() };
  }

  before(async () => {
    t = await startTestHaven('pglite', {
      HAVEN_PORT: String(await freePort()),
      HAVEN_SESSION_CACHE_SECONDS: '0',
    });
    base = await listen(t);
    browser = await launch();
    caseworker = await createStaff(t, { role: 'caseworker', org: ORG, tier: 2 });
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 2 });
    const clerkStaff = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    const supervisorStaff = await createStaff(t, { role: 'supervisor', org: ORG, tier: 2 });
    const clerk = actor(clerkStaff, await signedIn(t, clerkStaff));
    const supervisor = actor(supervisorStaff, await signedIn(t, supervisorStaff));
    const person = await clerk.as('registration').post('/api/persons', {
      values: { ...KNOWN_PEOPLE[0] },
      basis: { kind: 'consent', noticeVersion: '2026-11', noticeLanguage: 'ar', method: 'written' },
    });
    assert.equal(person.status, 201, person.text);
    const personId = String(person.body.id);
    const take = async (kind: string) => {
      const reply = await clerk.client.post(`/api/persons/${personId}/rights-requests`, {
        kind,
        channel: 'written',
      });
      assert.equal(reply.status, 201, reply.text);
      return String(reply.body.id);
    };
    overdue = await take('erasure');
    await take('correction');
    await t.database.db.query('update rights_request set received_on = $2, due_on = $3 where id = $1', [
      overdue,
      addToDay(today(), { days: -40 }),
      addToDay(today(), { days: -9 }),
    ]);
    const assigned = await supervisor
      .as('protection-case-management')
      .put(`/api/persons/${personId}/caseload/${caseworker.id}`);
    assert.equal(assigned.status, 200, assigned.text);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure('worklist');
  });

  test('a caseworker starts from the home page: the overdue request first, marked in words; it opens to its next step', async () => {
    const { page, errors, close } = await staffPage(caseworker);
    try {
      const list = page.getByRole('region', { name: 'What waits on you' });
      const due = list.getByRole('region', { name: /Rights requests by deadline/ });
      const items = due.getByRole('listitem');
      await items.first().waitFor();
      assert.equal(await items.count(), 2);
      const first = items.first();
      assert.match((await first.textContent()) ?? '', /Erasure request .*Overdue/);
      assert.match((await items.nth(1).textContent()) ?? '', /Correction request/);
      assert.doesNotMatch((await items.nth(1).textContent()) ?? '', /Overdue/);
      await list.getByRole('status').filter({ hasText: 'Overdue: 1' }).waitFor();
      await accessible(page, 'home-caseworker', () =>
        page.getByRole('region', { name: 'ما ينتظرك' }).getByText('متأخر').first().waitFor(),
      );

      await first.getByRole('link', { name: `Erasure request ${overdue.slice(0, 8)}` }).click();
      await page.getByRole('heading', { name: `Erasure request ${overdue.slice(0, 8)}`, level: 1 }).waitFor();
      await page.getByText('Not checked yet').waitFor();
      await accessible(page, 'rights-request', () =>
        page.getByRole('heading', { name: `طلب محو ${overdue.slice(0, 8)}`, level: 1 }).waitFor(),
      );
      await page.getByLabel('How was the person’s identity checked?').selectOption('card');
      await page.getByRole('button', { name: 'Record the identity check' }).click();
      await page.getByText('The identity check is recorded.').waitFor();
      await page.getByText('Registration card (strength 1 of 2)').waitFor();
      await page.getByRole('button', { name: 'Start work on it' }).click();
      // An erasure needs more than the card alone: the server's refusal is said in the reader's language.
      await page.getByRole('alert').filter({ hasText: 'not strong enough' }).waitFor();
      await screenshot(page, 'worklist-rights-request-refused-en');

      await page.getByRole('link', { name: 'All rights requests' }).click();
      await page.getByRole('heading', { name: 'Rights requests', level: 1 }).waitFor();
      await page.getByRole('cell', { name: /Overdue/ }).waitFor();
      await axeClean(page, 'rights-list-en');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('the DPO’s governance page gives the month in figures, counts only', async () => {
    const { page, close } = await staffPage(dpo);
    try {
      await page.goto('/governance');
      const figures = page.getByRole('region', { name: 'Rights requests this month' });
      await figures.getByRole('table', { name: 'Received, by kind' }).waitFor();
      const open = figures.locator('dl.facts > div').filter({ hasText: 'Open today' });
      assert.match((await open.locator('dd').textContent()) ?? '', /^2$/);
      const received = figures.getByRole('table', { name: 'Received, by kind' });
      assert.match((await received.getByRole('row', { name: /Correction/ }).textContent()) ?? '', /1/);
      await accessible(page, 'governance-dpo', () =>
        page.getByRole('region', { name: 'طلبات الحقوق لهذا الشهر' }).waitFor(),
      );
    } finally {
      await close();
    }
  });
});
