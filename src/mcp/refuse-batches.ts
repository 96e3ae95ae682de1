import type { NextFunction, Request, Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

const MESSAGE = 'JSON-RPC batches are not accepted; send one message per request';

/**
 * An array body on /mcp is refused before the transport sees it. Batching left MCP with protocol
 * 2025-06-18, and a batch would put several calls, each with its own permission check and effect,
 * under one HTTP request and so one audit record.
 */
export function refuseJsonRpcBatches(req: Request, res: Response, next: NextFunction): void {
  if (!Array.isArray(req.body) || !isMcpPath(targetPath(req))) return next();
  noteError(AuditContext.current(), 'invalid_request', MESSAGE);
  res.status(400).json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: MESSAGE } });
}
