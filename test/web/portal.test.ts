/**
 * The person portal in real Chromium (issue 16 item 4), on a 320 px wide phone screen: a wrong PIN is refused in
 * plain words; the right one opens the overview; consent is withdrawn in one step and the next staff read is
 * refused; the history shows that refusal in words and takes an "I don't recognise this" concern, giving the
 * follow-up code; an access request is made. The whole flow runs in English and in Arabic (right to left), with
 * axe-core clean on every state, and screenshots kept.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import ar from '../../web/src/i18n/messages/ar.json' with { type: 'json' };
import en from '../../web/src/i18n/messages/en.json' with { type: 'json' };
import { type Actor, actor, register } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, signedIn } from '../support/staff.ts';
import {
  axeViolations,
  browserMissing,
  freePort,
  launch,
  listen,
  openPage,
  SCREENSHOTS,
  screenshot,
  screenshotOnFailure,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const CATALOGS: Record<'en' | 'ar', Record<string, string>> = { en, ar };

describe('the person portal in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let clerk: Actor;

  async function axeClean(page: Page, name: string) {
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      `axe-core on ${name}`,
    );
    await screenshot(page, `portal-${name}`);
  }

  before(async () => {
    t = await startTestHaven('pglite', { HAVEN_PORT: String(await freePort()) });
    base = await listen(t);
    browser = await launch();
    const staff = await createStaff(t, { role: 'clerk', org: 'haven-portal', tier: 2 });
    clerk = actor(staff, await signedIn(t, staff));
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure('portal');
  });

  for (const [language, index] of [
    ['en', 0],
    ['ar', 1],
  ] as const) {
    test(`a person signs in with card and PIN, withdraws consent, questions an access and makes a request (${language})`, async () => {
      const m = CATALOGS[language];
      const say = (key: string, values: Record<string, string> = {}) =>
        m[key]!.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
      const personId = await register(clerk, { ...KNOWN_PEOPLE[index] });
      const card = await clerk.client.post(`/api/persons/${personId}/card`, { pin: '5071' });
      assert.equal(card.status, 201, card.text);
      const code = String(card.body.code);

      const { context, page, errors } = await openPage(browser, base);
      try {
        await page.setViewportSize({ width: 320, height: 720 });
        await page.goto('/me');
        await page.getByRole('heading', { name: en['me.signIn.title'], level: 1 }).waitFor();
        if (language === 'ar') {
          await page.getByLabel(en['me.language']!).selectOption('ar');
          await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
        }
        // The code is grouped as typed, whatever case and separators the person uses.
        await page
          .getByLabel(say('me.signIn.code'))
          .pressSequentially(code.replaceAll('-', '').toLowerCase());
        assert.equal(await page.getByLabel(say('me.signIn.code')).inputValue(), code);
        const pin = page.getByLabel(say('me.signIn.pin'));
        assert.equal(await pin.getAttribute('inputmode'), 'numeric');
        assert.equal(await pin.getAttribute('autocomplete'), 'off');
        await pin.fill('9402');
        await page.getByRole('button', { name: say('me.signIn.submit') }).click();
        await page
          .getByRole('alert')
          .filter({ hasText: say('me.error.card-sign-in-failed') })
          .waitFor();
        await axeClean(page, `sign-in-refused-${language}`);

        await pin.fill('5071');
        await page.getByRole('button', { name: say('me.signIn.submit') }).click();
        await page.getByRole('heading', { name: say('me.home.title'), level: 1 }).waitFor();
        const registration = m['purpose.registration']!;
        await page.getByRole('heading', { name: registration, level: 3 }).waitFor();
        await page
          .getByText(say('me.notice.given', { version: '2026-11' }).split('،')[0]!.split(',')[0]!)
          .waitFor();
        await axeClean(page, `overview-${language}`);

        // PUR-4: one step (with a confirmation), and the next staff read under that purpose is refused.
        await page
          .getByRole('button', { name: say('me.withdraw.button', { purpose: registration }) })
          .click();
        const confirm = page.getByRole('dialog', {
          name: say('me.withdraw.title', { purpose: registration }),
        });
        await confirm.waitFor();
        await axeClean(page, `withdraw-dialog-${language}`);
        await confirm.getByRole('button', { name: say('me.withdraw.confirm') }).click();
        await page
          .getByRole('status')
          .filter({ hasText: say('me.withdraw.done', { purpose: registration }) })
          .waitFor();
        const refused = await clerk.as('registration').get(`/api/persons/${personId}`);
        assert.equal(refused.status, 403, refused.text);

        // AUD-5: the refusal is in the history, said in words; one entry is questioned.
        await page.getByRole('button', { name: say('me.nav.history') }).click();
        await page.getByRole('heading', { name: say('me.history.title'), level: 1 }).waitFor();
        await page.getByText(say('me.history.refused')).first().waitFor();
        const registered = page.locator('li.card').filter({ hasText: m['action.person.register']! });
        await registered.getByText(m['role.clerk']!).waitFor();
        assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /@|clerk-/, 'no staff names');
        await axeClean(page, `history-${language}`);
        await registered.getByRole('button', { name: say('me.history.notMe') }).click();
        const concern = page.getByRole('dialog', { name: say('me.concern.title') });
        await concern.getByLabel(say('me.concern.words')).fill('I was never at that office.');
        await axeClean(page, `concern-form-${language}`);
        await concern.getByRole('button', { name: say('me.concern.send') }).click();
        await concern.getByText(say('me.concern.sent')).waitFor();
        assert.match((await concern.locator('.code').textContent()) ?? '', /\S{8,}/);
        assert.match((await concern.textContent()) ?? '', /\/concern/);
        await axeClean(page, `concern-sent-${language}`);
        await concern.getByRole('button', { name: say('me.close') }).click();

        // RIG-1: a request, with its deadline shown back.
        await page.getByRole('button', { name: say('me.nav.request') }).click();
        await page.getByRole('heading', { name: say('me.request.title'), level: 1 }).waitFor();
        await axeClean(page, `request-${language}`);
        await page.getByRole('radio', { name: say('me.kind.access') }).check();
        await page.getByRole('button', { name: say('me.request.send') }).click();
        await page.getByRole('heading', { name: say('me.home.title'), level: 1 }).waitFor();
        await page.getByRole('heading', { name: say('me.kind.access'), level: 3 }).waitFor();
        await page.getByText(m['rights.state.identity-checked']!, { exact: false }).first().waitFor();
        await axeClean(page, `overview-after-${language}`);
        copyFileSync(
          new URL(`portal-overview-after-${language}.png`, SCREENSHOTS),
          `/tmp/portal-${language}.png`,
        );

        await page.getByRole('button', { name: say('me.signOut') }).click();
        await page
          .getByRole('status')
          .filter({ hasText: say('me.signedOut') })
          .waitFor();
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
