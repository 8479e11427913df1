import type { FamilyName, NameForm } from './name-forms.ts';
import * as A from './names-arabic-script.ts';
import * as O from './names-other-scripts.ts';

/**
 * The populations of the demo registry: large groups of displaced people, each with its naming custom, scripts,
 * countries, languages, household sizes, phone numbers (of the country of origin or of the host country),
 * documents and arrival years. Shares and rates are plausible, not statistics of any operation.
 */

/** Ages and dates are computed as of this day, so that a seed gives the same people in every year. */
export const DEMO_REFERENCE_DATE = '2026-01-01';
export const REFERENCE_YEAR = 2026;

/** How a population's names are built (see people.ts). */
export type Naming =
  /** A family name passed from father to children. */
  | 'family'
  /** Own, father's and grandfather's given names (the grandfather's goes in the family-name box). */
  | 'patronymic'
  /** Each person has a second name of their own, not passed on (Congo, Burundi). */
  | 'own-names'
  /** Father's first surname, then mother's first surname (Spanish). */
  | 'two-surnames'
  /** One name, often of two words, and no family name (Rohingya). */
  | 'single';

export type Weighted<T> = readonly (readonly [T, number])[];

export interface DocumentSpec {
  type:
    | 'passport'
    | 'national-id'
    | 'birth-certificate'
    | 'refugee-id'
    | 'asylum-seeker-certificate'
    | 'other';
  /** Share of adults who hold one. */
  share: number;
  /** `#` a digit, `A` a capital letter. */
  pattern: string;
  issuingCountry: string;
}

export interface Population {
  id: string;
  weight: number;
  male: readonly NameForm[];
  female: readonly NameForm[];
  family?: readonly FamilyName[];
  naming: Naming;
  /** For `family` naming: share of households that have a family name at all. */
  familyNameShare: number;
  /** Wives keep their own family name (Arab custom) or take their husband's. */
  spouseKeepsName: boolean;
  /** Share of people whose father's name the clerk records. */
  fathersNameShare: number;
  nationality: Weighted<string>;
  /** When it differs from the nationality (stateless Rohingya come from Myanmar). */
  countryOfOrigin?: string;
  /** First language, then others with the share of adults who speak them too. */
  languages: { first: string; others: Weighted<string> };
  /** The language the privacy notice was given in (BCP 47). */
  noticeLanguage: string;
  /** Household sizes (people registered together). */
  household: Weighted<number>;
  /** Share of households with an adult man (few Ukrainian men of fighting age could leave). */
  adultMen: number;
  /** How dates of birth are known: full date, year only, 1 January by convention, or only an estimated age. */
  birthDate: { full: number; year: number; janFirst: number; estimated: number };
  phoneShare: number;
  phones: Weighted<string>;
  documents: readonly DocumentSpec[];
  arrival: readonly [number, number];
  legalStatus: Weighted<string>;
  oralConsentShare: number;
  /** Share of households with a relative missing, and where relatives were last seen. */
  missingShare: number;
  places: readonly string[];
  /** Arabic-speaking men are often known as "father of" their eldest son (kunya). */
  kunya?: boolean;
}

const MEDIUM: Weighted<number> = [
  [1, 8],
  [2, 10],
  [3, 14],
  [4, 18],
  [5, 18],
  [6, 14],
  [7, 9],
  [8, 5],
  [9, 3],
  [10, 1],
];
const LARGE: Weighted<number> = [
  [1, 5],
  [2, 6],
  [3, 10],
  [4, 14],
  [5, 16],
  [6, 16],
  [7, 12],
  [8, 9],
  [9, 7],
  [10, 5],
];
const SMALL: Weighted<number> = [
  [1, 22],
  [2, 28],
  [3, 25],
  [4, 15],
  [5, 7],
  [6, 3],
];
const SINGLES: Weighted<number> = [
  [1, 35],
  [2, 15],
  [3, 15],
  [4, 13],
  [5, 10],
  [6, 7],
  [7, 5],
];

const REFUGEE_OR_ASYLUM: Weighted<string> = [
  ['refugee', 6],
  ['asylum-seeker', 4],
];

