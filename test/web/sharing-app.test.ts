/**
 * The sharing pages in real Chromium (issue 17): the DPO opens the partners, a partner with its key, and approves in
 * the browser an agreement a supervisor proposed; the releases and pushes sections stay away while their endpoints
 * do not exist. axe-core runs on each page in English and in Arabic (right to left); each is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generatePartnerKeys } from '../../docs/partner-client/haven-partner-client.ts';
import type { TestHaven } from '../support/haven.ts';
import { createStaff, reauthenticate, type StaffMember, signedIn } from '../support/staff.ts';
import {
  assertAccessibleInEnglishAndArabic,
  browserMissing,
  freshCode,
  openPage,
  screenshotOnFailure,
  startBrowserHaven,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const ORG = 'haven-sharing';
const base32 = (secret: Buffer) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of secret) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5)
    out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
};

describe('sharing pages in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let partnerId = '';
  let agreementId = '';

  function accessible(page: Page, name: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'sharing',
      inArabic: async () =>
        assert.match(
          (await page.locator('main').textContent()) ?? '',
          /[\u0600-\u06FF]{3,}/,
          `${name} in Arabic`,
        ),
    });
  }

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    const admin = await createStaff(t, { role: 'admin', org: ORG, tier: 4 });
    const supervisor = await createStaff(t, { role: 'supervisor', org: ORG, tier: 4 });
    const adminClient = await signedIn(t, admin);
    const partner = await adminClient.post<{ id: string }>('/api/partners', {
      name: 'Cash Partners',
      jurisdiction: 'JOR',
      kind: 'ngo',
      contacts: [{ name: 'Data desk', email: 'data@cash.example' }],
    });
    partnerId = partner.body.id;
    await reauthenticate(t, adminClient, admin);
    const key = await adminClient.post(`/api/partners/${partnerId}/keys`, {
      use: 'sig',
      jwk: (await generatePartnerKeys()).publicJwk,
    });
    assert.equal(key.status, 201, key.text);
    const proposed = await (await signedIn(t, supervisor)).post<{ id: string }>('/api/agreements', {
      partnerId,
      title: 'Cash assistance',
      purposes: ['assistance-distribution'],
      fields: ['given-name', 'phone', 'household-size'],
      legalBasis: 'public-interest',
      startsOn: new Date().toISOString().slice(0, 10),
      endsOn: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      partnerRetention: '6 months',
    });
    assert.equal(proposed.status, 201, proposed.text);
    agreementId = proposed.body.id;
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO reads the partners and a partner with its key, and approves an agreement', async () => {
    const { page, errors } = await openPage(browser, base);
    await page.goto('/');
    await page.getByLabel('Email').fill(dpo.email);
    await page.getByLabel('Password').fill(dpo.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page
      .getByLabel('6-digit code from your authenticator app')
      .fill(freshCode(t, base32(dpo.totpSecret)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();

    await page.locator('nav').getByRole('link', { name: 'Partners' }).click();
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Cash Partners' }).waitFor();
    await accessible(page, 'partners');

    await page.getByRole('link', { name: 'Cash Partners' }).click();
    await page.getByRole('heading', { name: 'Partner: Cash Partners', level: 1 }).waitFor();
    await page.getByText('In use').waitFor();
    await page.getByRole('link', { name: 'Cash assistance' }).waitFor();
    // Pushes (issue 17 item 4): none sent to this partner, so none left unacknowledged.
    await page.getByRole('heading', { name: 'Pushes not acknowledged' }).waitFor();
    await page.getByText('The partner has acknowledged every change sent.').waitFor();
    await accessible(page, 'partner');

    await page.getByRole('link', { name: 'Cash assistance' }).click();
    await page.getByRole('heading', { name: 'Agreement: Cash assistance', level: 1 }).waitFor();
    await page.getByText('Waiting for approval').waitFor();
    await accessible(page, 'agreement-proposed');
    await page.getByRole('button', { name: 'Approve the agreement' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    const done = page.getByText('The agreement is approved.');
    await Promise.race([dialog.waitFor().catch(() => {}), done.waitFor().catch(() => {})]);
    if (await dialog.isVisible()) {
      await dialog.getByLabel('Password').fill(dpo.password);
      await dialog
        .getByLabel('6-digit code from your authenticator app')
        .fill(freshCode(t, base32(dpo.totpSecret)));
      await dialog.getByRole('button', { name: 'Confirm' }).click();
    }
    await done.waitFor();
    await page.locator('.subtitle').getByText('In force').waitFor();
    // Nothing released yet: the section says so.
    await page.getByRole('heading', { name: 'Releases under this agreement' }).waitFor();
    await page.getByText('Nothing has been released under this agreement.').waitFor();
    await accessible(page, 'agreement-active');

    await page.locator('nav').getByRole('link', { name: 'Sharing agreements' }).click();
    await page.getByRole('heading', { name: 'Sharing agreements', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Cash assistance' }).waitFor();
    await accessible(page, 'agreements');
    assert.deepEqual(errors, []);
    assert.ok(agreementId);
    await page.context().close();
  });
});
