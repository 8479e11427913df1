/**
 * Normalisation for blind indexes (ENC-3): the strings whose keyed HMAC tokens are stored and searched.
 * Pure functions, no keys and no I/O; standard JavaScript only, so the browser can compute the same keys.
 * See docs/decisions/0004-blind-indexes.md for what the tokens reveal.
 */

export { foldDigits, foldText } from './fold.ts';
export { type NameSearchKeys, nameSearchKeys, nameTokens, wordSearchKeys } from './names.ts';
export { nameSkeleton, nameSkeletons } from './skeleton.ts';
export { normaliseDate, normaliseDocumentNumber, normalisePhone } from './values.ts';
