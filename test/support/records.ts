import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { personTokens } from '../../src/crypto/blind-index/person-tokens.ts';
import { BlindIndex } from '../../src/crypto/blind-index/tokens.ts';
import {
  checkCapture,
  type Dictionary,
  parseDictionary,
  todayAnywhere,
} from '../../src/domain/dictionary/index.ts';
import { createPerson } from '../../src/records/person-records.ts';
import type { TestHaven } from './haven.ts';

export const dictionary: Dictionary = parseDictionary(
  readFileSync(new URL('../../dictionaries/refugee-registration.yaml', import.meta.url), 'utf8'),
  'refugee-registration.yaml',
);

/** People in several scripts, with values distinctive enough to search a database dump for. */
export const KNOWN_PEOPLE = [
  {
    'given-name': 'محمد',
    'given-name-latin': 'Mohammed',
    'family-name': 'الحلبي',
    'family-name-latin': 'Al-Halabi',
    sex: 'male',
    'date-of-birth': '1987-03-14',
    nationality: ['SYR'],
    phone: '+963 944 123 457',
    'documents-held': [{ type: 'passport', number: 'N7Q31K8842', 'issuing-country': 'SYR' }],
  },
  {
    'given-name': 'Олександра',
    'given-name-latin': 'Oleksandra',
    'family-name': 'Шевченко',
    'family-name-latin': 'Shevchenko',
    sex: 'female',
    'date-of-birth': '1992-11-02',
    nationality: ['UKR'],
    phone: '+380 67 765 4321',
    'documents-held': [{ type: 'national-id', number: 'FX778899', 'issuing-country': 'UKR' }],
  },
  {
    'given-name': 'José María',
    'family-name': 'Núñez Ibáñez',
    sex: 'male',
    'date-of-birth': '1979-07-30',
    nationality: ['VEN'],
    phone: '+58 412 555 0199',
  },
  {
    'given-name': 'زهرا',
    'given-name-latin': 'Zahra',
    'family-name': 'رحیمی',
    'family-name-latin': 'Rahimi',
    sex: 'female',
    'estimated-age': 34,
    nationality: ['AFG'],
    phone: '+93 70 111 2233',
  },
] as const;

/** Stores a person the way the gate does (validated capture, tokens, encryption), bypassing policy. */
export async function storePerson(
  t: TestHaven,
  organisationId: string,
  values: Record<string, unknown>,
): Promise<string> {
  const captured = checkCapture(dictionary, 'registration', values, {
    requireAll: true,
    today: todayAnywhere(new Date()),
  });
  const index = new BlindIndex(t.internals.keyRing.secret('blind-index'));
  const id = randomUUID();
  await t.database.db.transaction((tx) =>
    createPerson(t.internals.vault, tx, {
      id,
      organisationId,
      dictionary: { name: dictionary.name, version: dictionary.version },
      groups: captured.groups,
      tokens: personTokens(index, dictionary, organisationId, captured.groups),
    }),
  );
  return id;
}

/** Every string value of the known people, for searching dumps. */
export function knownValues(): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (
      typeof value === 'string' &&
      value.length >= 4 &&
      !/^[A-Z]{3}$/.test(value) &&
      !['male', 'female', 'passport', 'national-id'].includes(value)
    ) {
      out.push(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  KNOWN_PEOPLE.forEach(walk);
  return out;
}

/** The forms a value could take on disk: encodings, Unicode forms, case, digits only, JSON escapes. */
export function encodingsOf(value: string): Buffer[] {
  const forms = new Set([
    value,
    value.normalize('NFC'),
    value.normalize('NFD'),
    value.toLowerCase(),
    value.toUpperCase(),
  ]);
  // Phone numbers may be stored as digits only.
  if (/^\+[\d ]+$/.test(value)) forms.add(value.replace(/\D/g, ''));
  const out: Buffer[] = [];
  for (const form of forms) {
    out.push(Buffer.from(form, 'utf8'), Buffer.from(form, 'utf16le'));
    out.push(Buffer.from(Buffer.from(form, 'utf16le').swap16()));
    out.push(Buffer.from(Buffer.from(form, 'utf8').toString('base64').replace(/=+$/, '').slice(0, -2)));
    out.push(Buffer.from(Buffer.from(form, 'utf8').toString('hex')));
    out.push(
      Buffer.from(
        JSON.stringify(form)
          .slice(1, -1)
          .replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      ),
    );
    if ([...form].every((c) => c.charCodeAt(0) <= 0xff)) out.push(Buffer.from(form, 'latin1'));
  }
  return out;
}

/** Searches raw bytes for every known value in every encoding; returns what was found (should be nothing). */
export function findKnownValues(haystack: Buffer): string[] {
  const needles = knownValues().flatMap((value) =>
    encodingsOf(value)
      .filter((needle) => needle.length >= 4)
      .map((needle) => ({ value, needle: needle.toString('latin1') })),
  );
  // One latin1 string (a character per byte) and one alternation: a single pass over tens of megabytes
  // instead of one pass per needle.
  const text = haystack.toString('latin1');
  const any = new RegExp(needles.map((n) => n.needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  if (!any.test(text)) return [];
  return needles
    .filter((n) => text.includes(n.needle))
    .map((n) => `${n.value} as ${JSON.stringify(n.needle.slice(0, 40))}`);
}
