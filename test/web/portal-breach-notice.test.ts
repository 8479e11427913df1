/**
 * A breach notice in the person portal, in real Chromium on a phone-sized screen (BRE-2, GDPR 34): a person the
 * compromised account read signs in with card and PIN and finds the notice above everything else, in plain words in
 * the language they chose (English, and Arabic right to left); showing it records that it was read. A drill's
 * notice never appears. axe-core clean; screenshots kept.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Actor, actor, register } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';
import {
  assertNoAxeViolations,
  browserMissing,
  openPage,
  screenshot,
  screenshotOnFailure,
  startBrowserHaven,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const ORG = 'haven-portal-breach';
const PIN = '5071';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a breach notice in the person portal (Chromium)', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: Actor;
  let personId = '';
  let code = '';

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven());
    const d = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    dpo = actor(d, await signedIn(t, d));
    const c = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    const clerk = actor(c, await signedIn(t, c));
    personId = await register(clerk, { ...KNOWN_PEOPLE[0] });
    const card = await clerk.client.post(`/api/persons/${personId}/card`, { pin: PIN });
    assert.equal(card.status, 201, card.text);
    code = String(card.body.code);
    await sleep(5);
    const from = new Date().toISOString();
    assert.equal((await clerk.as('registration').get(`/api/persons/${personId}`)).status, 200);
    await sleep(5);
    const window = { from, to: new Date().toISOString() };
    await reauthenticate(t, dpo.client, d);
    for (const drill of [false, true]) {
      const opened = await dpo.client.post<{ id: string; version: number }>('/api/incidents', {
        awareAt: new Date(Date.now() - 60_000).toISOString(),
        drill,
        nature: ['confidentiality'],
        texts: { contactPoint: 'Data protection desk, +962 6 555 0100' },
        source: { kind: 'account', accountId: c.id },
        window,
      });
      assert.equal(opened.status, 201, opened.text);
      await dpo.client.patch(`/api/incidents/${opened.body.id}`, {
        version: opened.body.version,
        highRisk: true,
      });
      assert.equal((await dpo.client.post(`/api/incidents/${opened.body.id}/affected`, {})).status, 200);
      const issued = await dpo.client.post(`/api/incidents/${opened.body.id}/notices`, {});
      assert.equal(issued.status, 200, issued.text);
    }
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure('portal-breach');
  });

  for (const [language, title, heading, dataWords] of [
    ['en', 'Someone may have seen your information', 'Important: a breach that concerns you', 'your names'],
    ['ar', 'ربما اطّلع شخص ما على معلوماتك', 'مهم: خرق بيانات يخصّك', 'أسماؤك'],
  ] as const) {
    test(`the person finds the notice when they sign in (${language})`, async () => {
      const { context, page, errors } = await openPage(browser, base);
      try {
        await page.setViewportSize({ width: 320, height: 720 });
        await page.goto('/me');
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        if (language === 'ar') {
          await page.locator('.language select').selectOption('ar');
          await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
        }
        await page.locator('input[autocomplete="off"]').first().waitFor();
        const inputs = page.locator('main input');
        await inputs.nth(0).pressSequentially(code.replaceAll('-', ''));
        await inputs.nth(1).fill(PIN);
        await page.locator('main button[type="submit"]').click();
        const section = page.getByRole('region', { name: heading });
        await section.getByRole('heading', { name: title, level: 3 }).waitFor();
        assert.equal(await section.locator('article').count(), 1, 'one notice: the drill’s never shows');
        const text = (await section.textContent()) ?? '';
        assert.ok(text.includes(dataWords), `the notice names the data: ${dataWords}`);
        assert.ok(text.includes('Data protection desk'), 'and whom to ask');
        assert.ok(text.includes('INC-'), 'with its reference');
        assert.ok(!text.includes('DRILL-'));
        await assertNoAxeViolations(page, `the notice (${language})`);
        await screenshot(page, `portal-breach-notice-${language}`);
        // Shown is read: the DPO's count of notices read goes up.
        let readAt: Date | null = null;
        for (let i = 0; i < 50 && readAt === null; i++) {
          const { rows } = await t.database.db.query<{ read_at: Date | null }>(
            'select read_at from breach_notice where person_id = $1 and not drill',
            [personId],
          );
          readAt = rows[0]?.read_at ?? null;
          if (readAt === null) await sleep(100);
        }
        assert.ok(readAt, 'the notice is recorded as read');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
