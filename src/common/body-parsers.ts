import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { MEDIA_DEFAULTS } from '../config/app-config';
import { isApiPath } from './api-path';
import { AppError } from './app-error';
import { base64Length } from './base64-length';
import { inspectJson, isNotUtf8, NOT_UTF8_MESSAGE, refusedBody } from './json-body-checks';
import { toErrorBody } from './error-body';
import { targetPath } from './origin-form';
import { jsonRpcError } from '../mcp/json-rpc-error';
import { isMcpPath } from '../mcp/mcp-path';

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

/** The one REST route that reads a form: the media upload, its file in multipart/form-data (multer reads it). */
const UPLOAD_PATHS = new Set(['/api/v1/media', '/api/v1/media/']);
const NOT_JSON_MESSAGE = 'request body must be JSON, sent with Content-Type: application/json';
const NOT_UPLOAD_MESSAGE = 'send the file as multipart/form-data (or a JSON body with Content-Type: application/json)';

/**
 * A REST body is read as JSON only (the media upload: as multipart/form-data too). The JSON parser
 * skips a body of any other type, or of none: the handler then ran as if it had been sent empty (a
 * draft created without its text), and the form parser applied a urlencoded one. Refused here,
 * before any parser reads it, so nothing changes. The charset of a JSON body is the parser's to check.
 */
function requireJsonApiBody(req: Request, res: Response, next: NextFunction): void {
  const path = targetPath(req);
  if (!isApiPath(path) || !hasContent(req) || req.is('application/json')) return next();
  const upload = req.method === 'POST' && UPLOAD_PATHS.has(path);
  if (upload && req.is('multipart/form-data')) return next();
  refuse(req, res, new AppError('unsupported_media_type', upload ? NOT_UPLOAD_MESSAGE : NOT_JSON_MESSAGE));
}

/** A body is coming: a length above zero, or chunks. An empty POST (`curl -X POST`) carries neither. */
function hasContent(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}

/**
 * Answers in our error shape (on /mcp, a JSON-RPC error, which is what an MCP client reads), and
 * notes the refusal on the audit draft (already open) as the call's outcome.
 */
function refuse(req: Request, res: Response, error: unknown): void {
  if (error instanceof AppError) noteError(AuditContext.current(), error.code, error.message);
  else noteError(AuditContext.current(), 'internal_error');
  const id = (req as Request & { id?: unknown }).id;
  const { status, body } = toErrorBody(error, typeof id === 'string' ? id : undefined);
  if (!isMcpPath(targetPath(req))) return void res.status(status).json(body);
  // Led by our code, as every JSON-RPC error of ours is (`not_found: campaign not found`).
  const { code, message } = body.error;
  res.status(status).json(jsonRpcError(rpcCodeOf(code), `${code}: ${message}`));
}

/** JSON-RPC's own codes where it has one: unparsable (-32700), not a request (-32600); else the transport's -32000. */
function rpcCodeOf(code: string): number {
  if (code === 'malformed_json') return -32700;
  return code === 'validation_failed' || code === 'payload_too_large' ? -32600 : -32000;
}

/**
 * JSON and form parsing whose failures (too large, malformed, a REST body that is not JSON) answer
 * in our error shape before any handler runs, so a rejected body can change nothing; the audit draft
 * is already open and records the refusal. Every route keeps the 1 MB limit except
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
  const parsing = parsers.map(({ parse, limitOf }) => (req: Request, res: Response, next: NextFunction) => {
    // The authorization server reads its own bodies (with its own limits and error responses).
    if (req.originalUrl.startsWith('/oauth/')) return next();
    void parse(req, res, (err?: unknown) => {
      // Called from the parser's stream events, where nothing would catch a throw: the process
      // would end. Whatever goes wrong here is answered.
      let error: unknown;
      try {
        // A body in another charset is refused as such, even when it does not parse either.
        error = err && !isNotUtf8(req) ? parserError(err, limitOf(req)) : refusedBody(req);
      } catch (unexpected) {
        error = unexpected;
      }
      if (!error) return next();
      refuse(req, res, error);
    });
  });
  return [requireJsonApiBody, ...parsing];
}

function parserError(err: unknown, limit: string): AppError {
  const type = (err as { type?: string } | undefined)?.type;
  return type === 'entity.too.large'
    ? new AppError('payload_too_large', `request body exceeds ${limit}`)
    : type === 'entity.parse.failed'
      ? isJson((err as { body?: unknown }).body)
        ? new AppError('validation_failed', 'request body must be a JSON object')
        : new AppError('malformed_json', 'request body is not valid JSON')
      : type === 'charset.unsupported'
        ? new AppError('unsupported_media_type', NOT_UTF8_MESSAGE)
        : type === 'encoding.unsupported'
          ? new AppError('unsupported_media_type', 'request body Content-Encoding is not supported')
          : new AppError('validation_failed', 'request body could not be read');
}

/** A body the strict parser refused that is JSON all the same: a bare value (`null`, `42`, `"x"`). */
function isJson(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
