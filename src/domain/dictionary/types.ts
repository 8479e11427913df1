/**
 * The data dictionary model (MIN-1, MIN-2): every field Haven may hold, its type, category, sensitivity tier,
 * the purposes that may use it and its retention rule; and per purpose the minimal data set it may capture.
 * The model is independent of the file format, so an XLSForm reader (MIN-4) can produce the same objects.
 */
import type { Tier } from '../roles.ts';
import type { RetentionRule } from './retention.ts';

/** The format tag a dictionary file must carry; a breaking change to the format gets a new number. */
export const DICTIONARY_FORMAT = 'haven-dictionary/1';

/** Field categories (MIN-1). Access rules (ACC-1) and retention (RET-1) are written per category. */
export const CATEGORIES = [
  'name',
  'contact',
  'civil-status',
  'family',
  'health',
  'legal-status',
  'biometric',
  'location',
  'documents',
  'case-notes',
  'protection',
  'language',
  'nationality',
  'demographic',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const VALUE_TYPES = [
  'string',
  'text',
  'name',
  'date',
  'partial-date',
  'integer',
  'boolean',
  'enum',
  'country',
  'language',
  'phone',
  'person-ref',
  'list',
  'record',
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Blind index kinds for exact search on encrypted values (ENC-3); each kind has its own normalisation. */
export const INDEX_KINDS = ['none', 'name', 'date', 'phone', 'document'] as const;
export type IndexKind = (typeof INDEX_KINDS)[number];

/** Legal bases a purpose may rest on (PUR-5). */
export const LEGAL_BASES = [
  'consent',
  'vital-interest',
  'public-interest',
  'legitimate-interest',
  'legal-obligation',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export interface EnumValue {
  readonly value: string;
  readonly label: string;
}

export type TextSpec = { readonly type: 'string' | 'text' | 'name'; readonly maxLength: number };
export type PlainSpec = { readonly type: 'boolean' | 'phone' | 'person-ref' };
/** `min`, `max`: a calendar date or `today` (dates.ts); by default 1900-01-01 to today. */
export type DateSpec = {
  readonly type: 'date' | 'partial-date';
  readonly min: string;
  readonly max: string;
};
export type IntegerSpec = { readonly type: 'integer'; readonly min: number; readonly max: number };
export type EnumSpec = { readonly type: 'enum'; readonly values: readonly EnumValue[] };
/** `extraCodes`: user-assigned codes the dictionary accepts besides ISO 3166-1 (e.g. XXA, stateless). */
export type CountrySpec = { readonly type: 'country'; readonly extraCodes: readonly string[] };
/** `extraCodes`: codes the dictionary accepts besides ISO 639-3 (local use qaa–qtz, or newer than the table). */
export type LanguageSpec = { readonly type: 'language'; readonly extraCodes: readonly string[] };
export type ScalarSpec =
  | TextSpec
  | PlainSpec
  | DateSpec
  | IntegerSpec
  | EnumSpec
  | CountrySpec
  | LanguageSpec;

/** A member of a record value, e.g. the number of a document held. Members are scalars. */
export interface RecordField {
  readonly name: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly spec: ScalarSpec;
  readonly required: boolean;
  readonly index: IndexKind;
}
export interface RecordSpec {
  readonly type: 'record';
  readonly fields: readonly RecordField[];
}
/** Lists hold scalars or records, never lists: nesting stays two levels deep at most. */
export interface ListSpec {
  readonly type: 'list';
  readonly of: ScalarSpec | RecordSpec;
  readonly maxItems: number;
}
export type TypeSpec = ScalarSpec | RecordSpec | ListSpec;

/** A field group is the unit of encryption and of access decisions; all its fields share one tier. */
export interface FieldGroup {
  readonly name: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly tier: Tier;
}

export interface FieldDefinition {
  readonly name: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly spec: TypeSpec;
  readonly category: Category;
  readonly group: string;
  readonly tier: Tier;
  /** Purposes that may read this field (MIN-1); a purpose's capture set is a subset of these. */
  readonly purposes: readonly string[];
  readonly retention: RetentionRule;
  /** Blind index of the value itself (or of each item of a list of scalars); record members carry their own. */
  readonly index: IndexKind;
}

/** One `require` entry: at least one of these fields must be given (e.g. date of birth or estimated age). */
export type Requirement = readonly string[];

/**
 * What a purpose's processing is like beyond the data it uses: the DPIA criteria of the European guidelines
 * (WP248) that the data set cannot show (GOV-2). The rest — sensitive data, biometrics, vulnerable people — Haven
 * reads from the dictionary itself (src/domain/dpia/criteria.ts).
 */
export interface ProcessingTraits {
  /** Large-scale processing (WP248 criterion 5): many people, much data, long, or over a wide area. */
  readonly scale: 'large' | 'limited';
  /** Evaluation or scoring, including profiling and predicting (criterion 1). */
  readonly scoring: boolean;
  /** Automated decisions with legal or similarly significant effect (criterion 2). */
  readonly automatedDecisions: boolean;
  /** Systematic monitoring (criterion 3). */
  readonly monitoring: boolean;
  /** Matching or combining data sets (criterion 6). */
  readonly matching: boolean;
  /** The processing can keep people from a right, a service or a contract (criterion 9). */
  readonly deniesService: boolean;
  /** Innovative technology or organisational solutions (criterion 8), besides biometrics. */
  readonly newTechnology: boolean;
}

export const NO_PROCESSING_TRAITS: ProcessingTraits = Object.freeze({
  scale: 'limited',
  scoring: false,
  automatedDecisions: false,
  monitoring: false,
  matching: false,
  deniesService: false,
  newTechnology: false,
});

export interface Purpose {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly legalBases: readonly LegalBasis[];
  /** Consent is the expected basis; any other basis needs a recorded justification (PUR-5). */
  readonly consentRequired: boolean;
  /** For the DPIA criteria (GOV-2); whether a DPIA is required is computed, never declared. */
  readonly processing: ProcessingTraits;

  readonly retention: RetentionRule | undefined;
  /** The minimal data set this purpose may capture (MIN-2). */
  readonly collect: readonly string[];
  readonly require: readonly Requirement[];
  /** Refused whatever else holds (PUR-2). */
  readonly prohibited: boolean;
}

/** Where a blind index is computed: `path` is the field, `documents-held[].number` for a record member. */
export interface BlindIndexSpec {
  readonly field: string;
  readonly path: string;
  readonly kind: Exclude<IndexKind, 'none'>;
}

export interface Dictionary {
  readonly format: typeof DICTIONARY_FORMAT;
  readonly name: string;
  readonly version: number;
  readonly description: string | undefined;
  /** The people the dictionary is about are vulnerable (WP248 criterion 7): asylum seekers, refugees, migrants. */
  readonly vulnerableSubjects: boolean;
  /** The name of the text it was parsed from, for messages. */
  readonly source: string;

  readonly groups: readonly FieldGroup[];
  readonly fields: readonly FieldDefinition[];
  readonly purposes: readonly Purpose[];
  readonly blindIndexes: readonly BlindIndexSpec[];
  field(name: string): FieldDefinition | undefined;
  group(name: string): FieldGroup | undefined;
  groupOf(fieldName: string): FieldGroup | undefined;
  fieldsOfGroup(groupName: string): readonly FieldDefinition[];
  purpose(name: string): Purpose | undefined;
  /** The fields a purpose may read: those that list it in `purposes`. */
  fieldsReadableFor(purposeName: string): readonly FieldDefinition[];
}
