/**
 * C0/C1 control characters other than tab, line feed and carriage return. They have no place in
 * post text or names, and some (NUL, bidi-less escapes) break storage or terminal logs.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Single-line fields (names, handles, tags) refuse line breaks too. */
// eslint-disable-next-line no-control-regex -- as above
export const LINE_BREAKS_OR_CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/**
 * Half of a character: a UTF-16 surrogate without its pair (an emoji cut in two). JSON can carry
 * one as an escape, but PostgreSQL refuses it in json and jsonb, so text holding one could only
 * fail on the way to the database.
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Control characters (`singleLine`: line breaks too), or half a character, which no field stores. */
export function hasControlCharacters(value: string, singleLine = false): boolean {
  return (singleLine ? LINE_BREAKS_OR_CONTROL : CONTROL_CHARACTERS).test(value) || LONE_SURROGATE.test(value);
}

/** Direction marks, embeddings, overrides and isolates: legitimate in right-to-left text, a spoofing tool in a URL. */
export const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** What a link must not contain: control characters, line breaks or direction controls. */
export function unsafeInLink(value: string): boolean {
  return hasControlCharacters(value, true) || BIDI_CONTROLS.test(value);
}

/** Characters that show nothing: a name holding one looks the same as one without it. */
export const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/;

/**
 * What a name others pick from a list must not contain: control characters, line breaks, direction
 * controls or invisible characters, with which two different names look the same (or one prints
 * as a fake line in a terminal).
 */
export function unsafeInName(value: string): boolean {
  return hasControlCharacters(value, true) || BIDI_CONTROLS.test(value) || INVISIBLE.test(value);
}
