/**
 * The prohibited purposes (PUR-2; ICRC Handbook 8.2.3, 8.3). They are refused whatever else holds, so they
 * do not depend on a dictionary author: a dictionary that leaves one out gets it from here, and a
 * dictionary that declares one must mark it `prohibited: true`.
 */
import { NO_PROCESSING_TRAITS, type Purpose } from './types.ts';

export const PROHIBITED_PURPOSES: readonly Purpose[] = [
  prohibited(
    'law-enforcement',
    'Law enforcement',
    'Giving information to the police or courts to investigate or punish crimes. Haven never does this.',
  ),
  prohibited(
    'immigration-enforcement',
    'Immigration enforcement',
    'Using information to find, hold or send away people because of their migration status. Haven never does this.',
  ),
  prohibited(
    'commercial-use',
    'Commercial use',
    'Selling information, or using it for advertising or to make money. Haven never does this.',
  ),
  prohibited(
    'country-of-origin-identification',
    'Identification by the country of origin',
    'Helping the authorities of the country a person fled to find out who they are or where they are. ' +
      'Haven never does this.',
  ),
];

export const PROHIBITED_PURPOSE_NAMES: readonly string[] = PROHIBITED_PURPOSES.map((purpose) => purpose.name);

export function isProhibitedPurposeName(name: string): boolean {
  return PROHIBITED_PURPOSE_NAMES.includes(name);
}

function prohibited(name: string, title: string, description: string): Purpose {
  return {
    name,
    title,
    description,
    legalBases: [],
    consentRequired: false,
    processing: NO_PROCESSING_TRAITS,

    retention: undefined,
    collect: [],
    require: [],
    prohibited: true,
  };
}
