import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import type { FieldProblem } from '../../src/domain/errors.ts';
import { HavenError } from '../../src/domain/errors.ts';
import {
  buildNotices,
  isNoticeVersion,
  LANGUAGES_FILE,
  type NoticeFile,
  needsNotice,
  REQUIRED_NOTICE_LANGUAGES,
} from '../../src/domain/notices/index.ts';
import { loadNotices, SHIPPED_NOTICES } from '../../src/haven.ts';
import { startTestHaven, tempDir } from '../support/haven.ts';
import { dictionary } from '../support/records.ts';

const FOLDER = fileURLToPath(SHIPPED_NOTICES);

/** The shipped notices folder as the loader reads it, to break one file at a time. */
function shippedFiles(): { languages: NoticeFile; notices: NoticeFile[] } {
  const read = (relative: string) => ({
    path: relative,
    text: readFileSync(path.join(FOLDER, relative), 'utf8'),
  });
  const notices = readdirSync(FOLDER, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(path.join(FOLDER, entry.name)).map((name) => read(`${entry.name}/${name}`)),
    );
  return { languages: read(LANGUAGES_FILE), notices };
}

const shipped = buildNotices(shippedFiles(), dictionary);

/** Edits one notice file's text (the first match must exist) and returns the problems the loader reports. */
function problemsAfter(
  edit: (files: { languages: NoticeFile; notices: NoticeFile[] }) => void,
): readonly (FieldProblem & { line?: number })[] {
  const files = shippedFiles();
  edit(files);
  try {
    buildNotices(files, dictionary);
  } catch (error) {
    assert.ok(error instanceof HavenError);
    assert.equal(error.code, 'notices-invalid');
    assert.equal(error.status, 422);
    return error.fields ?? [];
  }
  assert.fail('the broken notices loaded');
}

function replaceIn(files: { notices: NoticeFile[] }, file: string, from: string | RegExp, to: string): void {
  const index = files.notices.findIndex((f) => f.path === file);
  const original = files.notices[index]!;
  const text = original.text.replace(from, to);
  assert.notEqual(text, original.text, `the edit of ${file} changed nothing`);
  files.notices[index] = { path: original.path, text };
}

