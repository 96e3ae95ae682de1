import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { MEDIA_DEFAULTS } from '../config/app-config';
import { AppError } from './app-error';
import { LONE_SURROGATE } from './validation/control-characters';
import { base64Length } from './base64-length';
import { toErrorBody } from './error-body';
import { targetPath } from './origin-form';

export const BODY_LIMIT = '1mb';

/**
 * Room in an `/mcp` request beside an inline file: the JSON-RPC envelope and the other arguments
 * of `upload_media` (file name, alt text, caption, tags), even with every character escaped.
 */
const MCP_ENVELOPE_BYTES = 64 * 1024;

/** The `/mcp` JSON limit that admits a file of `maxInlineBytes` sent as base64 (4 characters per 3 bytes). */
export function mcpBodyLimitBytes(maxInlineBytes: number): number {
  return base64Length(maxInlineBytes) + MCP_ENVELOPE_BYTES;
}

export interface BodyParserOptions {
  /** JSON limit of `/mcp`, in bytes; defaults to what the default inline media cap needs. */
  mcpLimitBytes?: number;
}

/**
 * Only a request that carries a bearer credential gets the large /mcp limit: an anonymous caller
 * cannot make the server parse megabytes before authentication refuses it. (The guard still
 * verifies the credential; this only decides how much is read first.)
 */
const isMcp = (req: Request) => {
  const path = targetPath(req);
  return (path === '/mcp' || path === '/mcp/') && /^Bearer\s+\S{20,}$/i.test(req.headers.authorization ?? '');
};

/**
 * JSON and form parsing whose failures (too large, malformed) answer in our error shape before any
 * handler runs, so a rejected body can change nothing; the audit draft is already open and records
 * the refusal. Every route keeps the 1 MB limit except
 * `/mcp`, where `upload_media` carries a file as base64.
 */
export function bodyParsers(options: BodyParserOptions = {}): RequestHandler[] {
  const mcpLimit = options.mcpLimitBytes ?? mcpBodyLimitBytes(MEDIA_DEFAULTS.maxInlineBytes);
  const json = express.json({ limit: BODY_LIMIT, verify: inspectJson });
  const mcpJson = express.json({ limit: mcpLimit, verify: inspectJson });
  const parsers: Array<{ parse: RequestHandler; limitOf: (req: Request) => string }> = [
    {
      parse: (req, res, next) => (isMcp(req) ? mcpJson : json)(req, res, next),
      limitOf: (req) => (isMcp(req) ? `${mcpLimit} bytes` : BODY_LIMIT),
    },
    {
      parse: express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }),
      limitOf: () => BODY_LIMIT,
    },
  ];
  return parsers.map(({ parse, limitOf }) => (req: Request, res: Response, next: NextFunction) => {
    // The authorization server reads its own bodies (with its own limits and error responses).
    if (req.originalUrl.startsWith('/oauth/')) return next();
    void parse(req, res, (err?: unknown) => {
      // Called from the parser's stream events, where nothing would catch a throw: the process
      // would end. Whatever goes wrong here is answered.
      let error: unknown;
      try {
        // A body in another charset is refused as such, even when it does not parse either.
        error = err && !(NOT_UTF8 in req) ? parserError(err, limitOf(req)) : refusedBody(req);
      } catch (unexpected) {
        error = unexpected;
      }
      if (!error) return next();
      if (error instanceof AppError) noteError(AuditContext.current(), error.code, error.message);
      else noteError(AuditContext.current(), 'internal_error');
      const id = (req as Request & { id?: unknown }).id;
      const { status, body } = toErrorBody(error, typeof id === 'string' ? id : undefined);
      res.status(status).json(body);
    });
  });
}

function parserError(err: unknown, limit: string): AppError {
  const type = (err as { type?: string } | undefined)?.type;
  return type === 'entity.too.large'
    ? new AppError('payload_too_large', `request body exceeds ${limit}`)
    : type === 'entity.parse.failed'
      ? new AppError('malformed_json', 'request body is not valid JSON')
      : type === 'charset.unsupported' || type === 'encoding.unsupported'
        ? new AppError('unsupported_media_type', 'JSON request bodies must be UTF-8')
        : new AppError('validation_failed', 'request body could not be read');
}

/** A parsed body no handler may see: nested past MAX_DEPTH, or holding half a character. */
function refusedBody(req: Request): AppError | undefined {
  if (NOT_UTF8 in req) {
    // Never looked at, so not kept for the record either.
    req.body = undefined;
    return new AppError('unsupported_media_type', 'JSON request bodies must be UTF-8');
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

const HALF_CHARACTER_MESSAGE = 'request body holds half a character (an unpaired \\uD800–\\uDFFF escape)';
/** Set on a request whose JSON has a surrogate escape in it: only such a body is looked through. */
const SURROGATE_ESCAPE = Symbol('surrogate escape');

/**
 * Half a character: a surrogate escape (`\ud83d`) without its pair, which JSON.parse accepts and
 * PostgreSQL then refuses wherever the text is stored as json, so the call would end in a 500. The
 * raw body is searched for an escape here; the parsed one is looked through only when it has one.
 */
function noteSurrogateEscape(req: Request, _res: Response, buf: Buffer): void {
  if (buf.includes('\\ud') || buf.includes('\\uD')) Object.assign(req, { [SURROGATE_ESCAPE]: true });
}

/**
 * How deep a request's arrays and objects may nest. JSON.parse takes any depth, but everything
 * after it that walks a body (validation, the argument digest of the audit record, the check for
 * half characters) recurses, and a few kilobytes of `[[[…` would overflow its stack: the record
 * could not be written, or the process would end. No call needs a tenth of this.
 */
export const MAX_DEPTH = 64;
/** Set on a request whose JSON is not UTF-8. */
const NOT_UTF8 = Symbol('not utf-8');
/** Set on a request whose JSON nests deeper than MAX_DEPTH. */
const TOO_DEEP = Symbol('too deep');

/** The raw body's nesting, read only when it has more brackets than MAX_DEPTH (most bodies have fewer). */
function noteDepth(req: Request, _res: Response, buf: Buffer): void {
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

/**
 * The parser hands over the raw bytes, decoded only afterwards, and would decode any `utf-*` charset
 * it knows: in UTF-7 or UTF-16 the checks above would read bytes that are not the text. JSON between
 * systems is UTF-8 (RFC 8259), so only UTF-8 is read.
 */
function inspectJson(req: Request, res: Response, buf: Buffer, encoding: string): void {
  if (encoding !== 'utf-8') {
    Object.assign(req, { [NOT_UTF8]: true });
    return;
  }
  noteSurrogateEscape(req, res, buf);
  noteDepth(req, res, buf);
}

function holdsHalfCharacter(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsHalfCharacter);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || holdsHalfCharacter(v));
  return false;
}
