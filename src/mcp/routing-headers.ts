import type { NextFunction, Request, Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { jsonRpcError } from './json-rpc-error';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';

/** JSON-RPC's code for headers that disagree with the body (MCP 2026-07-28, SEP-2243). */
const HEADER_MISMATCH = -32020;

/** The param `Mcp-Name` mirrors, per method (SEP-2243's table, and SEP-2663's for tasks). */
const NAME_PARAM: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'resources/subscribe': 'uri',
  'resources/unsubscribe': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

const SENTINEL = /^=\?base64\?(.*)\?=$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A header value as the client meant it: a `=?base64?…?=` value decoded as UTF-8, or undefined if it is not canonical. */
function decoded(value: string): string | undefined {
  const b64 = SENTINEL.exec(value)?.[1];
  if (b64 === undefined) return value;
  if (!CANONICAL_BASE64.test(b64)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}

function disagreement(req: Request): string | undefined {
  const message = req.body as { method?: unknown; params?: unknown } | undefined;
  if (!message || typeof message !== 'object' || typeof message.method !== 'string') return undefined;
  const methodHeader = req.headers['mcp-method'];
  if (typeof methodHeader === 'string' && methodHeader !== message.method)
    return `the body names method ${message.method} but the Mcp-Method header names ${methodHeader}`;
  const nameHeader = req.headers['mcp-name'];
  const field = Object.hasOwn(NAME_PARAM, message.method) ? NAME_PARAM[message.method] : undefined;
  if (typeof nameHeader !== 'string' || field === undefined) return undefined;
  const params = message.params as Record<string, unknown> | undefined;
  const value = params && typeof params === 'object' ? params[field] : undefined;
  const named = decoded(nameHeader);
  if (named === undefined) return 'the Mcp-Name header carries an invalid Base64 value';
  if (named !== value) return `the Mcp-Name header names "${named}" but the body's params.${field} does not`;
  return undefined;
}

/**
 * Gateways route, rate-limit and authorize MCP calls by the `Mcp-Method` and `Mcp-Name` headers,
 * and Postern runs what the body says. The SDK checks the two agree on the 2026-07-28 protocol
 * only; a client that names an older version in its headers was served whatever the headers
 * claimed, so a gateway allowing `Mcp-Name: list_workspaces` passed a `delete_post`. A header
 * that is present must match the body whatever the protocol; an absent one is the SDK's to judge.
 */
export function refuseDisagreeingHeaders(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !isMcpPath(targetPath(req))) return next();
  const problem = disagreement(req);
  if (!problem) return next();
  const message = `Bad Request: the request headers and body disagree: ${problem}`;
  noteError(AuditContext.current(), 'invalid_request', message);
  res.status(400).json(jsonRpcError(HEADER_MISMATCH, message, req.body));
}
