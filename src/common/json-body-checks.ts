import type { Request, Response } from 'express';
import { AppError } from './app-error';
import { LONE_SURROGATE } from './validation/control-characters';

/*
 * What a JSON body is checked for beside its syntax, so that no handler, and nothing that walks a
 * body after the parse (validation, the audit record's argument digest), sees one it cannot handle:
 * another charset, nesting past MAX_DEPTH, half a character. `inspectJson` reads the raw bytes as
 * body-parser's `verify`; `refusedBody` gives the refusal once the body is parsed.
 */

/**
 * How deep a request's arrays and objects may nest. JSON.parse takes any depth, but everything
 * after it that walks a body (validation, the argument digest of the audit record, the check for
 * half characters) recurses, and a few kilobytes of `[[[…` would overflow its stack: the record
 * could not be written, or the process would end. No call needs a tenth of this.
 */
const MAX_DEPTH = 64;

export const NOT_UTF8_MESSAGE = 'JSON request bodies must be UTF-8';
const HALF_CHARACTER_MESSAGE = 'request body holds half a character (an unpaired \\uD800–\\uDFFF escape)';

/** Set on a request whose JSON is not UTF-8. */
const NOT_UTF8 = Symbol('not utf-8');
/** Set on a request whose JSON nests deeper than MAX_DEPTH. */
const TOO_DEEP = Symbol('too deep');
/** Set on a request whose JSON has a surrogate escape in it: only such a body is looked through. */
const SURROGATE_ESCAPE = Symbol('surrogate escape');

/**
 * The parser hands over the raw bytes, decoded only afterwards, and would decode any `utf-*` charset
 * it knows: in UTF-7 or UTF-16 the checks here would read bytes that are not the text. JSON between
 * systems is UTF-8 (RFC 8259), so only UTF-8 is read.
 */
export function inspectJson(req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (encoding !== 'utf-8') {
    Object.assign(req, { [NOT_UTF8]: true });
    return;
  }
  noteSurrogateEscape(req, buf);
  noteDepth(req, buf);
}

/** Whether the parser was handed a body in another charset (its parse error, if any, is beside the point). */
export function isNotUtf8(req: Request): boolean {
  return NOT_UTF8 in req;
}

/** A parsed body no handler may see: in another charset, nested past MAX_DEPTH, or holding half a character. */
export function refusedBody(req: Request): AppError | undefined {
  if (NOT_UTF8 in req) {
    // Never looked at, so not kept for the record either.
    req.body = undefined;
    return new AppError('unsupported_media_type', NOT_UTF8_MESSAGE);
  }
  if (TOO_DEEP in req) {
    // The refusal's record still names the call and digests what it can walk.
    req.body = cutBelow(req.body, MAX_DEPTH);
    return new AppError('validation_failed', `request body nests arrays and objects more than ${MAX_DEPTH} deep`);
  }
  if (SURROGATE_ESCAPE in req && holdsHalfCharacter(req.body))
    return new AppError('validation_failed', HALF_CHARACTER_MESSAGE);
  return undefined;
}

/**
 * Half a character: a surrogate escape (`\ud83d`) without its pair, which JSON.parse accepts and
 * PostgreSQL then refuses wherever the text is stored as json, so the call would end in a 500. The
 * raw body is searched for an escape here; the parsed one is looked through only when it has one.
 */
function noteSurrogateEscape(req: Request, buf: Buffer): void {
  if (buf.includes('\\ud') || buf.includes('\\uD')) Object.assign(req, { [SURROGATE_ESCAPE]: true });
}

function holdsHalfCharacter(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsHalfCharacter);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || holdsHalfCharacter(v));
  return false;
}

/** The raw body's nesting, read only when it has more brackets than MAX_DEPTH (most bodies have fewer). */
function noteDepth(req: Request, buf: Buffer): void {
  if (bracketsAtLeast(buf, MAX_DEPTH + 1) && nestsDeeperThan(buf, MAX_DEPTH)) Object.assign(req, { [TOO_DEEP]: true });
}

function bracketsAtLeast(buf: Buffer, n: number): boolean {
  let count = 0;
  for (const bracket of [0x5b, 0x7b]) {
    for (let at = buf.indexOf(bracket); at !== -1; at = buf.indexOf(bracket, at + 1)) if (++count >= n) return true;
  }
  return false;
}

/** Bracket depth outside strings; an escaped quote does not end a string. */
function nestsDeeperThan(buf: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The value with whatever nests deeper than `max` replaced by a marker, walked without recursion. */
function cutBelow(value: unknown, max: number): unknown {
  const root: { [key: string]: unknown } = { value };
  const open: [{ [key: string]: unknown }, number][] = [[root, 0]];
  for (let next = open.pop(); next; next = open.pop()) {
    const [holder, depth] = next;
    for (const key of Object.keys(holder)) {
      const child = holder[key];
      if (!child || typeof child !== 'object') continue;
      if (depth >= max) holder[key] = '(nested too deep)';
      else open.push([child as { [key: string]: unknown }, depth + 1]);
    }
  }
  return root.value;
}