export const POPULATIONS: readonly Population[] = [
  {
    id: 'syrian',
    weight: 15,
    male: A.ARABIC_MALE,
    female: A.ARABIC_FEMALE,
    family: A.ARABIC_FAMILY,
    naming: 'family',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.95,
    nationality: [
      ['SYR', 97],
      ['XXA', 3],
    ],
    countryOfOrigin: 'SYR',
    languages: {
      first: 'ara',
      others: [
        ['eng', 0.1],
        ['tur', 0.06],
      ],
    },
    noticeLanguage: 'ar',
    household: MEDIUM,
    adultMen: 0.85,
    birthDate: { full: 0.8, year: 0.05, janFirst: 0.07, estimated: 0.08 },
    phoneShare: 0.85,
    phones: [
      ['+963 9## ### ###', 3],
      ['+90 5## ### ## ##', 4],
      ['+961 7# ### ###', 2],
      ['+962 7# ### ####', 2],
    ],
    documents: [
      { type: 'national-id', share: 0.45, pattern: '###########', issuingCountry: 'SYR' },
      { type: 'passport', share: 0.2, pattern: 'N0########', issuingCountry: 'SYR' },
      { type: 'refugee-id', share: 0.3, pattern: '99#########', issuingCountry: 'TUR' },
    ],
    arrival: [2012, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.2,
    missingShare: 0.12,
    places: ['Aleppo', 'Homs', 'Idlib', 'Daraa', 'Deir ez-Zor', 'Raqqa', 'Eastern Ghouta'],
    kunya: true,
  },
  {
    id: 'iraqi',
    weight: 4,
    male: A.ARABIC_MALE,
    female: A.ARABIC_FEMALE,
    family: A.ARABIC_FAMILY,
    naming: 'family',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.95,
    nationality: [['IRQ', 1]],
    languages: { first: 'ara', others: [['eng', 0.1]] },
    noticeLanguage: 'ar',
    household: MEDIUM,
    adultMen: 0.85,
    birthDate: { full: 0.85, year: 0.05, janFirst: 0.05, estimated: 0.05 },
    phoneShare: 0.85,
    phones: [
      ['+964 7## ### ####', 5],
      ['+90 5## ### ## ##', 1],
    ],
    documents: [
      { type: 'national-id', share: 0.5, pattern: '############', issuingCountry: 'IRQ' },
      { type: 'passport', share: 0.25, pattern: 'A########', issuingCountry: 'IRQ' },
    ],
    arrival: [2014, 2024],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.2,
    missingShare: 0.1,
    places: ['Mosul', 'Sinjar', 'Fallujah', 'Tal Afar'],
    kunya: true,
  },
  {
    id: 'sudanese',
    weight: 8,
    male: A.SUDANESE_MALE,
    female: A.SUDANESE_FEMALE,
    naming: 'patronymic',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 1,
    nationality: [['SDN', 1]],
    languages: {
      first: 'ara',
      others: [
        ['mls', 0.08],
        ['fvr', 0.08],
        ['eng', 0.08],
      ],
    },
    noticeLanguage: 'ar',
    household: LARGE,
    adultMen: 0.6,
    birthDate: { full: 0.5, year: 0.15, janFirst: 0.15, estimated: 0.2 },
    phoneShare: 0.7,
    phones: [
      ['+249 9# ### ####', 3],
      ['+20 1# #### ####', 2],
      ['+235 6# ## ## ##', 2],
    ],
    documents: [
      { type: 'national-id', share: 0.35, pattern: '###-####-####', issuingCountry: 'SDN' },
      { type: 'passport', share: 0.15, pattern: 'P########', issuingCountry: 'SDN' },
      { type: 'asylum-seeker-certificate', share: 0.3, pattern: '###-##C#####', issuingCountry: 'EGY' },
    ],
    arrival: [2023, 2025],
    legalStatus: [
      ['asylum-seeker', 6],
      ['refugee', 4],
    ],
    oralConsentShare: 0.4,
    missingShare: 0.15,
    places: ['El Geneina', 'Khartoum', 'Omdurman', 'Nyala', 'El Fasher'],
  },
  {
    id: 'afghan-dari',
    weight: 9,
    male: A.DARI_MALE,
    female: A.DARI_FEMALE,
    family: A.DARI_FAMILY,
    naming: 'family',
    familyNameShare: 0.6,
    spouseKeepsName: false,
    fathersNameShare: 0.95,
    nationality: [['AFG', 1]],
    languages: {
      first: 'prs',
      others: [
        ['pus', 0.2],
        ['eng', 0.08],
      ],
    },
    noticeLanguage: 'fa-AF',
    household: LARGE,
    adultMen: 0.85,
    birthDate: { full: 0.3, year: 0.3, janFirst: 0.15, estimated: 0.25 },
    phoneShare: 0.75,
    phones: [
      ['+93 7# ### ####', 4],
      ['+98 9## ### ####', 2],
      ['+92 3## #######', 2],
    ],
    documents: [
      { type: 'national-id', share: 0.5, pattern: '####-####-#####', issuingCountry: 'AFG' },
      { type: 'passport', share: 0.1, pattern: 'P########', issuingCountry: 'AFG' },
      { type: 'refugee-id', share: 0.15, pattern: '#####-#######-#', issuingCountry: 'PAK' },
    ],
    arrival: [2015, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.5,
    missingShare: 0.06,
    places: ['Kabul', 'Herat', 'Kunduz', 'Mazar-i-Sharif', 'Bamyan'],
  },
  {
    id: 'afghan-pashto',
    weight: 6,
    male: A.PASHTO_MALE,
    female: A.PASHTO_FEMALE,
    family: A.PASHTO_FAMILY,
    naming: 'family',
    familyNameShare: 0.6,
    spouseKeepsName: false,
    fathersNameShare: 0.95,
    nationality: [['AFG', 1]],
    languages: { first: 'pus', others: [['prs', 0.4]] },
    noticeLanguage: 'ps',
    household: LARGE,
    adultMen: 0.85,
    birthDate: { full: 0.25, year: 0.3, janFirst: 0.15, estimated: 0.3 },
    phoneShare: 0.7,
    phones: [
      ['+93 7# ### ####', 4],
      ['+92 3## #######', 3],
    ],
    documents: [
      { type: 'national-id', share: 0.45, pattern: '####-####-#####', issuingCountry: 'AFG' },
      { type: 'refugee-id', share: 0.3, pattern: '#####-#######-#', issuingCountry: 'PAK' },
    ],
    arrival: [2015, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.55,
    missingShare: 0.06,
    places: ['Kandahar', 'Jalalabad', 'Khost', 'Helmand', 'Kunar'],
  },
  {
    id: 'eritrean',
    weight: 6,
    male: O.TIGRINYA_MALE,
    female: O.TIGRINYA_FEMALE,
    naming: 'patronymic',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 1,
    nationality: [['ERI', 1]],
    languages: {
      first: 'tir',
      others: [
        ['amh', 0.15],
        ['ara', 0.1],
        ['eng', 0.15],
      ],
    },
    noticeLanguage: 'ti',
    household: SINGLES,
    adultMen: 0.9,
    birthDate: { full: 0.6, year: 0.15, janFirst: 0.1, estimated: 0.15 },
    phoneShare: 0.75,
    phones: [
      ['+291 7 ### ###', 1],
      ['+251 9# ### ####', 3],
      ['+249 9# ### ####', 2],
    ],
    documents: [
      { type: 'national-id', share: 0.25, pattern: '#######', issuingCountry: 'ERI' },
      { type: 'passport', share: 0.05, pattern: 'P#######', issuingCountry: 'ERI' },
      { type: 'refugee-id', share: 0.4, pattern: 'ETH#########', issuingCountry: 'ETH' },
    ],
    arrival: [2010, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.3,
    missingShare: 0.1,
    places: ['Asmara', 'Keren', 'Mendefera', 'Libya (in transit)', 'Sinai (in transit)'],
  },
  {
    id: 'somali',
    weight: 7,
    male: O.SOMALI_MALE,
    female: O.SOMALI_FEMALE,
    naming: 'patronymic',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 1,
    nationality: [['SOM', 1]],
    languages: {
      first: 'som',
      others: [
        ['ara', 0.15],
        ['swa', 0.1],
        ['eng', 0.1],
      ],
    },
    noticeLanguage: 'so',
    household: LARGE,
    adultMen: 0.75,
    birthDate: { full: 0.45, year: 0.2, janFirst: 0.15, estimated: 0.2 },
    phoneShare: 0.8,
    phones: [
      ['+252 61 ### ####', 3],
      ['+254 7## ### ###', 4],
      ['+251 9# ### ####', 1],
    ],
    documents: [
      { type: 'passport', share: 0.08, pattern: 'P00######', issuingCountry: 'SOM' },
      { type: 'refugee-id', share: 0.55, pattern: '#######', issuingCountry: 'KEN' },
    ],
    arrival: [2008, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.4,
    missingShare: 0.08,
    places: ['Mogadishu', 'Baidoa', 'Kismayo', 'Beledweyne'],
  },
  {
    id: 'ukrainian',
    weight: 13,
    male: O.UKRAINIAN_MALE,
    female: O.UKRAINIAN_FEMALE,
    family: O.UKRAINIAN_FAMILY,
    naming: 'family',
    familyNameShare: 1,
    spouseKeepsName: false,
    fathersNameShare: 0.4,
    nationality: [['UKR', 1]],
    languages: {
      first: 'ukr',
      others: [
        ['rus', 0.35],
        ['eng', 0.2],
        ['pol', 0.05],
      ],
    },
    noticeLanguage: 'uk',
    household: SMALL,
    adultMen: 0.3,
    birthDate: { full: 0.99, year: 0, janFirst: 0, estimated: 0.01 },
    phoneShare: 0.95,
    phones: [
      ['+380 67 ### ## ##', 3],
      ['+380 50 ### ## ##', 2],
      ['+380 93 ### ## ##', 2],
      ['+380 97 ### ## ##', 1],
      ['+48 5## ### ###', 2],
      ['+48 7## ### ###', 1],
      ['+49 151 ########', 1],
      ['+420 7## ### ###', 1],
    ],
    documents: [
      { type: 'passport', share: 0.55, pattern: 'AA######', issuingCountry: 'UKR' },
      { type: 'national-id', share: 0.45, pattern: '#########', issuingCountry: 'UKR' },
    ],
    arrival: [2022, 2025],
    legalStatus: [
      ['other', 7],
      ['refugee', 2],
      ['asylum-seeker', 1],
    ],
    oralConsentShare: 0.02,
    missingShare: 0.04,
    places: ['Mariupol', 'Kharkiv', 'Bakhmut', 'Kherson', 'Melitopol'],
  },
  {
    id: 'venezuelan',
    weight: 12,
    male: O.SPANISH_MALE,
    female: O.SPANISH_FEMALE,
    family: O.SPANISH_SURNAMES.map((f) => ({ male: f, female: f })),
    naming: 'two-surnames',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.1,
    nationality: [['VEN', 1]],
    languages: { first: 'spa', others: [['eng', 0.08]] },
    noticeLanguage: 'es',
    household: SMALL,
    adultMen: 0.75,
    birthDate: { full: 0.98, year: 0, janFirst: 0, estimated: 0.02 },
    phoneShare: 0.9,
    phones: [
      ['+58 412 ### ####', 2],
      ['+58 414 ### ####', 2],
      ['+58 424 ### ####', 1],
      ['+57 3## ### ####', 3],
      ['+51 9## ### ###', 2],
    ],
    documents: [
      { type: 'national-id', share: 0.85, pattern: 'V-########', issuingCountry: 'VEN' },
      { type: 'passport', share: 0.3, pattern: '#########', issuingCountry: 'VEN' },
      { type: 'other', share: 0.4, pattern: '#######', issuingCountry: 'COL' },
    ],
    arrival: [2017, 2025],
    legalStatus: [
      ['migrant', 5],
      ['asylum-seeker', 3],
      ['refugee', 2],
    ],
    oralConsentShare: 0.05,
    missingShare: 0.02,
    places: ['Caracas', 'Maracaibo', 'Valencia', 'Darién Gap (in transit)'],
  },
  {
    id: 'colombian',
    weight: 3,
    male: O.SPANISH_MALE,
    female: O.SPANISH_FEMALE,
    family: O.SPANISH_SURNAMES.map((f) => ({ male: f, female: f })),
    naming: 'two-surnames',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.1,
    nationality: [['COL', 1]],
    languages: { first: 'spa', others: [] },
    noticeLanguage: 'es',
    household: MEDIUM,
    adultMen: 0.75,
    birthDate: { full: 0.97, year: 0, janFirst: 0, estimated: 0.03 },
    phoneShare: 0.9,
    phones: [
      ['+57 3## ### ####', 3],
      ['+593 9# ### ####', 2],
    ],
    documents: [{ type: 'national-id', share: 0.8, pattern: '##########', issuingCountry: 'COL' }],
    arrival: [2015, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.05,
    missingShare: 0.05,
    places: ['Cúcuta', 'Tumaco', 'Buenaventura'],
  },
  {
    id: 'congolese',
    weight: 7,
    male: O.FRENCH_MALE,
    female: O.FRENCH_FEMALE,
    family: O.CONGOLESE_NAMES,
    naming: 'own-names',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.1,
    nationality: [['COD', 1]],
    languages: {
      first: 'fra',
      others: [
        ['lin', 0.5],
        ['swa', 0.4],
      ],
    },
    noticeLanguage: 'fr',
    household: MEDIUM,
    adultMen: 0.7,
    birthDate: { full: 0.6, year: 0.1, janFirst: 0.1, estimated: 0.2 },
    phoneShare: 0.7,
    phones: [
      ['+243 8# ### ####', 3],
      ['+243 9# ### ####', 1],
      ['+256 7## ### ###', 3],
      ['+250 78# ### ###', 1],
    ],
    documents: [
      { type: 'other', share: 0.35, pattern: '##########', issuingCountry: 'COD' },
      { type: 'passport', share: 0.05, pattern: 'OP#######', issuingCountry: 'COD' },
      { type: 'refugee-id', share: 0.5, pattern: 'RN1-######', issuingCountry: 'UGA' },
    ],
    arrival: [2012, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.3,
    missingShare: 0.1,
    places: ['Goma', 'Bukavu', 'Bunia', 'Beni', 'Rutshuru'],
  },
  {
    id: 'haitian',
    weight: 2,
    male: O.FRENCH_MALE,
    female: O.FRENCH_FEMALE,
    family: O.HAITIAN_FAMILY,
    naming: 'family',
    familyNameShare: 1,
    spouseKeepsName: false,
    fathersNameShare: 0.1,
    nationality: [['HTI', 1]],
    languages: { first: 'hat', others: [['fra', 0.6]] },
    noticeLanguage: 'ht',
    household: SMALL,
    adultMen: 0.7,
    birthDate: { full: 0.9, year: 0.03, janFirst: 0.02, estimated: 0.05 },
    phoneShare: 0.9,
    phones: [
      ['+509 3# ## ####', 3],
      ['+1 809 ### ####', 2],
      ['+56 9 #### ####', 1],
    ],
    documents: [
      { type: 'national-id', share: 0.6, pattern: '##-##-##-####-##-#####', issuingCountry: 'HTI' },
      { type: 'passport', share: 0.25, pattern: 'RD#######', issuingCountry: 'HTI' },
    ],
    arrival: [2019, 2025],
    legalStatus: [
      ['asylum-seeker', 5],
      ['migrant', 4],
      ['refugee', 1],
    ],
    oralConsentShare: 0.1,
    missingShare: 0.04,
    places: ['Port-au-Prince', 'Gonaïves', 'Cap-Haïtien'],
  },
  {
    id: 'burundian',
    weight: 2,
    male: O.FRENCH_MALE,
    female: O.FRENCH_FEMALE,
    family: O.BURUNDIAN_NAMES,
    naming: 'own-names',
    familyNameShare: 1,
    spouseKeepsName: true,
    fathersNameShare: 0.1,
    nationality: [['BDI', 1]],
    languages: { first: 'run', others: [['fra', 0.5]] },
    noticeLanguage: 'rn',
    household: MEDIUM,
    adultMen: 0.75,
    birthDate: { full: 0.6, year: 0.1, janFirst: 0.1, estimated: 0.2 },
    phoneShare: 0.6,
    phones: [
      ['+257 7# ## ## ##', 2],
      ['+255 7## ### ###', 3],
      ['+250 78# ### ###', 1],
    ],
    documents: [
      { type: 'national-id', share: 0.4, pattern: '###/#####', issuingCountry: 'BDI' },
      { type: 'refugee-id', share: 0.5, pattern: 'TZ#######', issuingCountry: 'TZA' },
    ],
    arrival: [2015, 2025],
    legalStatus: REFUGEE_OR_ASYLUM,
    oralConsentShare: 0.3,
    missingShare: 0.06,
    places: ['Bujumbura', 'Gitega', 'Makamba'],
  },
  {
    id: 'rohingya',
    weight: 8,
    male: O.ROHINGYA_MALE,
    female: O.ROHINGYA_FEMALE,
    naming: 'single',
    familyNameShare: 0,
    spouseKeepsName: true,
    fathersNameShare: 0.7,
    nationality: [['XXA', 1]],
    countryOfOrigin: 'MMR',
    languages: { first: 'rhg', others: [['mya', 0.05]] },
    noticeLanguage: 'rhg',
    household: LARGE,
    adultMen: 0.8,
    birthDate: { full: 0.1, year: 0.25, janFirst: 0.05, estimated: 0.6 },
    phoneShare: 0.3,
    phones: [
      ['+880 18## ######', 2],
      ['+880 17## ######', 1],
    ],
    documents: [
      { type: 'refugee-id', share: 0.85, pattern: '############', issuingCountry: 'BGD' },
      { type: 'other', share: 0.1, pattern: '#########', issuingCountry: 'MMR' },
    ],
    arrival: [2016, 2018],
    legalStatus: [
      ['refugee', 6],
      ['stateless', 4],
    ],
    oralConsentShare: 0.7,
    missingShare: 0.1,
    places: ['Maungdaw', 'Buthidaung', 'Rathedaung', 'Sittwe'],
  },
];
