/**
 * The data dictionary (MIN-1) and minimal data sets per purpose (MIN-2). Pure: no I/O, so the offline
 * client validates with the same code. Read a dictionary file elsewhere and pass its text to parseDictionary.
 */
export {
  type CapturedRecord,
  type CapturedValue,
  type CaptureOptions,
  type CaptureResult,
  checkCapture,
} from './capture.ts';
export { ISO_3166_ALPHA3, isAssignedCountryCode, isUserAssignedCountryCode } from './countries.ts';
export {
  DEFAULT_EARLIEST,
  DEFAULT_LATEST,
  dateOutOfRange,
  isCalendarDate,
  isPartialDate,
  TODAY,
  todayAnywhere,
} from './dates.ts';
export { ISO_639_3, isIso6393Code } from './languages.ts';
export { parseDictionary } from './parse.ts';
export { isProhibitedPurposeName, PROHIBITED_PURPOSE_NAMES, PROHIBITED_PURPOSES } from './prohibited.ts';
export {
  formatRetentionRule,
  parseRetentionRule,
  RETENTION_EVENTS,
  RETENTION_UNITS,
  type RetentionEvent,
  type RetentionRule,
  type RetentionUnit,
} from './retention.ts';
export * from './types.ts';
export { checkScalar, type ScalarValue, type ValueContext } from './values.ts';
export type { DictionaryProblem } from './yaml-reader.ts';
