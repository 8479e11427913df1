/**
 * The governance pages end to end in real Chromium (GOV-1 – GOV-4, PUR-6, ACC-2): a DPO starts from the work list,
 * approves one DPIA and returns another to its author, who revises it in the editor; a policy change is proposed by
 * the DPO, who cannot approve it, and approved by an administrator after seeing its impact; processors are kept;
 * a concern raised on the public page from a browser with no cookies is answered by the DPO and read back with the
 * follow-up code; the record of processing is read without signing in. axe-core runs on every page, in English and
 * in Arabic (right to left), and each is kept as a screenshot.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Secret } from 'otpauth';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Client } from '../support/client.ts';
import { completeDpiaContent } from '../support/dpias.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
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

const ORG = 'haven-demo';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

describe('governance pages in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let dpo: StaffMember;
  let admin: StaffMember;
  let author: StaffMember;
  let oversight: StaffMember;
  const dpiaIds: Record<string, string> = {};
  const pagesChecked: string[] = [];

  /**
   * axe-core finds no serious or critical violation on the page as shown, in English and then in Arabic (mirrored,
   * its text translated); each is kept as a screenshot. `inArabic` checks more while the page is in Arabic.
   */
  async function accessible(
    page: Page,
    name: string,
    options: { inArabic?: () => Promise<unknown>; englishOnly?: boolean } = {},
  ) {
    await axeClean(page, `${name}-en`);
    if (options.englishOnly) return;
    await switchTo(page, 'ar');
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /[\u0600-\u06FF]{3,}/,
      `${name}: the page is in Arabic`,
    );
    await options.inArabic?.();
    await axeClean(page, `${name}-ar`);
    await switchTo(page, 'en');
  }

  async function axeClean(page: Page, name: string) {
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      `axe-core on ${name}`,
    );
    pagesChecked.push(name);
    await screenshot(page, `governance-${name}`);
  }

  async function switchTo(page: Page, language: 'ar' | 'en') {
    await page.locator('.language select').selectOption(language);
    await page.locator(`html[lang="${language}"][dir="${language === 'ar' ? 'rtl' : 'ltr'}"]`).waitFor({
      state: 'attached',
    });
  }

  async function signIn(page: Page, staff: StaffMember) {
    await page.goto('/');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page
      .getByLabel('6-digit code from your authenticator app')
      .fill(freshCode(t, base32(staff.totpSecret)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  async function staffPage(staff: StaffMember) {
    const opened = await openPage(browser, base);
    await signIn(opened.page, staff);
    return opened;
  }

  /** Waits for `done`; if Haven asks for the password and a code again first (ACC-4), gives them. */
  async function confirmIfAsked(page: Page, staff: StaffMember, done: Locator) {
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await Promise.race([dialog.waitFor().catch(() => {}), done.waitFor().catch(() => {})]);
    if (await dialog.isVisible()) {
      await dialog.getByLabel('Password').fill(staff.password);
      await dialog
        .getByLabel('6-digit code from your authenticator app')
        .fill(freshCode(t, base32(staff.totpSecret)));
      await dialog.getByRole('button', { name: 'Confirm' }).click();
    }
    await done.waitFor();
  }

  before(async () => {
    // No DPIAs approved: the work list has purposes waiting for theirs, as in a new organisation.
    t = await startTestHaven(
      'pglite',
      { HAVEN_PORT: String(await freePort()), HAVEN_SESSION_CACHE_SECONDS: '0' },
      { dpias: false },
    );
    base = await listen(t);
    browser = await launch();
    dpo = await createStaff(t, { role: 'dpo', org: ORG, tier: 4 });
    admin = await createStaff(t, { role: 'admin', org: ORG, tier: 4 });
    author = await createStaff(t, { role: 'supervisor', org: ORG, tier: 2 });
    oversight = await createStaff(t, { role: 'oversight', org: ORG, tier: 1 });
    // The supervisor wrote and submitted two DPIAs through the API; the DPO decides them in the browser.
    const client: Client = await signedIn(t, author);
    for (const purpose of ['registration', 'protection-case-management']) {
      const created = await client.post<{ id: string }>('/api/dpias', {
        purpose,
        content: completeDpiaContent(inAYear(), `How ${purpose} data is processed in the field.`),
      });
      assert.equal(created.status, 201, created.text);
      dpiaIds[purpose] = created.body.id;
      const submitted = await client.post(`/api/dpias/${created.body.id}/versions/1/submit`);
      assert.equal(submitted.status, 200, submitted.text);
    }
  });
  afterEach(async (context) => {
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the DPO proposes a change of the access rules; its impact is computed in the background', async () => {
    // First, so that the impact (every decision of the authorization matrix, twice) is computed meanwhile.
    const { page, errors } = await staffPage(dpo);
    await page.locator('nav').getByRole('link', { name: 'Access rules' }).click();
    await page.getByRole('heading', { name: 'Access rules', level: 1 }).waitFor();
    await page.locator('summary').filter({ hasText: 'roles.cedar' }).click();
    const roles = page.getByLabel('Text of roles.cedar');
    const text = await roles.inputValue();
    const from = '["clerk", "caseworker", "supervisor"].contains(principal.role) };';
    assert.ok(text.includes(from), 'the shipped staff-search rule');
    await roles.fill(text.replace(from, '["clerk", "caseworker"].contains(principal.role) };'));
    await page.getByLabel('Why this change?').fill('Supervisors oversee; they need not search.');
    await page.getByRole('button', { name: 'Propose this change' }).click();
    await confirmIfAsked(page, dpo, page.getByText('Version 2 was proposed.'));
    await page.getByText(/Computing the impact|The impact is waiting to be computed/).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO starts from the work list, approves one DPIA with an opinion and returns another with a note', async () => {
    const { page, errors } = await staffPage(dpo);
    await page.getByText(/Items that need your attention: \d+/).waitFor();
    await accessible(page, 'home-dpo');
    await page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await page.getByRole('heading', { name: 'Work list', level: 1 }).waitFor();
    const toDecide = page.getByRole('region', { name: /Impact assessments to decide/ });
    await toDecide.getByRole('link', { name: 'Impact assessment: Registration' }).waitFor();
    assert.match(
      (await page
        .getByRole('region', { name: /Purposes without an approved impact assessment/ })
        .textContent()) ?? '',
      /Overdue/,
    );
    await accessible(page, 'worklist');

    await toDecide.getByRole('link', { name: 'Impact assessment: Registration' }).click();
    await page.getByRole('heading', { name: 'Impact assessment: Registration', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'What Haven knows of this processing' }).waitFor();
    // The risks as assessed: 3 × 4 before the measures, 1 × 4 after them.
    const risks = page.locator('table.risk-table');
    assert.match((await risks.textContent()) ?? '', /Very high risk 3 × 4 = 12.*Moderate risk 1 × 4 = 4/);
    await accessible(page, 'dpia-to-decide');
    await page
      .getByLabel('Opinion of the data protection officer')
      .fill('Measures are proportionate; review in a year.');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await confirmIfAsked(page, dpo, page.getByText('The impact assessment is approved and in force'));
    await page.locator('.subtitle').getByText('Approved').waitFor();

    // The printable copy: the document only, no menu and no buttons.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no menu on paper');
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false, 'no buttons on paper');
    assert.ok(await page.locator('article.dpia-document').isVisible());
    await screenshot(page, 'governance-dpia-print-en');
    await page.emulateMedia({ media: 'screen' });
    await accessible(page, 'dpia-approved', {
      inArabic: () => page.getByRole('heading', { name: 'تقييم الأثر: التسجيل', level: 1 }).waitFor(),
    });

    await page.goto(`/governance/dpias/${dpiaIds['protection-case-management']!}`);
    await page.getByRole('heading', { name: 'Your decision' }).waitFor();
    await page.getByRole('button', { name: 'Reject and return to the author' }).click();
    await page.locator('.field-error').getByText('This is required.').waitFor();
    await page.getByLabel('Why it is rejected').fill('Name the processors that receive case notes.');
    await page.getByRole('button', { name: 'Reject and return to the author' }).click();
    await confirmIfAsked(
      page,
      dpo,
      page.getByText('The impact assessment was rejected and returned to its author.'),
    );

    const { rows } = await t.haven.db.query<{ subject: string; status: string }>(
      `select subject, status from dpia where version = 1 order by subject`,
    );
    assert.deepEqual(
      rows.map((r) => `${r.subject}:${r.status}`),
      ['protection-case-management:rejected', 'registration:approved'],
    );
    await page.goto('/governance/dpias');
    await page.getByRole('cell', { name: /Version 1, until/ }).waitFor();
    await accessible(page, 'dpias');
    // A purpose without a DPIA gets its draft started from the register.
    await page.getByLabel('Purpose').selectOption('statistics');
    await page.getByRole('button', { name: 'Start the draft' }).click();
    await page.getByRole('heading', { name: 'Impact assessment: Statistics', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Edit the draft (version 1)' }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the author finds the returned DPIA, starts a new version, edits and submits it', async () => {
    const { page, errors } = await staffPage(author);
    await page.locator('nav').getByRole('link', { name: 'Impact assessments' }).click();
    await page.getByRole('link', { name: 'Protection and case management' }).click();
    await page.getByText('This version was rejected and returned to its author.').waitFor();
    await page.getByText('Name the processors that receive case notes.').waitFor();
    await page.getByRole('button', { name: 'Start a new version' }).click();
    await page.getByRole('heading', { name: 'Edit the draft (version 2)' }).waitFor();
    await page
      .getByLabel('Description of the processing')
      .fill('Caseworkers follow protection cases. Case notes go to no processor.');
    const custom = page.getByRole('group', { name: 'Risk 4', exact: true });
    await page.getByRole('button', { name: 'Add another risk' }).click();
    await custom.getByLabel('Short name of the risk').fill('re-identification');
    const risk = page.getByRole('group', { name: 're-identification', exact: true });
    await risk.getByLabel('What could happen: re-identification').fill('Statistics reveal a small group.');
    await risk.getByLabel('Likelihood of “re-identification” (Before the measures)').selectOption('2');
    await risk.getByLabel('Measure 1').fill('Counts under ten are never shown.');
    await risk.getByLabel('Likelihood of “re-identification” (After the measures)').selectOption('1');
    await risk.getByLabel('Severity of “re-identification” (After the measures)').selectOption('2');
    assert.match((await risk.locator('.rating-level').last().textContent()) ?? '', /Low risk 1 × 2 = 2/);
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.getByText('The draft is saved.').waitFor();
    await accessible(page, 'dpia-editor', {
      inArabic: () => page.getByRole('button', { name: 'حفظ المسودة' }).waitFor(),
    });
    await page.getByRole('button', { name: 'Save and submit for approval' }).click();
    await page
      .getByText('The impact assessment was submitted to a data protection officer for approval.')
      .waitFor();
    const { rows } = await t.haven.db.query<{ status: string; content: { risks: { event: string }[] } }>(
      `select status, content from dpia where id = $1 and version = 2`,
      [dpiaIds['protection-case-management']!],
    );
    assert.equal(rows[0]?.status, 'submitted');
    assert.deepEqual(
      rows[0]?.content.risks.map((r) => r.event),
      ['illegitimate-access', 'unwanted-change', 'disappearance', 're-identification'],
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO adds a processor without a data processing agreement; the register and the work list say so', async () => {
    const { page, errors } = await staffPage(dpo);
    await page.locator('nav').getByRole('link', { name: 'Processors' }).click();
    await page.getByRole('heading', { name: 'Processors and sub-processors' }).waitFor();
    await page.getByText('No processor is registered yet.').waitFor();
    await page.getByRole('button', { name: 'Add a processor' }).click();
    await page.getByRole('button', { name: 'Add the processor' }).click();
    await page.locator('.field-invalid').first().waitFor();
    const form = page.getByRole('region', { name: 'Add a processor' });
    await form.getByRole('textbox', { name: /^Name/ }).fill('Cloud Hosting GmbH');
    await form.getByRole('textbox', { name: /^Service it provides/ }).fill('Hosting of the database');
    await form.getByRole('checkbox', { name: 'Registration' }).check();
    await form.getByRole('checkbox', { name: 'Names' }).check();
    await form.getByLabel('Countries where it processes').fill('deu');
    await form.getByLabel('Safeguard for transfers abroad').fill('Standard contractual clauses');
    await form.getByLabel('Contract signed on').fill('2025-01-15');
    await accessible(page, 'processor-form');
    await form.getByRole('button', { name: 'Add the processor' }).click();
    await page.getByText('Processor Cloud Hosting GmbH added.').waitFor();
    const row = page.getByRole('row', { name: /Cloud Hosting GmbH/ });
    assert.match((await row.textContent()) ?? '', /DEU.*No data processing agreement/);
    await accessible(page, 'processors', {
      inArabic: () => page.getByRole('heading', { name: 'المعالِجون والمعالِجون الفرعيون' }).waitFor(),
    });
    await page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await page
      .getByRole('region', { name: /Processors with lapsed paperwork/ })
      .getByText('No data processing agreement')
      .waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the administrator keeps the organisation profile; the DPO reads it', async () => {
    const { page, errors } = await staffPage(admin);
    await page.locator('nav').getByRole('link', { name: 'Organisation' }).click();
    await page.getByRole('heading', { name: 'Organisation profile' }).waitFor();
    await page
      .getByLabel('How to contact the data protection officer')
      .fill('dpo@haven-demo.example, +962 6 555 0100');
    await page.getByLabel('Country where it is established').fill('jor');
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await confirmIfAsked(page, admin, page.getByText('The profile is saved'));
    await accessible(page, 'organisation-admin');
    const reader = await staffPage(dpo);
    await reader.page.goto('/admin/organisation');
    await reader.page.getByText('dpo@haven-demo.example').waitFor();
    assert.equal(await reader.page.getByRole('button', { name: 'Save the profile' }).count(), 0);
    await accessible(reader.page, 'organisation-dpo', { englishOnly: true });
    assert.deepEqual([...errors, ...reader.errors], []);
    await page.context().close();
    await reader.page.context().close();
  });

  test('a concern raised from a browser without cookies is answered by the DPO and read back with the code', async () => {
    // The reporter: a fresh browser, not signed in; the page asks nobody who is there and keeps nothing.
    const reporter = await openPage(browser, base);
    const requests: { url: string; cookie: Promise<string | null> }[] = [];
    reporter.page.on('request', (request) => {
      requests.push({ url: request.url(), cookie: request.headerValue('cookie') });
    });
    await reporter.page.goto('/concern');
    await reporter.page.getByRole('heading', { name: 'Raise a concern', level: 1 }).waitFor();
    await reporter.page.getByText(/acknowledged within 7 days/).waitFor();
    await accessible(reporter.page, 'concern-form', {
      inArabic: () => reporter.page.getByRole('heading', { name: 'الإبلاغ عن مخاوف', level: 1 }).waitFor(),
    });
    await reporter.page
      .getByLabel('What happened?')
      .fill('A staff member photographed the registration list with a personal phone.');
    await reporter.page.getByRole('button', { name: 'Send anonymously' }).click();
    const code = reporter.page.locator('.follow-up-code output');
    await code.waitFor({ timeout: 30_000 });
    const followUpCode = ((await code.textContent()) ?? '').trim();
    assert.match(followUpCode, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    await reporter.page.getByText('Write the code down now and keep it somewhere safe.').waitFor();
    await accessible(reporter.page, 'concern-sent');

    // The DPO sees it on the work list, reads it and answers.
    const { page, errors } = await staffPage(dpo);
    await page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await page
      .getByRole('region', { name: /Concerns to acknowledge/ })
      .getByRole('link', { name: /^Concern / })
      .click();
    await page.getByText('photographed the registration list').waitFor();
    await accessible(page, 'concern-staff');
    await page
      .getByLabel('Your answer to the sender')
      .fill('Thank you. The photos were deleted and the list is locked away.');
    await page.getByRole('button', { name: 'Send the answer' }).click();
    await page.getByText('Your answer was sent.').waitFor();
    await page.locator('nav').getByRole('link', { name: 'Concerns' }).click();
    await page.getByRole('cell', { name: 'Answered', exact: true }).waitFor();
    await accessible(page, 'concerns');

    // The reporter comes back with the code, reads the answer and writes back.
    await reporter.page.goto('/concern');
    await reporter.page.getByLabel('Follow-up code').fill(followUpCode.toLowerCase());
    await reporter.page.getByRole('button', { name: 'Read the answers' }).click();
    await reporter.page.getByText('The photos were deleted').waitFor();
    await reporter.page.getByLabel('Write back').fill('Thank you for acting on it.');
    await reporter.page.getByRole('button', { name: 'Send', exact: true }).click();
    await reporter.page.getByText('Your message was sent.').waitFor();
    assert.equal(await reporter.page.locator('.message').count(), 3);
    await accessible(reporter.page, 'concern-follow-up');

    // The DPO closes it, after confirming; the sender sees it closed and can no longer write.
    await page.getByRole('link', { name: /^Received / }).click();
    await page.getByText('Thank you for acting on it.').waitFor();
    await page.getByRole('button', { name: 'Close the concern' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close this concern?' });
    await dialog.waitFor();
    await accessible(page, 'concern-close-dialog', { englishOnly: true });
    await dialog.getByRole('button', { name: 'Close the concern' }).click();
    await page.getByText('The concern is closed.').waitFor();
    await reporter.page.getByRole('button', { name: 'Read the answers' }).click();
    await reporter.page.getByText(/^Closed on /).waitFor();
    assert.equal(await reporter.page.getByLabel('Write back').count(), 0);

    assert.equal(await reporter.page.evaluate(() => localStorage.length), 0, 'nothing kept in the browser');
    assert.deepEqual(await reporter.context.cookies(), [], 'no cookie either');
    assert.ok(!requests.some((r) => r.url.includes('/api/auth/session')), 'no session was asked for');
    const concernCalls = requests.filter((r) => r.url.includes('/api/public/concerns'));
    assert.ok(concernCalls.length >= 4);
    for (const call of concernCalls) assert.equal(await call.cookie, null, `no cookie with ${call.url}`);
    // GOV-4: the page and the concern calls leave no request log line.
    assert.doesNotMatch(t.logs.text(), /"route":"\/concern"|"route":"\/api\/public\/concerns/);
    assert.deepEqual([...errors, ...reporter.errors], []);
    await page.context().close();
    await reporter.context.close();
  });

  test('oversight reads the work list and the break-glass overview, never a person', async () => {
    const { page, errors } = await staffPage(oversight);
    await page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await page.getByRole('heading', { name: 'Emergency access and its review' }).waitFor();
    assert.equal(await page.locator('nav a[href="/register"], nav a[href="/search"]').count(), 0);
    await accessible(page, 'worklist-oversight', {
      inArabic: () => page.getByRole('heading', { name: 'قائمة العمل', level: 1 }).waitFor(),
    });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the record of processing is public: no sign-in, no session asked for, in English and Arabic', async () => {
    const { page, context, errors } = await openPage(browser, base);
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await page.goto('/transparency');
    await page.getByRole('heading', { name: 'Record of processing', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Registration', level: 3, exact: true }).waitFor();
    const text = (await page.locator('article.record').textContent()) ?? '';
    assert.match(text, /dpo@haven-demo\.example/);
    assert.match(text, /Approved \(version 1\), to be reviewed by/);
    assert.match(text, /Cloud Hosting GmbH/);
    assert.match(text, /No processing agreement in force/);
    await accessible(page, 'transparency', {
      inArabic: () => page.getByRole('heading', { name: 'سجل أنشطة المعالجة', level: 1 }).waitFor(),
    });
    await page.getByLabel('Version of the record').selectOption({ index: 1 });
    await page
      .locator('article.record .subtitle')
      .getByText(/^Version \d+, published/)
      .waitFor();
    assert.ok(!urls.some((u) => u.includes('/api/auth/')), 'no session was asked for');
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the proposer cannot approve their own change; an administrator approves it after seeing its impact', async () => {
    const proposer = await staffPage(dpo);
    const page = proposer.page;
    await page.goto('/governance/policies?version=2');
    // Its impact: supervisors lose search, and nothing else changes.
    const refused = page.getByRole('region', { name: /Become refused: \d+ situations in \d+ groups/ });
    await refused.waitFor({ timeout: 60_000 });
    assert.match((await refused.textContent()) ?? '', /Supervisor, tier 1.*Search.*The organisation/);
    await page.getByRole('region', { name: /Become allowed: 0 situations/ }).waitFor();
    await page
      .getByText('You proposed this change: another DPO or administrator must approve or reject it.')
      .waitFor();
    assert.equal(
      await page.getByRole('button', { name: /Approve version 2/ }).count(),
      0,
      'not for the proposer',
    );
    await accessible(page, 'policy-impact', {
      inArabic: async () => {
        await page.getByRole('heading', { name: /ما يغيّره الإصدار/ }).waitFor();
        // The diff stays left to right inside the mirrored page.
        const direction = await page
          .locator('table.diff')
          .first()
          .evaluate((e) => (globalThis as unknown as Styled).getComputedStyle(e).direction);
        assert.equal(direction, 'ltr');
      },
    });

    // The administrator, a second person, approves what they saw; their sign-in is old, so Haven asks again.
    const approver = await staffPage(admin);
    await t.haven.db.query(
      `update staff_session set reauthenticated_at = now() - interval '1 day' where account_id = $1`,
      [admin.id],
    );
    await approver.page.locator('nav').getByRole('link', { name: 'Work list' }).click();
    await approver.page
      .getByRole('region', { name: /Changes to the access rules to decide/ })
      .getByRole('link', { name: 'Access rules, version 2' })
      .click();
    const diff = approver.page.locator('table.diff').first();
    await diff.waitFor({ timeout: 60_000 });
    assert.match((await diff.locator('tr.diff-del').first().textContent()) ?? '', /removed:.*"supervisor"/);
    assert.match(
      (await diff.locator('tr.diff-add').first().textContent()) ?? '',
      /added:.*\["clerk", "caseworker"\]/,
    );
    await accessible(approver.page, 'policy-impact-approver', { englishOnly: true });
    await approver.page.getByRole('button', { name: 'Approve version 2 and put it in force' }).click();
    await confirmIfAsked(
      approver.page,
      admin,
      approver.page.getByText('Version 2 is approved and in force.'),
    );
    assert.equal(t.haven.gate.policies().version, 2);
    await approver.page.getByRole('cell', { name: 'In force' }).first().waitFor();
    await accessible(approver.page, 'policies');
    assert.deepEqual([...proposer.errors, ...approver.errors], []);
    await page.context().close();
    await approver.page.context().close();
  });

  test('every governance page was checked with axe-core, in English and in Arabic', () => {
    for (const name of [
      'home-dpo-en',
      'home-dpo-ar',
      'worklist-en',
      'worklist-ar',
      'dpia-to-decide-en',
      'dpia-to-decide-ar',
      'dpia-approved-en',
      'dpia-approved-ar',
      'dpias-en',
      'dpias-ar',
      'dpia-editor-en',
      'dpia-editor-ar',
      'processor-form-en',
      'processor-form-ar',
      'processors-en',
      'processors-ar',
      'organisation-admin-en',
      'organisation-admin-ar',
      'concern-form-en',
      'concern-form-ar',
      'concern-sent-en',
      'concern-sent-ar',
      'concern-staff-en',
      'concern-staff-ar',
      'concerns-en',
      'concerns-ar',
      'concern-follow-up-en',
      'concern-follow-up-ar',
      'worklist-oversight-en',
      'worklist-oversight-ar',
      'transparency-en',
      'transparency-ar',
      'policy-impact-en',
      'policy-impact-ar',
      'policies-en',
      'policies-ar',
      'organisation-dpo-en',
      'concern-close-dialog-en',
      'policy-impact-approver-en',
    ]) {
      assert.ok(pagesChecked.includes(name), `${name} was checked`);
    }
  });
});

/** The browser's getComputedStyle, as seen from the test (no DOM types here). */
type Styled = { getComputedStyle(element: unknown): { direction: string } };

function base32(bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}
