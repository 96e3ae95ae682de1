import { ProtocolError, ProtocolErrorCode, type McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { argumentErrorDetails } from './tool-argument-errors';

type Stored = (request: unknown, context: unknown) => Promise<unknown>;

/** The JSON-RPC method a request's body asks for (one message per request: batches are refused). */
export function methodOf(rawRequest: unknown): string | undefined {
  const method = (rawRequest as { body?: { method?: unknown } } | undefined)?.body?.method;
  return typeof method === 'string' ? method : undefined;
}

/**
 * On this request's server, answers a refusal of `method`'s params by the SDK's schema (thrown,
 * with its issue list, before the handler is `reached`) with invalid params in one line, recorded
 * as invalid. What the handler itself throws, or anything else, is left as it is. The SDK keeps its stored handlers in a private map (2.x); without
 * it, nothing changes.
 */
export function answerMalformedParams(server: McpServer, method: string, reached: () => boolean): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Stored> })._requestHandlers;
  const stored = handlers?.get(method);
  if (!handlers || !stored) return;
  handlers.set(method, async (request, context) => {
    try {
      return await stored(request, context);
    } catch (err) {
      if (reached() || (err instanceof ProtocolError && err.code !== Number(ProtocolErrorCode.InvalidParams)))
        throw err;
      // Only a schema's refusal carries an issue list: anything else thrown on the way is a failure.
      const issues = issuesIn(err instanceof Error ? err.message : '');
      if (!issues) throw err;
      const refusal = invalidParams(method, issues);
      noteError(AuditContext.current(), 'invalid_params', refusal.message);
      throw refusal;
    }
  });
}

/**
 * The one-line answer to a request whose params the SDK's schema refused. The SDK throws a plain
 * Error holding zod's pretty-printed issue list, which a client would get as "Internal error" (or,
 * for tools/call, as invalid params) with the dump as its message: the caller's mistake reported
 * as the server's, in a form no model reads well.
 */
function invalidParams(method: string, issues: z.core.$ZodIssue[]): ProtocolError {
  const fields = argumentErrorDetails({ issues } as z.ZodError).map(({ field, issue }) => {
    const name = (field ?? '').replace(/^params\.?/, '') || '(params)';
    return `${name}: ${issue.replace(/\s+/g, ' ')}`;
  });
  const what = fields.join('; ');
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `invalid params for ${method}: ${what}`.slice(0, 300));
}

function issuesIn(message: string): z.core.$ZodIssue[] | undefined {
  const start = message.indexOf('[');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as unknown;
    const wellFormed =
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every((i) => i && typeof i === 'object' && Array.isArray((i as { path?: unknown }).path));
    return wellFormed ? (parsed as z.core.$ZodIssue[]) : undefined;
  } catch {
    return undefined;
  }
}
