import type { NextFunction, Request, Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

const MESSAGE = 'a request needs an "id"; only notifications/* messages may omit it';

/**
 * A request without an id is a notification to the transport, which acknowledges it (202) and runs
 * nothing. Passed on, `tools/call delete_post` sent that way would be recorded as an allowed call
 * of that tool with its arguments, though no guard looked at it: refused here instead, as invalid.
 */
export function refuseIdlessRequests(req: Request, res: Response, next: NextFunction): void {
  const body = req.body as { method?: unknown; id?: unknown } | undefined;
  if (
    !body ||
    typeof body !== 'object' ||
    typeof body.method !== 'string' ||
    body.method.startsWith('notifications/') ||
    body.id !== undefined ||
    !isMcpPath(targetPath(req))
  )
    return next();
  noteError(AuditContext.current(), 'invalid_request', MESSAGE);
  res.status(400).json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: MESSAGE } });
}
