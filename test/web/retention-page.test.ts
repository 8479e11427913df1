/**
 * The retention page in real Chromium (RET-1, RET-2): the DPO sees what falls due — per day and category, and item
 * by item with the legal hold that keeps one — the last sweeps and the last restore drill; runs the sweep now after
 * a confirmation and sees it appear with its figures. A supervisor sees the same page without the button. axe-core
 * finds nothing serious in English or in Arabic (right to left); each state is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addToDay } from '../../src/domain/calendar.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { defineRetentionSweep } from '../../src/retention/sweep-job.ts';
import { actor, register } from '../support/gate.ts';
import { LogCapture, type TestHaven } from '../support/haven.ts';
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

const ORG = 'haven-retention';
const WORK = 'protection-case-management';
const today = () => new Date().toISOString().slice(0, 10);

describe('the retention page in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let supervisor: StaffMember;
  /** Closed three years ago: the phone number (last contact + 2 years) is due, the identity is not. */
  let contactDue = '';
  /** Closed six years ago: everything recorded is due — the whole person. */
  let allDue = '';
  /** Closed six years ago too, but a legal hold keeps it. */
  let held = '';
  let holdId = '';
  /** Closed eleven years ago: past the person-wide rule (last contact + 10 years), the whole person goes. */
  let gone = '';
  /** The server that works the jobs (as `haven serve` does): test Havens only add jobs. */
  let worker: JobQueue | undefined;

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  async function openRetention(page: Page) {
    await page.locator('nav').getByRole('link', { name: 'Retention' }).click();
    await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
  }

  /** axe-core in English and in Arabic (right to left), a screenshot of each; back to English after. */
  function accessible(page: Page, name: string) {
    return assertAccessibleInEnglishAndArabic(page, name, {
      screenshotPrefix: 'retention',
      inArabic: page.getByRole('heading', { name: 'الاحتفاظ بالبيانات', level: 1 }),
    });
  }

  before(async () => {
    ({ t, base, browser } = await startBrowserHaven({ HAVEN_SESSION_CACHE_SECONDS: '0' }));
    const logger = createLogger('info', new LogCapture());
    worker = new JobQueue(t.haven.db, {
      logger,
      workers: 1,
      pollSeconds: 0.5,
      stopTimeoutMs: 1000,
    });
    defineRetentionSweep(worker, t.haven.gate, { schedule: 'off', logger });
    await worker.start();
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    supervisor = await createStaff(t, { role: 'supervisor', org: ORG, tier: 4 });
    const clerkStaff = await createStaff(t, { role: 'clerk', org: ORG, tier: 2 });
    const clerk = actor(clerkStaff, await signedIn(t, clerkStaff));
    const boss = actor(supervisor, await signedIn(t, supervisor));

    [contactDue, allDue, held, gone] = [
      await register(clerk, { ...KNOWN_PEOPLE[0] }),
      await register(clerk, { ...KNOWN_PEOPLE[1] }),
      await register(clerk, { ...KNOWN_PEOPLE[2] }),
      await register(clerk, { ...KNOWN_PEOPLE[3] }),
    ];
    // Test-only shortcut: these people were registered twelve years ago (no API dates a registration back), so
    // their cases can be closed on days long past.
    await t.haven.db.query(
      `update person set created_at = now() - interval '12 years', updated_at = now() - interval '12 years'
        where id = any($1)`,
      [[contactDue, allDue, held, gone]],
    );
    for (const [id, years] of [
      [contactDue, 3],
      [allDue, 6],
      [held, 6],
      [gone, 11],
    ] as const) {
      const closed = await boss.as(WORK).post(`/api/persons/${id}/case-state`, {
        state: 'closed',
        reason: 'person-left',
        on: yearsAgo(years),
      });
      assert.equal(closed.status, 200, closed.text);
    }
    const hold = await boss.client.post<{ id: string }>(`/api/persons/${held}/legal-holds`, {
      reason: 'litigation',
    });
    assert.equal(hold.status, 201, hold.text);
    holdId = hold.body.id;
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await worker?.stop();
    await t?.close();
  });

  test('the DPO sees what falls due per day and category and item by item, the hold that keeps one, no sweep and no drill yet', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    // The home page offers the page too, with what it is for.
    await page
      .locator('.tiles')
      .getByRole('link', { name: /Retention/ })
      .waitFor();
    await openRetention(page);

    const preview = page.locator('section[aria-labelledby="retention-preview"]');
    // Past-due items go at the next sweep: today. Contact for the first, all groups of the other two.
    await preview.getByText(/\d+ items fall due by/).waitFor();
    const facts = (await preview.locator('dl.facts').textContent()) ?? '';
    assert.match(facts, /Persons concerned\s*4(?!\d)/);
    assert.match(facts, /Kept by a legal hold\s*[1-9]/);

    const counts = preview.getByRole('table', { name: 'Per day and category' });
    const contactRow = counts.getByRole('row').filter({ hasText: 'Contact details' });
    assert.deepEqual(await cells(contactRow), [formatDay(today()), 'Contact details', '4', '1', '3']);

    const items = preview.getByRole('table', { name: 'Item by item' });
    const rowsOf = (id: string) => items.getByRole('row').filter({ hasText: `Person ${id.slice(0, 8)}` });
    assert.equal(await rowsOf(contactDue).count(), 1, 'only the phone number of the case closed 3 years ago');
    assert.deepEqual((await cells(rowsOf(contactDue))).slice(1, 4), [
      'Contact',
      'Contact details',
      '2 years after the last contact',
    ]);
    assert.ok(
      (await rowsOf(allDue).count()) >= 3,
      'identity, contact and documents of the case closed 6 years ago',
    );
    const identity = rowsOf(allDue).filter({ hasText: 'Identity' });
    assert.equal((await cells(identity))[3], '5 years after the case is closed');
    assert.equal((await cells(identity))[6], 'None');
    const kept = await cells(rowsOf(held).filter({ hasText: 'Identity' }));
    assert.equal(kept[6], `Kept hold ${holdId.slice(0, 8)}`);
    // The person's id links to the person's page.
    assert.equal(await rowsOf(contactDue).getByRole('link').getAttribute('href'), `/persons/${contactDue}`);

    // Days ahead: refused with a message next to the field when not a whole number in range.
    const days = page.getByLabel('Days ahead');
    await days.fill('4000');
    await page.getByRole('button', { name: 'Show what falls due' }).click();
    await page.getByText('Enter a whole number of days from 0 to 3,660.').waitFor();
    assert.equal(await days.getAttribute('aria-invalid'), 'true');
    assert.equal(
      await days.evaluate((e) => e === e.ownerDocument.activeElement),
      true,
      'focus on the field to fix',
    );
    await days.fill('0');
    await page.getByRole('button', { name: 'Show what falls due' }).click();
    await preview.getByText(`items fall due by ${formatDay(today())}.`).waitFor();
    assert.equal(await days.getAttribute('aria-invalid'), null);

    // No sweep and no drill yet: said in words, with where the drill is explained.
    await page.getByText('No sweep has run yet.').waitFor();
    await page.getByText('No restore drill has been run yet.').waitFor();
    await page.getByText('haven backup drill').waitFor();
    await accessible(page, 'preview');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a supervisor sees the same page but no button to run the sweep', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, supervisor);
    await openRetention(page);
    await page.getByRole('table', { name: 'Item by item' }).waitFor();
    await page.getByRole('heading', { name: 'Last sweeps' }).waitFor();
    await page.getByRole('heading', { name: 'Last restore drill' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Run the sweep now' }).count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO runs the sweep now after confirming; it appears with its figures, and what it erased is no longer due', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, dpo);
    await openRetention(page);
    await page.getByRole('table', { name: 'Item by item' }).waitFor();

    // Cancelling erases nothing.
    await page.getByRole('button', { name: 'Run the sweep now' }).click();
    let dialog = page.getByRole('dialog', { name: 'Run the sweep now?' });
    await dialog.getByText('this cannot be undone').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No sweep has run yet.').waitFor();

    await page.getByRole('button', { name: 'Run the sweep now' }).click();
    dialog = page.getByRole('dialog', { name: 'Run the sweep now?' });
    await screenshot(page, 'retention-confirm-en');
    await dialog.getByRole('button', { name: 'Erase what is due today' }).click();
    // A sensitive action asks for the password and code again unless the sign-in is recent (ACC-4).
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    const finished = page.getByText('The sweep has finished.');
    await reauth.or(page.getByText('The sweep has started.')).or(finished).first().waitFor();
    if (await reauth.isVisible()) {
      await reauth.getByLabel('Password').fill(dpo.password);
      await reauth.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, dpo));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await finished.waitFor();

    const sweeps = page.locator('section[aria-labelledby="retention-sweeps"]').getByRole('table');
    const row = sweeps.getByRole('row').nth(1);
    const [, onDay, trigger, state, persons, groups, heldCount, erased] = await cells(row);
    assert.deepEqual(
      [onDay, trigger, state, persons, groups, heldCount],
      [formatDay(today()), 'Staff, on this page', 'Done', '1', '4', '2'],
      'one whole person; contact twice, identity and documents once; what the hold keeps is counted',
    );
    assert.match(erased ?? '', /Whole person: 1 item \(every category; 10 years after the last contact\)/);
    assert.match(erased ?? '', /Contact: 2 items \(Contact details; 2 years after the last contact\)/);
    assert.match(erased ?? '', /Identity: 1 item \(.*; 5 years after the case is closed\)/);
    assert.match(erased ?? '', /Documents held: 1 item \(Documents; 5 years after the case is closed\)/);
    await page
      .getByText(
        'The sweep has finished. Persons erased: 1. Field groups erased: 4. Kept by a legal hold: 2.',
      )
      .waitFor();

    // The preview is asked again: only what the hold keeps is still due.
    const items = page.getByRole('table', { name: 'Item by item' });
    await items
      .getByRole('row')
      .filter({ hasText: `Person ${allDue.slice(0, 8)}` })
      .first()
      .waitFor({ state: 'detached' });
    for (const id of [contactDue, gone])
      assert.equal(
        await items
          .getByRole('row')
          .filter({ hasText: `Person ${id.slice(0, 8)}` })
          .count(),
        0,
      );
    assert.ok(
      (await items
        .getByRole('row')
        .filter({ hasText: `Person ${held.slice(0, 8)}` })
        .count()) >= 1,
    );
    await accessible(page, 'swept');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

function yearsAgo(years: number): string {
  return addToDay(today(), { months: -12 * years });
}

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
