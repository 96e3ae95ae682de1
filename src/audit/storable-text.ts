import { LONE_SURROGATE } from '../common/validation/control-characters';

/**
 * What no text column of a record keeps: NUL and half characters, which PostgreSQL refuses (one
 * would fail the insert of the whole batch it rides in, and so other callers' calls); and control
 * characters, line and paragraph separators and direction controls, with which a tool name or URI
 * of the caller's choosing would print as a second, made-up record in a terminal, a CSV cell or a
 * log viewer.
 */
const UNSTORABLE = new RegExp(
  `[\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]|${LONE_SURROGATE.source}`,
  'g',
);

/** The user:password part of a URI's authority (`https://user:secret@host/`). */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/**
 * Text as a record stores it: each unstorable character becomes U+FFFD, and a URI's user
 * information is left out (a caller's URI is kept, a password written into it is not).
 */
export function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD').replace(USER_INFO, '$1…@');
}
