import type { NextFunction, Request, Response } from 'express';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

/**
 * The endpoint is stateless, so POST is its one method: the transport answers any other with 405,
 * which must name the methods the resource does allow (RFC 9110 §15.5.6).
 */
export function allowOnlyPost(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' && isMcpPath(targetPath(req))) res.setHeader('Allow', 'POST');
  next();
}
