/**
 * Privacy notices (LNG-1, PUR-3): versioned, plain-language, per purpose, in the person's language. Pure: no I/O,
 * so the offline client shows and checks notices with the same code. The files live in dictionaries/notices/.
 */
export {
  canonicalTag,
  type Direction,
  type NoticeLanguage,
  REQUIRED_NOTICE_LANGUAGES,
  resolveLanguage,
} from './languages.ts';
export { buildNotices, LANGUAGES_FILE, type NoticeFile, type Notices, needsNotice } from './notices.ts';
export { isNoticeVersion, NOTICE_FORMAT, type Notice, type NoticeText } from './parse.ts';
