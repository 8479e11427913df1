import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importPeople, type LineProblem } from '../../src/workflows/bulk-import.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, actor, CONSENT } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, organisation, signedIn } from '../support/staff.ts';

/** Privacy notices over HTTP (LNG-1), and consent that must name one of them (PUR-3). */

const TRACING = 'family-tracing-reunification';

interface NoticeReply {
  purpose: string;
  version: string;
  current: boolean;
  language: string;
  direction: string;
  title: string;
  paragraphs: string[];
  languages: { tag: string; name: string; direction: string }[];
}

for (const kind of testDatabaseKinds()) {
  describe(`privacy notices (${kind})`, () => {
    let t: TestHaven;
    let clerk: Actor;
    before(async () => {
      t = await startTestHaven(kind);
      const staff = await createStaff(t, { role: 'clerk', tier: 2, org: 'notices-org' });
      clerk = actor(staff, await signedIn(t, staff));
    });
    after(() => t.close());

    /** What a refused request may leave behind: only its deny events in the ledger (AUD-1). */
    async function counts() {
      const { rows } = await t.database.db.query<{
        persons: number;
        bases: number;
        events: number;
        denials: number;
      }>(
        `select (select count(*)::int from person) as persons,
                (select count(*)::int from processing_basis) as bases,
                (select count(*)::int from audit_event where convert_from(body, 'UTF8')::jsonb->>'decision' <> 'deny') as events,
                (select count(*)::int from audit_event where convert_from(body, 'UTF8')::jsonb->>'reason' = 'notice-version-unknown') as denials`,
      );
      return rows[0]!;
    }

    test('the list gives each purpose’s current version, the versions kept and the languages', async () => {
      const reply = await clerk.client.get<{
        notices: { purpose: string; version: string; versions: string[]; languages: string[] }[];
      }>('/api/notices');
      assert.equal(reply.status, 200, reply.text);
      const registration = reply.body.notices.find((n) => n.purpose === 'registration');
      assert.deepEqual(registration, {
        purpose: 'registration',
        version: '2026-11',
        versions: ['2026-11'],
        languages: ['en', 'fr', 'ar', 'es', 'uk', 'fa-AF'],
      });
      assert.ok(reply.body.notices.some((n) => n.purpose === 'statistics'));
      assert.ok(!reply.body.notices.some((n) => n.purpose === 'immigration-enforcement'));
    });

    test('a notice in Arabic is right-to-left and lists every language by its own name', async () => {
      const reply = await clerk.client.get<NoticeReply>('/api/notices/registration?language=ar');
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers['content-language'], 'ar');
      const { paragraphs, languages, ...rest } = reply.body;
      assert.deepEqual(rest, {
        purpose: 'registration',
        version: '2026-11',
        current: true,
        language: 'ar',
        direction: 'rtl',
        title: 'تسجيلك',
      });
      assert.ok(paragraphs.length >= 8 && paragraphs.every((p) => /\p{Script=Arabic}/u.test(p)));
      assert.deepEqual(
        languages.map((l) => [l.tag, l.name, l.direction]),
        [
          ['en', 'English', 'ltr'],
          ['fr', 'Français', 'ltr'],
          ['ar', 'العربية', 'rtl'],
          ['es', 'Español', 'ltr'],
          ['uk', 'Українська', 'ltr'],
          ['fa-AF', 'دری', 'rtl'],
        ],
      );
    });

    test('fa and prs are answered in Dari, a regional tag in its language, no language in English', async () => {
      for (const [asked, given] of [
        ['fa', 'fa-AF'],
        ['prs', 'fa-AF'],
        ['fa-af', 'fa-AF'],
        ['uk-UA', 'uk'],
        ['es-419', 'es'],
      ]) {
        const reply = await clerk.client.get<NoticeReply>(`/api/notices/${TRACING}?language=${asked}`);
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.body.language, given, asked);
      }
      const english = await clerk.client.get<NoticeReply>('/api/notices/statistics');
      assert.equal(english.body.language, 'en');
      assert.equal(english.body.direction, 'ltr');
    });

    test('an unknown purpose or version is 404, an unknown language 400, each with a stable code', async () => {
      const unknown = await clerk.client.get('/api/notices/no-such-purpose');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'notice-not-found');
      const prohibited = await clerk.client.get('/api/notices/immigration-enforcement');
      assert.equal(prohibited.body.code, 'notice-not-found');
      const version = await clerk.client.get('/api/notices/registration?version=2020-01');
      assert.equal(version.status, 404);
      assert.equal(version.body.code, 'notice-version-not-found');
      const old = await clerk.client.get<NoticeReply>('/api/notices/registration?version=2026-11');
      assert.equal(old.body.version, '2026-11');
      for (const language of ['so', 'not a tag', 'zz-ZZ']) {
        const reply = await clerk.client.get(
          `/api/notices/registration?language=${encodeURIComponent(language)}`,
        );
        assert.equal(reply.status, 400, language);
        assert.equal(reply.body.code, 'notice-language-unavailable');
        const { requestId: _, ...error } = reply.body;
        assert.ok(!JSON.stringify(error).includes(language), 'the error does not repeat what was sent');
        assert.match(String(reply.body.message), /en, fr, ar, es, uk, fa-AF/);
      }
    });

    test('registration with an unknown notice version is refused and writes nothing', async () => {
      const before = await counts();
      for (const noticeVersion of ['2024-01', '2026-12', 'latest']) {
        const reply = await clerk
          .as('registration')
          .post('/api/persons', { values: { ...KNOWN_PEOPLE[0] }, basis: { ...CONSENT, noticeVersion } });
        assert.equal(reply.status, 422, reply.text);
        assert.equal(reply.body.code, 'notice-version-unknown');
        assert.deepEqual(
          (reply.body.fields as { path: string; code: string }[]).map((f) => [f.path, f.code]),
          [['basis/noticeVersion', 'unknown']],
        );
        const { requestId: _, ...error } = reply.body;
        assert.ok(!JSON.stringify(error).includes(noticeVersion));
      }
      assert.deepEqual(
        await counts(),
        { ...before, denials: before.denials + 3 },
        'no person, no basis row, no ledger event but the three refusals',
      );
    });

    test('adding consent with an unknown notice version is refused and writes nothing', async () => {
      const registered = await clerk
        .as('registration')
        .post('/api/persons', { values: { ...KNOWN_PEOPLE[1] }, basis: CONSENT });
      assert.equal(registered.status, 201, registered.text);
      const id = registered.body.id as string;
      const before = await counts();
      const refused = await clerk.as('registration').post(`/api/persons/${id}/consents`, {
        purpose: TRACING,
        basis: { ...CONSENT, noticeVersion: '2025-06' },
      });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.code, 'notice-version-unknown');
      assert.deepEqual(await counts(), { ...before, denials: before.denials + 1 });
      // Another basis than consent names no notice.
      const vital = await clerk.as('registration').post(`/api/persons/${id}/consents`, {
        purpose: TRACING,
        basis: {
          kind: 'vital-interest',
          justification: 'A child alone, searching for the parents to protect them.',
        },
      });
      assert.equal(vital.status, 201, vital.text);
    });

    test('consent names a version of the purpose’s notice, and the language is kept as given', async () => {
      // The witness is a colleague: the recorder cannot witness their own record (PUR-3).
      const witness = await createStaff(t, { role: 'caseworker', tier: 2, org: 'notices-org' });
      const registered = await clerk.as('registration').post('/api/persons', {
        values: { ...KNOWN_PEOPLE[2] },
        basis: {
          ...CONSENT,
          noticeLanguage: 'so',
          method: 'oral-with-witness',
          witnessAccountId: witness.id,
        },
      });
      assert.equal(registered.status, 201, registered.text);
      const id = registered.body.id as string;
      const given = await clerk.as('registration').post(`/api/persons/${id}/consents`, {
        purpose: TRACING,
        basis: { ...CONSENT, noticeLanguage: 'fa-AF' },
      });
      assert.equal(given.status, 201, given.text);
      const history = await clerk.as('registration').get(`/api/persons/${id}/consents`);
      const entries = history.body.entries as { purpose: string; details: Record<string, unknown> }[];
      assert.deepEqual(
        entries.map((e) => [e.purpose, e.details.noticeVersion, e.details.noticeLanguage]).sort(),
        [
          [TRACING, '2026-11', 'fa-AF'],
          ['registration', '2026-11', 'so'],
        ],
      );
    });

    test('a bulk import line with an unknown notice version is reported and writes nothing', async () => {
      const org = await organisation(t, 'notices-org');
      const line = (ref: string, noticeVersion: string) =>
        JSON.stringify({
          ref,
          values: { 'given-name': 'Amina', sex: 'female', 'estimated-age': 30, nationality: ['SOM'] },
          basis: { kind: 'consent', noticeVersion, noticeLanguage: 'so', method: 'written' },
        });
      const file = path.join(tempDir(), 'people.jsonl');
      writeFileSync(file, `${[line('old-notice', '2024-01'), line('current', '2026-11')].join('\n')}\n`);
      const before = await counts();
      const problems: LineProblem[] = [];
      const summary = await importPeople(t.haven.gate, {
        organisationId: org,
        purpose: 'registration',
        file,
        onProblem: (p) => problems.push(p),
      });
      assert.deepEqual(
        problems.map((p) => [p.line, p.ref, p.code, p.fields?.map((f) => `${f.path}:${f.code}`)]),
        [[1, 'old-notice', 'notice-version-unknown', ['basis/noticeVersion:unknown']]],
      );
      assert.equal(summary.imported, 1);
      const afterCounts = await counts();
      assert.equal(afterCounts.persons - before.persons, 1, 'only the good line is a person');
      assert.equal(afterCounts.bases - before.bases, 1);
    });
  });
}
