import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger } from '@nestjs/common';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { McpContext } from '@rekog/mcp-nest';
import { ALL_SCOPES } from '../access/scopes';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { oauthUrls } from '../oauth/oauth-urls';
import type { Request, Response } from 'express';
import { of, throwError, type Observable } from 'rxjs';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AppError } from './app-error';
import { toErrorBody, type ErrorBody } from './error-body';
import { setRetryAfter } from './retry-after';
import { isMcpPath } from '../mcp/mcp-path';
import { sendConsoleRefusal, wantsConsolePage } from '../console/console-refusal';

/** JSON-RPC codes for a failed resource read: the caller's fault (bad or unknown URI), refused, or ours. */
function rpcCodeOf(body: ErrorBody, status: number): number {
  if (body.error.code === 'not_found' || status === 400) return ProtocolErrorCode.InvalidParams;
  return status >= 500 ? ProtocolErrorCode.InternalError : ProtocolErrorCode.InvalidRequest;
}

/**
 * The one place errors leave the process. REST gets `{ error: { code, message, details, requestId } }`
 * with the matching status; an MCP tool call gets an `isError` result whose text is that same JSON,
 * so a model can read the code; a failed MCP resource read gets a JSON-RPC error whose message
 * starts with the code and whose data carries the same body; a browser on a console route gets a
 * console page saying the same. Unexpected errors are logged here and answered generically.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly mcpChallenge: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // MCP clients discover the authorization server from this header (RFC 9728), and the scopes
    // to ask for; the user narrows them on the consent page.
    this.mcpChallenge = `Bearer resource_metadata="${oauthUrls(config).resourceMetadata}", scope="${ALL_SCOPES.join(' ')}"`;
  }

  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> | void {
    const draft = AuditContext.current();
    if (host.getType() === 'rpc') {
      const { status, body } = toErrorBody(exception);
      noteError(draft, body.error.code, body.error.message);
      this.logUnexpected(exception);
      const request = host.switchToRpc().getContext<McpContext | undefined>()?.mcpRequest as
        { method?: string; params?: { uri?: unknown } } | undefined;
      // A resource read has no isError result (the client would reject it as malformed), so its
      // failure is a JSON-RPC error whose message leads with our code and whose data is our error body.
      if (request?.method === 'resources/read') {
        const uri = typeof request.params?.uri === 'string' ? request.params.uri : undefined;
        const message = `${body.error.code}: ${body.error.message}`;
        return throwError(() => new ProtocolError(rpcCodeOf(body, status), message, { uri, ...body }));
      }
      return of({ content: [{ type: 'text', text: JSON.stringify(body) }], isError: true });
    }
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const { status, body } = toErrorBody(exception, req.id ? String(req.id) : undefined);
    noteError(draft, body.error.code, body.error.message);
    this.logUnexpected(exception);
    if (res.headersSent) return;
    setRetryAfter(res, exception);
    // A person opening a console page without a session is sent to sign in, not shown JSON.
    if (status === 401 && req.method === 'GET' && req.path.startsWith('/console/')) {
      res.redirect(303, `/console/login?next=${encodeURIComponent(req.path)}`);
      return;
    }
    if (status === 401) {
      const challenge = isMcpPath(req.path) ? this.mcpChallenge : 'Bearer realm="postern"';
      // RFC 6750 §3.1: a bearer token was sent and refused (unknown, expired, revoked), so the client
      // knows to refresh or ask again instead of sending it once more; no credential, no error code.
      res.setHeader('WWW-Authenticate', sentBearer(req) ? `${challenge}, error="invalid_token"` : challenge);
    }
    // A person's browser on a console route is shown a console page; scripts keep the JSON.
    if (wantsConsolePage(req)) {
      sendConsoleRefusal(req, res, exception, status, body);
      return;
    }
    res.status(status).json(body);
  }

  private logUnexpected(exception: unknown): void {
    if (exception instanceof AppError) return;
    const status = (exception as { getStatus?: () => number }).getStatus?.();
    if (status !== undefined && status < 500) return;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  }
}

function sentBearer(req: Request): boolean {
  return /^Bearer\s+\S/i.test(req.headers.authorization ?? '');
}
