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
export { checkScalar, isCalendarDate, isPartialDate, type ScalarValue } from './values.ts';
export type { DictionaryProblem } from './yaml-reader.ts';
