import type { NextFunction, Request, Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { jsonRpcError } from './json-rpc-error';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

/**
 * Why a message on /mcp cannot be served as one audited call, or nothing:
 * - An array body is a batch. Batching left MCP with protocol 2025-06-18, and a batch would put
 *   several calls, each with its own permission check and effect, under one HTTP request and so one
 *   audit record.
 * - A request without an id is a notification to the transport, which acknowledges it (202) and
 *   runs nothing. Passed on, `tools/call delete_post` sent that way would be recorded as an allowed
 *   call of that tool with its arguments, though no guard looked at it.
 */
function problemOf(body: unknown): string | undefined {
  if (Array.isArray(body)) return 'JSON-RPC batches are not accepted; send one message per request';
  const message = body as { method?: unknown; id?: unknown } | undefined;
  if (
    message &&
    typeof message === 'object' &&
    typeof message.method === 'string' &&
    !message.method.startsWith('notifications/') &&
    message.id === undefined
  )
    return 'a request needs an "id"; only notifications/* messages may omit it';
  return undefined;
}

/** Refuses such a message before the transport sees it, as invalid, with JSON-RPC's -32600. */
export function refuseUnsupportedMessages(req: Request, res: Response, next: NextFunction): void {
  const problem = problemOf(req.body);
  if (!problem || !isMcpPath(targetPath(req))) return next();
  noteError(AuditContext.current(), 'invalid_request', problem);
  res.status(400).json(jsonRpcError(-32600, problem));
}
