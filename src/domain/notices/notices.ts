/**
 * The privacy notices (LNG-1, PUR-3): for each purpose, its versions, newest first, each in every language it
 * was written in. Built from the notice files and checked against the dictionary at start, like the dictionary
 * itself: a purpose people can be asked to agree to, or whose other legal basis they must be told about, has a
 * notice; every notice is complete in the LNG-1 languages. Pure: the caller reads the files.
 */
import type { Dictionary } from '../dictionary/index.ts';
import type { DictionaryProblem } from '../dictionary/yaml-reader.ts';
import { newReader, type Reader } from '../dictionary/yaml-reader.ts';
import { HavenError } from '../errors.ts';
import { type NoticeLanguage, readLanguages, resolveLanguage } from './languages.ts';
import { compareVersionsNewestFirst, type Notice, readNotice } from './parse.ts';

/** A file of the notices folder: its path relative to that folder (`registration/2026-11.yaml`) and its text. */
export interface NoticeFile {
  readonly path: string;
  readonly text: string;
}

export const LANGUAGES_FILE = 'languages.yaml';

export interface Notices {
  readonly languages: readonly NoticeLanguage[];
  /** Purposes that have a notice, in the dictionary's order. */
  readonly purposes: readonly string[];
  /** A purpose's versions, newest (current) first; empty when it has none. */
  versions(purpose: string): readonly string[];
  /** The given version, or the current one. */
  find(purpose: string, version?: string): Notice | undefined;
  /** The languages a notice is written in, as listed in languages.yaml. */
  languagesOf(notice: Notice): readonly NoticeLanguage[];
  /** The language of the notice that a requested tag means (`ar-SY` → `ar`, `fa`/`prs` → `fa-AF`). */
  resolveLanguage(notice: Notice, requested: string): NoticeLanguage | undefined;
}

/** A purpose needs a notice when people may be asked to agree to it or are told of another basis (PUR-3, PUR-5). */
export function needsNotice(purpose: Dictionary['purposes'][number]): boolean {
  return !purpose.prohibited && (purpose.consentRequired || purpose.legalBases.length > 0);
}

/**
 * Builds and checks the notices. Throws `HavenError('notices-invalid', status 422)` listing every problem in
 * `fields`; each problem's code is stable (`notice-missing`, `notice-purpose-unknown`, `notice-language-missing`,
 * `notice-path-mismatch`, …) and its message names the file and line.
 */
export function buildNotices(
  files: { languages: NoticeFile; notices: readonly NoticeFile[] },
  dictionary: Dictionary,
): Notices {
  const readers: Reader[] = [];
  const languagesReader = newReader(files.languages.path, 'notice');
  readers.push(languagesReader);
  const languages = readLanguages(languagesReader, files.languages.text);
  const byPurpose = new Map<string, Notice[]>();
  const crossProblems: DictionaryProblem[] = [];
  // In path order, so problems and versions come out the same whatever order the folder was listed in.
  for (const file of [...files.notices].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const reader = newReader(file.path, 'notice');
    readers.push(reader);
    const notice = readNotice(reader, file.text, languages);
    if (notice === undefined) continue;
    const expected = `${notice.purpose}/${notice.version}.yaml`;
    if (file.path !== expected) {
      crossProblems.push(problem(file.path, 'notice-path-mismatch', `must be saved as ${expected}`));
      continue;
    }
    const purpose = dictionary.purpose(notice.purpose);
    if (purpose === undefined) {
      crossProblems.push(
        problem(
          file.path,
          'notice-purpose-unknown',
          `"${notice.purpose}" is not a purpose of the dictionary`,
        ),
      );
      continue;
    }
    if (purpose.prohibited) {
      crossProblems.push(
        problem(file.path, 'notice-purpose-prohibited', `"${notice.purpose}" is prohibited (PUR-2)`),
      );
      continue;
    }
    byPurpose.set(notice.purpose, [...(byPurpose.get(notice.purpose) ?? []), notice]);
  }
  for (const purpose of dictionary.purposes) {
    if (needsNotice(purpose) && !byPurpose.has(purpose.name)) {
      crossProblems.push(
        problem(
          purpose.name,
          'notice-missing',
          `purpose "${purpose.name}" has no privacy notice; add ${purpose.name}/YYYY-MM.yaml (LNG-1)`,
        ),
      );
    }
  }
  const problems = [...readers.flatMap((r) => r.problems), ...crossProblems];
  if (problems.length > 0) throw noticesInvalid(problems);
  for (const list of byPurpose.values())
    list.sort((a, b) => compareVersionsNewestFirst(a.version, b.version));
  return noticeSet(languages, dictionary, byPurpose);
}

function noticeSet(
  languages: readonly NoticeLanguage[],
  dictionary: Dictionary,
  byPurpose: ReadonlyMap<string, readonly Notice[]>,
): Notices {
  const languagesOf = (notice: Notice) => languages.filter((l) => notice.texts.has(l.tag));
  return {
    languages,
    purposes: dictionary.purposes.map((p) => p.name).filter((name) => byPurpose.has(name)),
    versions: (purpose) => (byPurpose.get(purpose) ?? []).map((n) => n.version),
    find(purpose, version) {
      const list = byPurpose.get(purpose) ?? [];
      return version === undefined ? list[0] : list.find((n) => n.version === version);
    },
    languagesOf,
    resolveLanguage: (notice, requested) => resolveLanguage(languagesOf(notice), requested),
  };
}

function problem(source: string, code: string, detail: string): DictionaryProblem {
  return { path: source, code, message: `${source}: ${detail}`, line: 0, column: 0 };
}

function noticesInvalid(problems: readonly DictionaryProblem[]): HavenError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
  return new HavenError('notices-invalid', `Privacy notices: ${first?.message}${more}`, {
    status: 422,
    fields: problems,
  });
}
