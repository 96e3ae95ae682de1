import { redactSecrets } from '../common/secret-shapes';
import { LONE_SURROGATE } from '../common/validation/control-characters';

/**
 * What no text column of a record keeps: NUL and half characters, which PostgreSQL refuses (one
 * would fail the insert of the whole batch it rides in, and so other callers' calls); and control
 * characters, line and paragraph separators and direction controls (the Arabic letter mark
 * included), with which a tool name or URI of the caller's choosing would print as a second,
 * made-up record in a terminal, a CSV cell or a log viewer.
 */
const UNSTORABLE = new RegExp(
  `[\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u2028\\u2029\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]|${LONE_SURROGATE.source}`,
  'g',
);

/**
 * The user:password part of a URI's authority (`https://user:secret@host/`), up to its last `@`,
 * as URI parsers read it (`https://u:p@ss@host/`).
 */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * Text as a record stores it, at most `max` characters: each unstorable character becomes U+FFFD,
 * a URI's user information is left out, and so is any credential (a key secret, a JWT, a token
 * parameter) the caller put in a path or URI, since records are kept for good. Cleaned whole before
 * it is cut, so a cut cannot leave part of a password behind, nor half a character.
 */
export function storable(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = redactSecrets(text.replace(UNSTORABLE, '\uFFFD').replace(USER_INFO, '$1…@'));
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
