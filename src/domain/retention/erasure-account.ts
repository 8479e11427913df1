/**
 * The account of an erasure (RIG-1, GDPR 12, 17): what an erasure takes and what it must keep, and on which legal
 * ground. One vocabulary for the preview shown before (so the DPO and the person know what will happen) and the
 * receipt given after. Categories, group names and counts only: never a value of the person.
 */

/** What an erasure takes: every item is unreadable once the person's data key is gone (ENC-4). */
export const ERASED_ITEMS = {
  'data-key':
    'The person’s data key: destroyed first, so no copy of their data, backups included, can be read again.',
  'field-groups': 'The recorded data, by field group and category.',
  biometrics: 'Biometric data (fingerprints, face, iris templates).',
  'processing-bases': 'Consents and other legal bases, with how and when they were given.',
  'search-tokens': 'The search entries (blind-index tokens) of names, dates and numbers.',
  caseload: 'Which staff worked the person’s case.',
  corrections: 'Proposed corrections, with their values.',
  'break-glass': 'Emergency access grants to the record, with their justifications.',
  'rights-request-notes': 'The words recorded with the person’s requests (reasons of extensions, refusals).',
  'legal-hold-notes': 'The words recorded with past legal holds.',
  restriction: 'Restrictions of processing, with the words of their lifting.',
  'access-answers': 'The answers given to the person’s access requests, with every value in them.',
  'portal-card':
    'The person’s card for the portal (its code and PIN, hashed) and their open portal sessions.',
} as const;
export type ErasedItemKind = keyof typeof ERASED_ITEMS;

/** Legal grounds for keeping something after an erasure, as stable codes with their words. */
export const KEPT_GROUNDS = {
  'gdpr-5-2-accountability':
    'GDPR 5(2) and 30: the organisation must be able to show what it did with personal data, and why.',
  'gdpr-12-request-handled': 'GDPR 12: proof that the person’s request was received and handled in time.',
  'gdpr-19-notify-recipients':
    'GDPR 19: partners who received the data must be told of the erasure; the notice names no value.',
  'gdpr-17-3-e-legal-claims':
    'GDPR 17(3)(e): kept for the establishment, exercise or defence of legal claims while a legal hold is in force.',
  'gdpr-33-5-breach-documentation':
    'GDPR 33(5) and 34: the organisation documents each breach, whom it affected and how they were told.',
} as const;
export type KeptGround = keyof typeof KEPT_GROUNDS;

/** What an erasure keeps, each on its ground. */
export const KEPT_ITEMS = {
  tombstone: {
    ground: 'gdpr-5-2-accountability',
    what: 'The person’s random id and the time of erasure — nothing else — so the erasure can be shown.',
  },
  'ledger-events': {
    ground: 'gdpr-5-2-accountability',
    what: 'The audit ledger’s events about the person: who did what, when and why; ids and codes, never values.',
  },
  'disposal-record': {
    ground: 'gdpr-5-2-accountability',
    what: 'The ledger event of this erasure: who decided it, when and on which reason.',
  },
  'rights-requests': {
    ground: 'gdpr-12-request-handled',
    what: 'The person’s requests: kind, channel, dates and state; the words recorded with them are erased.',
  },
  'change-notices': {
    ground: 'gdpr-19-notify-recipients',
    what: 'Notices to partners holding a copy that they must erase it too: kinds and ids only.',
  },
  'legal-holds': {
    ground: 'gdpr-5-2-accountability',
    what: 'Past legal holds: reason code, dates, who placed, approved and released them; their words are erased.',
  },
  'erasure-receipt': {
    ground: 'gdpr-12-request-handled',
    what: 'This receipt: categories and counts, so it can be printed again.',
  },
  'breach-records': {
    ground: 'gdpr-33-5-breach-documentation',
    what: 'That a breach affected the person and the notice they were sent: incident, categories, language, dates; no value.',
  },
  'held-data': {
    ground: 'gdpr-17-3-e-legal-claims',
    what: 'Everything listed as erased stays while a legal hold is in force: the erasure is refused until it ends.',
  },
} as const satisfies Record<string, { ground: KeptGround; what: string }>;
export type KeptItemKind = keyof typeof KEPT_ITEMS;

export interface ErasedItem {
  item: ErasedItemKind;
  count: number;
  /** Field groups with their dictionary categories (field-groups, biometrics). */
  groups?: { group: string; categories: string[] }[];
  /** Purposes the consents and bases were for (processing-bases). */
  purposes?: string[];
  what: string;
}

export interface KeptItem {
  item: KeptItemKind;
  count: number;
  ground: KeptGround;
  why: string;
  what: string;
}

export function erased(
  item: ErasedItemKind,
  count: number,
  extra: Pick<ErasedItem, 'groups' | 'purposes'> = {},
): ErasedItem {
  return { item, count, ...extra, what: ERASED_ITEMS[item] };
}

export function kept(item: KeptItemKind, count: number): KeptItem {
  const { ground, what } = KEPT_ITEMS[item];
  return { item, count, ground, why: KEPT_GROUNDS[ground], what };
}