describe('the shipped privacy notices', () => {
  test('every purpose that needs a notice has one; prohibited purposes have none (LNG-1, PUR-2)', () => {
    const needing = dictionary.purposes.filter(needsNotice).map((p) => p.name);
    assert.deepEqual(shipped.purposes, needing);
    assert.deepEqual(needing, [
      'registration',
      'protection-case-management',
      'assistance-distribution',
      'family-tracing-reunification',
      'resettlement-referral',
      'statistics',
      'biometric-deduplication',
    ]);
    for (const purpose of dictionary.purposes.filter((p) => p.prohibited)) {
      assert.deepEqual(shipped.versions(purpose.name), [], purpose.name);
    }
  });

  test('each is complete in English, French, Arabic, Spanish, Ukrainian and Dari, paragraph for paragraph', () => {
    for (const purpose of shipped.purposes) {
      const notice = shipped.find(purpose)!;
      assert.equal(notice.version, '2026-11');
      assert.ok(isNoticeVersion(notice.version));
      const english = notice.texts.get('en')!;
      for (const tag of REQUIRED_NOTICE_LANGUAGES) {
        const text = notice.texts.get(tag);
        assert.ok(text, `${purpose} ${tag}`);
        assert.ok(text.title.trim().length > 0, `${purpose} ${tag} title`);
        assert.equal(text.paragraphs.length, english.paragraphs.length, `${purpose} ${tag}`);
        for (const paragraph of text.paragraphs) assert.ok(paragraph.trim().length > 0, `${purpose} ${tag}`);
      }
    }
  });

  test('each language is written in its own script: no English left in a translation', () => {
    const script: Record<string, RegExp> = {
      ar: /^[\p{Script=Arabic}\p{M}\p{P}\p{Zs}\d]+$/u,
      'fa-AF': /^[\p{Script=Arabic}\p{M}\p{P}\p{Zs}\d\u200c]+$/u,
      uk: /^[\p{Script=Cyrillic}\p{M}\p{P}\p{Zs}\d]+$/u,
    };
    for (const purpose of shipped.purposes) {
      const notice = shipped.find(purpose)!;
      for (const [tag, pattern] of Object.entries(script)) {
        const text = notice.texts.get(tag)!;
        for (const line of [text.title, ...text.paragraphs]) assert.match(line, pattern, `${purpose} ${tag}`);
      }
      // The Latin-script translations differ from the English text, paragraph by paragraph.
      const english = notice.texts.get('en')!.paragraphs;
      for (const tag of ['fr', 'es']) {
        const translated = notice.texts.get(tag)!.paragraphs;
        for (const [i, paragraph] of translated.entries()) {
          assert.notEqual(paragraph, english[i], `${purpose} ${tag} ${i}`);
        }
      }
    }
  });

  test('each says what the person must hear: never to the country fled, never sold, their rights, how to ask', () => {
    for (const purpose of shipped.purposes) {
      const text = shipped.find(purpose)!.texts.get('en')!.paragraphs.join(' ');
      assert.match(text, /government of the country you fled/, purpose);
      assert.match(text, /never sell/, purpose);
      assert.match(text, /see what we keep about you/, purpose);
      assert.match(text, /correct it/, purpose);
      assert.match(text, /delete it/, purpose);
      assert.match(text, /who looked at/, purpose);
      assert.match(text, /talk to any of our staff/, purpose);
      const definition = dictionary.purpose(purpose)!;
      if (definition.consentRequired) {
        assert.match(text, /You can say no/, purpose);
        assert.match(text, /take back your agreement/, purpose);
      } else {
        assert.match(text, /do not ask for your agreement/, purpose);
        assert.match(text, /never show who anyone is/, purpose);
      }
    }
  });

  test('Arabic and Dari are right-to-left, and every language is named in itself', () => {
    assert.deepEqual(
      shipped.languages.map((l) => [l.tag, l.name, l.direction]),
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

  test('a requested tag finds its language: fa and prs give Dari, ar-SY Arabic; others nothing', () => {
    const notice = shipped.find('registration')!;
    const resolved = (tag: string) => shipped.resolveLanguage(notice, tag)?.tag;
    assert.equal(resolved('fa-AF'), 'fa-AF');
    assert.equal(resolved('fa'), 'fa-AF');
    assert.equal(resolved('prs'), 'fa-AF');
    assert.equal(resolved('FA-af'), 'fa-AF');
    assert.equal(resolved('ar-SY'), 'ar');
    assert.equal(resolved('en-GB'), 'en');
    assert.equal(resolved('ukr'), 'uk');
    assert.equal(resolved('so'), undefined);
    assert.equal(resolved(''), undefined);
    assert.equal(resolved('not a tag'), undefined);
  });
});

describe('broken notice files', () => {
  test('a missing language is refused with its code, file and line', () => {
    const problems = problemsAfter((files) =>
      replaceIn(files, 'statistics/2026-11.yaml', /\n {2}# Ukrainian\n {2}uk:[\s\S]*?(?=\n {2}# Dari)/, ''),
    );
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['notice-language-missing', 'languages']],
    );
    assert.match(
      problems[0]!.message,
      /^statistics\/2026-11\.yaml line \d+, languages: "uk" is required \(LNG-1\)$/,
    );
  });

  test('an empty title or paragraph is refused', () => {
    const problems = problemsAfter((files) => {
      replaceIn(files, 'registration/2026-11.yaml', 'title: Votre enregistrement', 'title: ""');
      replaceIn(
        files,
        'assistance-distribution/2026-11.yaml',
        /(\n {2}es:[\s\S]*?paragraphs:\n {6}- )>-\n(?: {8}[^\n]+\n)+/,
        '$1""\n',
      );
    });
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [
        ['value-wrong-kind', 'languages.es.paragraphs[0]'],
        ['value-wrong-kind', 'languages.fr.title'],
      ],
    );
  });

  test('a translation that drops a paragraph is refused', () => {
    const problems = problemsAfter((files) =>
      replaceIn(
        files,
        'resettlement-referral/2026-11.yaml',
        /(\n {2}uk:[\s\S]*?paragraphs:\n)( {6}- >-\n(?: {8}[^\n]+\n)+)/,
        '$1',
      ),
    );
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['notice-paragraphs-mismatch', 'languages.uk.paragraphs']],
    );
  });

  test('a notice for an unknown or prohibited purpose, or saved under another name, is refused', () => {
    const copy = (files: { notices: NoticeFile[] }, from: string, purpose: string, version = '2026-11') => {
      const source = files.notices.find((f) => f.path === from)!;
      files.notices.push({
        path: `${purpose}/${version}.yaml`,
        text: source.text.replace(/^purpose: .*$/m, `purpose: ${purpose}`),
      });
    };
    const problems = problemsAfter((files) => {
      copy(files, 'statistics/2026-11.yaml', 'bingo-night');
      copy(files, 'statistics/2026-11.yaml', 'commercial-use');
      files.notices.push({
        path: 'statistics/2027-01.yaml',
        text: files.notices.find((f) => f.path === 'statistics/2026-11.yaml')!.text,
      });
    });
    assert.deepEqual(problems.map((p) => [p.code, p.path]).sort(), [
      ['notice-path-mismatch', 'statistics/2027-01.yaml'],
      ['notice-purpose-prohibited', 'commercial-use/2026-11.yaml'],
      ['notice-purpose-unknown', 'bingo-night/2026-11.yaml'],
    ]);
  });

  test('a purpose without a notice is refused', () => {
    const problems = problemsAfter((files) => {
      files.notices = files.notices.filter((f) => !f.path.startsWith('resettlement-referral/'));
    });
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['notice-missing', 'resettlement-referral']],
    );
  });

  test('a language not in languages.yaml, a bad version and a missing required language there are refused', () => {
    const problems = problemsAfter((files) => {
      replaceIn(files, 'registration/2026-11.yaml', '\n  fa-AF:\n', '\n  fa-af:\n');
      replaceIn(files, 'statistics/2026-11.yaml', 'version: "2026-11"', 'version: "november"');
      files.languages = {
        path: files.languages.path,
        text: files.languages.text.replace(/\n {2}es:\n[^\n]+\n[^\n]+/, ''),
      };
    });
    const codes = problems.map((p) => p.code);
    assert.ok(codes.includes('language-required'), codes.join());
    assert.ok(codes.includes('notice-version-invalid'), codes.join());
    const unknown = problems.find((p) => p.path === 'languages.fa-af')!;
    assert.equal(unknown.code, 'notice-language-unknown');
    assert.match(
      unknown.message,
      /registration\/2026-11\.yaml line \d+, languages\.fa-af: write the tag as "fa-AF"/,
    );
  });

  test('older versions are kept, newest first, and any of them can be found', () => {
    const files = shippedFiles();
    const current = files.notices.find((f) => f.path === 'registration/2026-11.yaml')!;
    files.notices.push({
      path: 'registration/2027-02.yaml',
      text: current.text.replace('"2026-11"', '"2027-02"'),
    });
    files.notices.push({
      path: 'registration/2027-02.2.yaml',
      text: current.text.replace('"2026-11"', '"2027-02.2"'),
    });
    const notices = buildNotices(files, dictionary);
    assert.deepEqual(notices.versions('registration'), ['2027-02.2', '2027-02', '2026-11']);
    assert.equal(notices.find('registration')?.version, '2027-02.2');
    assert.equal(notices.find('registration', '2026-11')?.version, '2026-11');
    assert.equal(notices.find('registration', '2025-01'), undefined);
  });

  test('a broken notices folder stops Haven at start, naming the setting, the file and the line', async () => {
    const dir = tempDir('haven-notices-');
    cpSync(FOLDER, dir, { recursive: true });
    const file = path.join(dir, 'biometric-deduplication', '2026-11.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/\n {2}# French\n {2}fr:/, '\n  # French\n  fr-XX:'),
    );
    const config = loadConfig({ HAVEN_DATA_DIR: tempDir(), HAVEN_NOTICES_DIR: dir }, tempDir());
    assert.throws(
      () => loadNotices(config, dictionary),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.setting === 'HAVEN_NOTICES_DIR' &&
        /biometric-deduplication\/2026-11\.yaml line \d+, languages\.fr-XX: not in languages\.yaml/.test(
          error.message,
        ),
    );
    await assert.rejects(startTestHaven('pglite', { HAVEN_NOTICES_DIR: dir }), ConfigError);
    const missing = loadConfig({ HAVEN_DATA_DIR: tempDir(), HAVEN_NOTICES_DIR: tempDir() }, tempDir());
    assert.throws(
      () => loadNotices(missing, dictionary),
      /HAVEN_NOTICES_DIR: cannot read .* \(it needs languages\.yaml\)/,
    );
  });
});
