import type { NextFunction, Request, Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { jsonRpcError } from './json-rpc-error';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

const MESSAGE = 'Unsupported Media Type: send one JSON-RPC message with Content-Type: application/json';

/**
 * A POST to /mcp is served only with a body our JSON parser read. The MCP SDK accepts more
 * spellings of the type than the parser does (it trims U+00A0, say), and reads a body the parser
 * skipped by itself: without a size limit, past the batch refusal, and unseen by the audit record
 * and the step-up, which read the parsed body.
 */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !isMcpPath(targetPath(req))) return next();
  if (req.body !== undefined && req.is('application/json')) return next();
  noteError(AuditContext.current(), 'unsupported_media_type', MESSAGE);
  res.status(415).json(jsonRpcError(-32000, MESSAGE));
}
