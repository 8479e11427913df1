import type { Dictionary } from '../domain/dictionary/index.ts';
import type { AuditEvent } from '../ledger/events.ts';

/**
 * Which ledger events exposed a person's data to whoever acted (BRE-3), and which categories (MIN-1) they exposed.
 * Each entry is an action of the gate that returns or sends values; the ledger names the field groups it let
 * through. Only `allow` events count: a `deny` event records that nothing was given. See
 * docs/decisions/0017-affected-people-from-the-ledger.md for what is left out and why.
 */

/** How the data left: read on screen, shown as a search hit, in an access answer, released or confirmed to a partner. */
export const EXPOSURE_KINDS = ['read', 'search', 'access-answer', 'release', 'verification'] as const;
export type ExposureKind = (typeof EXPOSURE_KINDS)[number];

/**
 * Categories the ledger cannot name: an event that exposed data without listing its field groups (the review of
 * an access answer, which shows the whole package). Counted as its own bucket rather than guessed.
 */
export const UNRECORDED = 'not-recorded';

interface ExposingAction {
  kind: ExposureKind;
  /**
   * The read kept only the fields the event's purpose may use (MIN-1, src/gate/read.ts and search.ts): the
   * categories are those fields'. Otherwise every field of the group counts (the safe side for a notice).
   */
  byPurpose: boolean;
  /** The event lists no field groups although values were shown. */
  groupsUnrecorded?: boolean;
}

export const EXPOSING_ACTIONS: Readonly<Record<string, ExposingAction>> = {
  // src/gate/read.ts: the groups decided and decrypted, minimised to the purpose.
  'person.read': { kind: 'read', byPurpose: true },
  'person.read-break-glass': { kind: 'read', byPurpose: true },
  // src/gate/search.ts: one event per hit shown, the identity group minimised to the purpose.
  'person.search-result': { kind: 'search', byPurpose: true },
  // src/gate/corrections.ts: the current and proposed values of the groups a correction touches.
  'correction.view': { kind: 'read', byPurpose: false },
  'correction.approve': { kind: 'read', byPurpose: false },
  'correction.reject': { kind: 'read', byPurpose: false },
  // src/gate/access-answer.ts: everything held on the person, to its composer and reviewers.
  'rights.answer-compose': { kind: 'access-answer', byPurpose: false },
  'rights.answer-view': { kind: 'access-answer', byPurpose: false },
  'rights.answer-review': { kind: 'access-answer', byPurpose: false, groupsUnrecorded: true },
  // src/gate/releases.ts: the agreed fields of these groups, to the partner (asked by it or pushed by staff).
  'sharing.release': { kind: 'release', byPurpose: false },
  // src/gate/verification.ts: a "yes" tells the partner the person is registered and matches; no field is sent.
  'sharing.verify': { kind: 'verification', byPurpose: false },
};

export interface Exposure {
  kind: ExposureKind;
  personId: string;
  /** Field categories exposed, sorted; `not-recorded` when the event did not say. */
  categories: string[];
}

/** Categories of a group's fields, optionally only those a purpose may use; cached per dictionary. */
const categoryCache = new WeakMap<Dictionary, Map<string, string[]>>();

function categoriesOf(dictionary: Dictionary, group: string, purpose: string | undefined): string[] {
  let cache = categoryCache.get(dictionary);
  if (!cache) {
    cache = new Map();
    categoryCache.set(dictionary, cache);
  }
  const key = `${group}\0${purpose ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    const fields = dictionary
      .fieldsOfGroup(group)
      .filter((f) => purpose === undefined || f.purposes.includes(purpose));
    // A group the dictionary no longer has was still exposed: say so rather than drop it.
    found =
      dictionary.group(group) === undefined
        ? [UNRECORDED]
        : [...new Set(fields.map((f) => f.category))].sort();
    cache.set(key, found);
  }
  return found;
}

/** What one ledger event exposed, or undefined when it exposed nothing (a denial, a write, an unrelated action). */
export function exposureOf(event: AuditEvent, dictionary: Dictionary): Exposure | undefined {
  const action = EXPOSING_ACTIONS[event.action];
  if (!action || event.decision !== 'allow') return undefined;
  if (event.subjectType !== 'person' || event.subject === undefined) return undefined;
  if (action.kind === 'verification') return { kind: action.kind, personId: event.subject, categories: [] };
  const groups = event.fieldGroups ?? [];
  if (groups.length === 0) {
    return action.groupsUnrecorded
      ? { kind: action.kind, personId: event.subject, categories: [UNRECORDED] }
      : undefined;
  }
  const categories = new Set<string>();
  for (const group of groups) {
    for (const c of categoriesOf(dictionary, group, action.byPurpose ? event.purpose : undefined))
      categories.add(c);
  }
  return { kind: action.kind, personId: event.subject, categories: [...categories].sort() };
}
