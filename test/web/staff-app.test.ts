/**
 * The staff web app end to end in real Chromium: a newcomer sets Haven up, creates a clerk, and the clerk
 * registers a person in Arabic with consent; then search by Latin spelling, a purpose-bound case view with
 * withheld groups and their reasons, consent withdrawal, a correction approved by a supervisor, break-glass
 * start and expiry — and axe-core on every page, in English and in Arabic (issue: staff web app).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Secret } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { issueSetupCode } from '../../src/identity/setup.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, GOOD_PASSWORD, type StaffMember } from '../support/staff.ts';
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

const ADMIN = { email: 'admin@example.org', password: 'ferry lantern orchard 77' };
const CLERK = { email: 'clerk@example.org', password: 'pebble meadow violin 88' };

describe('staff web app in Chromium', { skip: missing ?? false }, () => {
  let t: TestHaven;
  let base: string;
  let browser: Browser;
  let personId = '';
  let clerkSecret = '';
  const pagesChecked: string[] = [];

  /** axe-core finds no serious or critical violation on the page as shown; records the page as checked. */
  async function accessible(page: Page, name: string) {
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      `axe-core on ${name}`,
    );
    pagesChecked.push(name);
    await screenshot(page, name);
  }

  /** Switches the interface to Arabic and waits until it is shown: mirrored, and the menu in Arabic. */
  async function switchToArabic(page: Page) {
    await page.getByLabel('Language').selectOption('ar');
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await page.getByRole('link', { name: 'الرئيسية' }).first().waitFor();
  }

  async function signIn(page: Page, who: { email: string; password: string }, secret: string) {
    await page.goto('/');
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  }

  async function staffPage(staff: StaffMember) {
    const opened = await openPage(browser, base);
    await signIn(opened.page, staff, base32(staff.totpSecret));
    return opened;
  }

  before(async () => {
    // No session cache: the tests age and end sessions in the database and expect the next request to see it.
    t = await startTestHaven('pglite', {
      HAVEN_PORT: String(await freePort()),
      HAVEN_SESSION_CACHE_SECONDS: '0',
    });
    base = await listen(t);
    browser = await launch();
  });
  afterEach(async (context) => {
    // `passed` is set on test contexts from Node 22.16 on; suites have none.
    if ((context as { passed?: boolean }).passed === false) await screenshotOnFailure(context.name);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a newcomer sets up the first admin with the set-up code, enrols TOTP and creates a clerk', async () => {
    const code = await issueSetupCode(t.haven.identity, t.haven.db, 60);
    assert.ok(code);
    const { page, errors } = await openPage(browser, base);
    await page.goto('/setup');
    await accessible(page, 'setup-en');
    await page.getByLabel('Set-up code').fill(code);
    await page.getByLabel('Organisation name').fill('Haven Demo');
    await page.getByLabel('Organisation short name').fill('haven-demo');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Your password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();

    await page.getByRole('button', { name: 'Use an authenticator app' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await accessible(page, 'enrol-en');
    const adminSecret = (await page.locator('code.secret').textContent())!.trim();
    await page.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, adminSecret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    assert.equal(await page.locator('.recovery-codes li').count(), 10);
    await page.getByRole('button', { name: /I have kept them safe/ }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await accessible(page, 'home-admin-en');

    // The set-up code works once only.
    const again = await page.request.post('/api/setup', {
      data: {
        code,
        organisation: { slug: 'x', name: 'X' },
        email: 'x@example.org',
        password: ADMIN.password,
      },
    });
    assert.equal(again.status(), 401, 'the set-up code works once');

    // Creating an account is sensitive: once the sign-in is no longer recent, Haven asks for the password and
    // a fresh code first (ACC-4). The sign-in is made old here rather than waiting for it.
    await t.haven.db.query(`update staff_session set reauthenticated_at = now() - interval '1 day'`);
    await page.getByRole('link', { name: 'Staff accounts' }).first().click();
    await page.getByRole('heading', { name: 'Staff accounts' }).waitFor();
    await page.getByLabel('Email').fill(CLERK.email);
    await page.getByLabel('Role', { exact: true }).selectOption('clerk');
    await page.getByLabel('First password').fill(CLERK.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await accessible(page, 'reauth-dialog-en');
    await dialog.getByLabel('Password').fill(ADMIN.password);
    await dialog.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, adminSecret));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(`Account ${CLERK.email} created.`).waitFor();
    const enrolmentCode = (await page.locator('.alert-success code').textContent())!.trim();
    assert.match(enrolmentCode, /\S{6,}/);
    await accessible(page, 'accounts-en');
    for (const [link, heading, name] of [
      ['Purposes', 'Purposes', 'purposes-en'],
      ['Audit ledger', 'Audit ledger', 'ledger-en'],
    ] as const) {
      await page.getByRole('link', { name: link }).first().click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await accessible(page, name);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Haven' }).waitFor();
    await accessible(page, 'sign-in-en');

    // The clerk's first sign-in: password and enrolment code, then an authenticator app.
    await page.getByLabel('Email').fill(CLERK.email);
    await page.getByLabel('Password').fill(CLERK.password);
    await page.getByLabel(/first sign-in/).check();
    await page.getByRole('textbox', { name: 'Enrolment code' }).fill(enrolmentCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Use an authenticator app' }).click();
    clerkSecret = (await page.locator('code.secret').textContent())!.trim();
    await page.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, clerkSecret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: /I have kept them safe/ }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    assert.match((await page.locator('.account').textContent()) ?? '', /Registration clerk/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the clerk registers a person in Arabic, with the Arabic notice and consent', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, CLERK, clerkSecret);
    await switchToArabic(page);
    assert.equal(await page.evaluate('document.documentElement.lang'), 'ar');
    await accessible(page, 'home-clerk-ar');

    await page.locator('nav a[href="/register"]').click();
    await page.locator('input[name="purpose"][value="registration"]').check();
    const notice = page.locator('article.notice-text');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('dir'), 'rtl');
    assert.equal(await notice.getAttribute('lang'), 'ar');
    assert.match((await notice.textContent()) ?? '', /[\u0600-\u06FF]{3,}/, 'the notice is in Arabic');
    await page.locator('.consent-confirm input').check();
    await page.locator('input[name="given-name"]').fill('محمد');
    await page.locator('input[name="given-name-latin"]').fill('Mohammed');
    await page.locator('input[name="family-name"]').fill('الحسن');
    await page.locator('input[name="family-name-latin"]').fill('Al-Hassan');
    await page.locator('select[name="sex"]').selectOption('male');
    await page.locator('input[name="date-of-birth"]').fill('1987-03');
    await page.locator('input[name="nationality[0]"]').fill('SYR');
    await page.locator('input[name="phone"]').fill('+963 11 234 5678');
    await accessible(page, 'register-ar');

    // A field the server refuses gets its message next to it, and nothing is saved.
    await page.locator('input[name="phone"]').fill('12');
    await page.locator('form button[type="submit"]').click();
    await page.locator('.field-invalid input[name="phone"]').waitFor();
    assert.equal(await t.haven.db.query('select 1 from person').then((r) => r.rows.length), 0);
    await page.locator('input[name="phone"]').fill('+963 11 234 5678');
    await page.locator('form button[type="submit"]').click();
    await page.locator('.alert-success').waitFor();
    const link = await page.locator('main a[href^="/persons/"]').getAttribute('href');
    personId = /\/persons\/([0-9a-f-]{36})/.exec(link ?? '')![1]!;
    await accessible(page, 'registered-ar');

    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the clerk finds the person by a Latin spelling and opens the case for a purpose', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, CLERK, clerkSecret);
    await page.getByRole('link', { name: 'Find a person' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Muhammad Al Hasan');
    await page.getByRole('button', { name: 'Search' }).click();
    const match = page.locator(`.match a[href^="/persons/${personId}"]`);
    await match.waitFor();
    assert.match((await match.textContent()) ?? '', /محمد/);
    await accessible(page, 'search-en');
    await match.click();
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Mohammed/);
    // The consent is on record with the notice version and the language it was given in.
    await page.getByRole('heading', { name: 'Consent and legal basis' }).waitFor();
    assert.match(
      (await page.locator('table').first().textContent()) ?? '',
      /Given.*Notice \S+ in Arabic; In writing/,
    );
    await accessible(page, 'case-registration-en');

    // The person's card for the portal: the person types the PIN; the code is shown once, with its QR code.
    await page.getByRole('heading', { name: 'The person’s card' }).waitFor();
    await page.getByLabel('PIN chosen by the person').fill('4826');
    await page.getByRole('button', { name: 'Issue the card' }).click();
    const code = page.locator('.card-code');
    await code.waitFor();
    assert.match(
      (await code.textContent()) ?? '',
      /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z][0-9A-Z*~$=]$/,
    );
    await page.getByRole('img', { name: 'QR code of the card code' }).waitFor();
    await accessible(page, 'person-card-en');

    // Another purpose, with no consent recorded for it: every group is withheld, each with its reason.
    await page.getByLabel('Purpose', { exact: true }).selectOption('assistance-distribution');
    await page.getByRole('heading', { name: 'Information withheld, and why' }).waitFor();
    assert.ok((await page.locator('[data-reason="no-consent-or-legal-basis"]').count()) > 0);
    await accessible(page, 'case-withheld-en');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a correction proposed by the clerk is applied only after a supervisor approves it', async () => {
    const clerk = await openPage(browser, base);
    await signIn(clerk.page, CLERK, clerkSecret);
    await clerk.page.goto(`/persons/${personId}?purpose=registration`);
    await clerk.page.getByRole('button', { name: 'Propose a correction' }).click();
    await clerk.page.locator('form input[name="given-name-latin"]').fill('Muhammad');
    await clerk.page.getByLabel('Why is this a correction?').selectOption('document-shown');
    await clerk.page.getByRole('button', { name: 'Send for approval' }).click();
    await clerk.page.getByText('The correction was sent to a supervisor for approval.').waitFor();
    await clerk.page.reload();
    await clerk.page.getByRole('heading', { name: 'Details' }).waitFor();
    assert.match((await clerk.page.locator('main').textContent()) ?? '', /Mohammed/, 'not applied yet');

    const organisationId = (
      await t.haven.db.query<{ id: string }>(`select id from organisation where slug = 'haven-demo'`)
    ).rows[0]!.id;
    assert.ok(organisationId);
    const supervisor = await createStaff(t, { role: 'supervisor', org: 'haven-demo', tier: 2 });
    const boss = await staffPage(supervisor);
    await boss.page.getByRole('link', { name: 'Corrections' }).first().click();
    await boss.page.getByRole('button', { name: 'Review' }).click();
    await boss.page.getByRole('cell', { name: 'Muhammad' }).waitFor();
    await accessible(boss.page, 'corrections-en');
    await boss.page.getByRole('button', { name: 'Approve and apply' }).click();
    await boss.page.getByText('The correction was approved and applied.').waitFor();

    await clerk.page.reload();
    await clerk.page.getByRole('heading', { name: 'Details' }).waitFor();
    const text = (await clerk.page.locator('main').textContent()) ?? '';
    assert.match(text, /Muhammad/);
    assert.doesNotMatch(text, /Mohammed/);
    assert.deepEqual([...clerk.errors, ...boss.errors], []);
    await clerk.page.context().close();
    await boss.page.context().close();
  });

  test('break-glass: a caseworker outside the caseload opens the case with a banner and countdown, until it expires', async () => {
    const caseworker = await createStaff(t, { role: 'caseworker', org: 'haven-demo', tier: 2 });
    const { page, errors } = await staffPage(caseworker);
    await page.goto(`/persons/${personId}?purpose=registration`);
    await page.locator('[data-reason="not-in-caseload"]').first().waitFor();
    await page.getByRole('button', { name: 'Emergency access…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Emergency access' });
    await dialog
      .getByLabel('Why is emergency access needed now?')
      .fill('Reported missing after a flood; the family is asking the police for help');
    await dialog.getByLabel('For how long?').selectOption('15');
    await accessible(page, 'break-glass-dialog-en');
    await dialog.getByRole('button', { name: 'Start emergency access' }).click();
    // Starting emergency access asks for the password and a fresh code (ACC-4) when the sign-in is not recent.
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    if (await reauth.isVisible().catch(() => false)) {
      await reauth.getByLabel('Password').fill(GOOD_PASSWORD);
      await reauth
        .getByLabel('6-digit code from your authenticator app')
        .fill(freshCode(t, base32(caseworker.totpSecret)));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    const banner = page.getByRole('region', { name: 'Emergency access' });
    await banner.waitFor();
    assert.match((await banner.locator('.countdown').textContent()) ?? '', /Ends in 1[45]:\d\d/);
    await page.locator('.tag-danger').waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Muhammad/);
    await accessible(page, 'break-glass-active-en');

    // Time runs out: the grant's end passes, and both the banner and the access go.
    await t.haven.db.query(
      `update break_glass set starts_at = now() - interval '2 hours', ends_at = now() - interval '1 minute' where person_id = $1`,
      [personId],
    );
    await page.evaluate("window.dispatchEvent(new Event('haven:break-glass'))");
    await banner.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('[data-reason="not-in-caseload"]').first().waitFor();
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Muhammad/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('withdrawing consent takes effect at the next access, and the case view says why', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, CLERK, clerkSecret);
    await page.goto(`/persons/${personId}?purpose=registration`);
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    await page.getByRole('button', { name: 'Withdraw consent: Registration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw consent' });
    await accessible(page, 'withdraw-dialog-en');
    await dialog.getByRole('button', { name: 'Withdraw consent' }).click();
    await page.getByText('Consent withdrawn for "Registration".').waitFor();
    await page.locator('[data-reason="consent-withdrawn"]').first().waitFor();
    assert.doesNotMatch((await page.locator('.group-values').allTextContents()).join(' '), /Muhammad/);
    assert.match((await page.locator('table').first().textContent()) ?? '', /Withdrawn/);
    await accessible(page, 'case-consent-withdrawn-en');

    // The same page in Arabic: mirrored, with the reasons in Arabic.
    await switchToArabic(page);
    await page.locator('[data-reason="consent-withdrawn"]').first().waitFor();
    assert.match(
      (await page.locator('[data-reason="consent-withdrawn"]').first().textContent()) ?? '',
      /[\u0600-\u06FF]/,
    );
    await accessible(page, 'case-consent-withdrawn-ar');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the session ends while a form is half-filled: signing in again keeps the work', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, CLERK, clerkSecret);
    await page.goto('/search');
    await page.getByLabel('Name', { exact: true }).fill('Muhammad');
    await t.haven.db.query('delete from staff_session');
    await page.getByRole('button', { name: 'Search' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in again to continue' });
    await dialog.waitFor();
    await dialog.getByLabel('Password').fill(CLERK.password);
    await dialog.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, clerkSecret));
    await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
    await page.locator(`.match a[href^="/persons/${personId}"]`).waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Muhammad');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a passkey is registered on the account page and then signs the clerk in instead of a code', async () => {
    // Passkeys need a host name, not an IP address: the same server, reached as localhost (Haven's default origin).
    const { page, errors } = await openPage(browser, base.replace('127.0.0.1', 'localhost'));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await signIn(page, CLERK, clerkSecret);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    if (await reauth.isVisible().catch(() => false)) {
      await reauth.getByLabel('Password').fill(CLERK.password);
      await reauth.getByLabel('6-digit code from your authenticator app').fill(freshCode(t, clerkSecret));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await page.getByText('Passkey added.').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds one credential');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(CLERK.email);
    await page.getByLabel('Password').fill(CLERK.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    const { rows } = await t.haven.db.query<{ factor: string }>(
      `select s.factor from staff_session s join staff_account a on a.id = s.account_id
        where a.email = $1 order by s.created_at desc limit 1`,
      [CLERK.email],
    );
    assert.equal(rows[0]?.factor, 'passkey', 'the new session was completed with the passkey');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the first page loads under 300 kB of compressed JavaScript, all of it from Haven', async () => {
    const { page, errors } = await openPage(browser, base);
    const scripts: { url: string; bytes: number; encoding: string }[] = [];
    const foreign: string[] = [];
    page.on('requestfinished', async (request) => {
      if (!request.url().startsWith(base)) foreign.push(request.url());
      if (request.resourceType() !== 'script') return;
      const response = await request.response();
      scripts.push({
        url: request.url(),
        bytes: (await request.sizes()).responseBodySize,
        encoding: (await response?.headerValue('content-encoding')) ?? 'none',
      });
    });
    await page.goto('/');
    await page.getByLabel('Email').waitFor();
    await page.waitForLoadState('networkidle');
    const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
    assert.ok(scripts.length > 0, 'scripts were loaded');
    assert.ok(total > 10_000 && total < 300_000, `first page JavaScript: ${total} bytes compressed`);
    assert.ok(
      scripts.every((s) => s.encoding === 'br' || s.encoding === 'gzip'),
      JSON.stringify(scripts),
    );
    assert.deepEqual(foreign, [], 'nothing is fetched from anywhere but Haven');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the DPO reviews the emergency access and reads who looked at the record', async () => {
    const dpo = await createStaff(t, { role: 'dpo', org: 'haven-demo', tier: 4 });
    const { page, errors } = await staffPage(dpo);
    await page.getByRole('link', { name: 'Emergency access review' }).first().click();
    await page.getByRole('heading', { name: 'Emergency access to review' }).waitFor();
    await page.getByRole('button', { name: 'Read the justification' }).first().click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    if (await reauth.isVisible().catch(() => false)) {
      await reauth.getByLabel('Password').fill(GOOD_PASSWORD);
      await reauth
        .getByLabel('6-digit code from your authenticator app')
        .fill(freshCode(t, base32(dpo.totpSecret)));
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await page.getByText('Reported missing after a flood').waitFor();
    await accessible(page, 'break-glass-review-en');

    // AUD-5: who looked — organisation and role, when, why — never the name of a colleague.
    await page.goto(`/persons/${personId}?purpose=registration`);
    const history = page.getByRole('region', { name: 'Who looked at this record' });
    await history.waitFor();
    const text = (await history.textContent()) ?? '';
    assert.match(text, /Haven Demo/);
    assert.match(text, /Caseworker/);
    assert.doesNotMatch(text, /@example\.org/);
    await accessible(page, 'access-history-en');

    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await accessible(page, 'account-en');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a clerk switches to Arabic mid-search without losing what was typed; the page is mirrored', async () => {
    const { page, errors } = await openPage(browser, base);
    await signIn(page, CLERK, clerkSecret);
    await page.goto('/search');
    await page.getByLabel('Name', { exact: true }).fill('محمد');
    await page.getByLabel('Date of birth').fill('1987');
    await switchToArabic(page);
    await page.getByRole('heading', { name: 'البحث عن شخص' }).waitFor();
    assert.equal(await page.getByLabel('الاسم', { exact: true }).inputValue(), 'محمد', 'the name is kept');
    assert.equal(await page.getByLabel('تاريخ الميلاد').inputValue(), '1987', 'the date is kept');
    await page.getByLabel('تاريخ الميلاد').fill('');
    await page.getByRole('button', { name: 'بحث', exact: true }).click();
    await page.locator(`.match a[href^="/persons/${personId}"]`).waitFor();
    await accessible(page, 'search-ar');
    // The search form sits on the right in a right-to-left page.
    const box = await page.locator('main h1').boundingBox();
    assert.ok(box && box.x + box.width > 640, 'the heading is aligned to the right');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('every page was checked with axe-core', () => {
    for (const name of [
      'setup-en',
      'sign-in-en',
      'enrol-en',
      'home-admin-en',
      'home-clerk-ar',
      'register-ar',
      'search-en',
      'case-withheld-en',
      'corrections-en',
      'accounts-en',
      'purposes-en',
      'ledger-en',
      'break-glass-active-en',
      'case-consent-withdrawn-ar',
      'break-glass-review-en',
      'access-history-en',
      'account-en',
      'search-ar',
    ]) {
      assert.ok(pagesChecked.includes(name), `${name} was checked`);
    }
  });
});

function base32(bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}
