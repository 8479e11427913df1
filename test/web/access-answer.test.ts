/**
 * The printable answer to an access request in real Chromium (RIG-3, LNG-1, LNG-2): the DPO reviews a composed
 * answer and withholds one value; once released, the page prints the answer in the language of the person's
 * consent notice (Arabic, right to left) whatever the staff member's own language, and in English on request.
 * Both are printed to PDF and kept as screenshots of the print layout; axe-core finds nothing serious.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { nextTotp, type StaffMember } from '../support/staff.ts';
import {
  axeViolations,
  browserMissing,
  freePort,
  launch,
  listen,
  openPage,
  screenshotOnFailure,
} from './browser.ts';

const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

/** Where the PDFs and print screenshots go; HAVEN_ANSWER_SHOTS also copies the screenshots there for a person. */
const OUT = mkdtempSync(path.join(tmpdir(), 'haven-answer-'));

describe('the printable answer to an access request', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let a: Team;
  let requestId = '';
  let personId = '';

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(nextTotp(t, staff));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  /** Prints the page to PDF and screenshots it as printed; returns the PDF. */
  async function printed(page: Page, name: string): Promise<Buffer> {
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no menu on paper');
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false, 'no buttons on paper');
    const shot = path.join(OUT, `answer-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.HAVEN_ANSWER_SHOTS)
      copyFileSync(shot, path.join(process.env.HAVEN_ANSWER_SHOTS, `answer-${name}.png`));
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(path.join(OUT, `answer-${name}.pdf`), pdf);
    return pdf;
  }

  before(async () => {
    t = await startTestHaven('pglite', {
      HAVEN_PORT: String(await freePort()),
      HAVEN_SESSION_CACHE_SECONDS: '0',
    });
    base = await listen(t);
    browser = await launch();
    a = await team(t, 'org-a');
    // Registered with consent given on a notice in Arabic (test/support/gate.ts).
    personId = await register(a.clerk, { ...KNOWN_PEOPLE[0] });
    const taken = await a.clerk.client.post(`/api/persons/${personId}/rights-requests`, {
      kind: 'access',
      channel: 'in-person',
    });
    requestId = String(taken.body.id);
    // The supervisor, signed in with a passkey, saw an identity document, starts the request and composes.
    for (const [step, body] of [
      ['identity-check', { check: 'document-seen' }],
      ['start', {}],
      ['access-answer', {}],
    ] as const) {
      const reply = await a.supervisor.client.post(`/api/rights-requests/${requestId}/${step}`, body);
      assert.equal(reply.status, 200, `${step}: ${reply.text}`);
    }
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO reviews the answer, withholding the phone number because it is about another person', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, a.dpo.staff);
    // From the request's own page, one link away.
    await page.goto(`/rights/${requestId}`);
    await page
      .getByRole('link', { name: 'The answer with the person’s data: prepare, review and print' })
      .click();
    await page.getByRole('heading', { name: 'Answer to an access request', level: 1 }).waitFor();
    await page.getByText('Waiting for review').waitFor();
    await page.getByRole('checkbox', { name: 'Withhold Phone number' }).check();
    assert.equal(await page.getByLabel('Why Phone number is withheld').inputValue(), 'third-party');
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
      [],
    );
    await page.getByRole('button', { name: 'Save the review' }).click();
    await page.getByText('The review is saved.').waitFor();
    await page.locator('.subtitle').getByText('Reviewed').waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();

    const answered = await a.supervisor.client.post(`/api/rights-requests/${requestId}/answer`, {});
    assert.equal(answered.status, 200, answered.text);
  });

  test('released, it prints in Arabic right to left by default and in English on request, with its digest', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, a.dpo.staff);
    await page.goto(`/rights/${requestId}/answer`);
    await page.getByText('Given to the person').first().waitFor();
    const released = await a.dpo.client.get(`/api/rights-requests/${requestId}/access-answer`);
    const digest = String(released.body.digest);
    assert.match(digest, /^[0-9a-f]{64}$/);
    const events = await ledgerEvents(t, personId);
    assert.ok(
      events.some((e) => e.action === 'rights.answer' && (e as { digest?: string }).digest === digest),
      'the ledger keeps the digest shown',
    );

    // The consent notice was in Arabic: the document is, while the staff member's interface stays in English.
    const language = page.getByLabel('Language of the document');
    assert.equal(await language.inputValue(), 'ar');
    const document = page.locator('article.answer-document');
    await page.locator('article.answer-document[lang="ar"][dir="rtl"]').waitFor();
    await language.selectOption('en');
    await page.locator('article.answer-document[lang="en"][dir="ltr"]').waitFor();
    await language.selectOption('ar');
    await page.locator('article.answer-document[lang="ar"][dir="rtl"]').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the interface keeps its language');
    await document.getByRole('heading', { name: 'المعلومات التي نحتفظ بها عنك' }).waitFor();
    const arabic = (await document.textContent()) ?? '';
    for (const text of [
      'الهوية',
      'الاسم الأول بالأحرف اللاتينية',
      'Mohammed',
      'محجوب: لأنها تخص شخصًا آخر',
      digest,
    ])
      assert.ok(arabic.includes(text), `the Arabic document has ${text}`);
    assert.ok(!arabic.includes('944 123'), 'the withheld phone number is not shown');
    assert.deepEqual(
      (await axeViolations(page)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
      [],
      'axe-core on the page with the Arabic document',
    );
    const pdfArabic = await printed(page, 'ar');

    await language.selectOption('en');
    await page.locator('article.answer-document[lang="en"][dir="ltr"]').waitFor();
    await document.getByRole('heading', { name: 'The information we keep about you' }).waitFor();
    const english = (await document.textContent()) ?? '';
    for (const text of [
      'Given name in Latin letters',
      'Withheld: it is about another person',
      'Registration',
    ])
      assert.ok(english.includes(text), `the English document has ${text}`);
    const pdfEnglish = await printed(page, 'en');

    for (const [name, pdf] of [
      ['ar', pdfArabic],
      ['en', pdfEnglish],
    ] as const) {
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', `${name}: a PDF`);
      assert.ok(pdf.length > 20_000, `${name}: the PDF has content (${pdf.length} bytes)`);
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
      assert.ok(pages >= 2, `${name}: the whole answer takes pages (${pages})`);
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
