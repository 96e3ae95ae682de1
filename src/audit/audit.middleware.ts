import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Surface } from '../access/actor';
import type { ActorRequest } from '../access/request-actor';
import { AuditContext, type AuditDraft } from './audit-context';
import { noteError, noteMcpResponse } from './audit-outcome';
import { describeRequest } from './audit-request';
import { AuditWriter } from './audit-writer.service';

/** Probes and docs are not calls on anyone's behalf. */
const UNAUDITED = /^\/(health|api\/docs)(\/|$)/;
const BODY_KEPT = 64 * 1024;

function surfaceOf(path: string): Surface {
  if (path === '/mcp' || path.startsWith('/mcp/')) return 'mcp';
  if (path.startsWith('/console') || path.startsWith('/oauth')) return 'console';
  return 'rest';
}

/**
 * Opens the audit draft for every API, MCP and console request and holds the response until the
 * call's record is committed: no caller is told "done" about a call the trail does not show. If
 * the record cannot be written, the response becomes a 503 (or a JSON-RPC error) instead.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(private readonly writer: AuditWriter) {}

  use(req: ActorRequest, res: Response, next: NextFunction): void {
    // Middleware is mounted on a path, so express has rewritten req.path; originalUrl is what was asked.
    const path = req.originalUrl.split('?')[0];
    if (UNAUDITED.test(path)) return next();
    const draft = AuditContext.start(surfaceOf(path), `${req.method} ${path}`, String(req.id ?? ''));
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    // An MCP answer is read for its outcome (isError, JSON-RPC error); keep the start of the body.
    const body: Buffer[] = [];
    let bodyBytes = 0;
    const keep = (chunk: unknown) => {
      if (
        draft.surface !== 'mcp' ||
        chunk === undefined ||
        chunk === null ||
        typeof chunk === 'function' ||
        bodyBytes > BODY_KEPT
      )
        return;
      const buf = chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk as string));
      body.push(buf);
      bodyBytes += buf.length;
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((...args: unknown[]) => {
      keep(args[0]);
      return write(...args);
    }) as Response['write'];
    let held = false;
    res.end = ((...args: unknown[]) => {
      if (held) return end(...args);
      held = true;
      keep(args[0]);
      this.finish(draft, req, res, Buffer.concat(body).toString('utf8')).then(
        () => end(...args),
        (err: unknown) => {
          this.logger.error(`audit record not written, response withheld: ${(err as Error).message}`);
          end(...this.refusal(draft, req, res));
        },
      );
      return res;
    }) as Response['end'];
    AuditContext.run(draft, next);
  }

  private async finish(draft: AuditDraft, req: ActorRequest, res: Response, mcpBody: string): Promise<void> {
    if (draft.written) return;
    draft.actor ??= req.actor;
    describeRequest(draft, req);
    if (draft.surface === 'mcp' && mcpBody && res.statusCode === 200) noteMcpResponse(draft, mcpBody);
    if (res.statusCode >= 400 && !draft.errorCode)
      noteError(draft, res.statusCode >= 500 ? 'internal_error' : `http_${res.statusCode}`);
    const ok = res.statusCode < 400 && !draft.errorCode;
    await this.writer.write(this.writer.toFields(draft, ok ? 'ok' : 'error'));
  }

  /** The body that replaces a response whose audit record could not be written. */
  private refusal(draft: AuditDraft, req: Request, res: Response): [string] {
    if (draft.surface === 'mcp' && res.headersSent) {
      const id = (req.body as { id?: unknown } | undefined)?.id ?? null;
      return [
        JSON.stringify({
          jsonrpc: '2.0',
          id,
          error: { code: -32603, message: 'audit trail unavailable; the call was not completed' },
        }),
      ];
    }
    const body = JSON.stringify({
      error: {
        code: 'unavailable',
        message: 'audit trail unavailable; try again later',
        requestId: draft.correlationId,
      },
    });
    if (!res.headersSent) {
      res.statusCode = 503;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
    }
    return [body];
  }
}
