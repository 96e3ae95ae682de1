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
  const json = express.json({ limit: BODY_LIMIT, verify: noteSurrogateEscape });
  const mcpJson = express.json({ limit: mcpLimit, verify: noteSurrogateEscape });
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
      const half = !err && SURROGATE_ESCAPE in req && holdsHalfCharacter(req.body);
      if (!err && !half) return next();
      const type = (err as { type?: string } | undefined)?.type;
      const error = half
        ? new AppError('validation_failed', HALF_CHARACTER_MESSAGE)
        : type === 'entity.too.large'
          ? new AppError('payload_too_large', `request body exceeds ${limitOf(req)}`)
          : type === 'entity.parse.failed'
            ? new AppError('malformed_json', 'request body is not valid JSON')
            : new AppError('validation_failed', 'request body could not be read');
      noteError(AuditContext.current(), error.code, error.message);
      const id = (req as Request & { id?: unknown }).id;
      const { status, body } = toErrorBody(error, typeof id === 'string' ? id : undefined);
      res.status(status).json(body);
    });
  });
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

function holdsHalfCharacter(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsHalfCharacter);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || holdsHalfCharacter(v));
  return false;
}
