import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { Surface } from '../access/actor';
import type { ActorRequest } from '../access/request-actor';
import { AuditContext, type AuditDraft } from './audit-context';
import { noteError, noteMcpResponse } from './audit-outcome';
import { describeRequest } from './audit-request';
import { AuditWriter } from './audit-writer.service';
import { holdResponse } from './hold-response';
import { jsonRpcError } from '../mcp/json-rpc-error';
import { isMcpPath } from '../mcp/mcp-path';
import { targetPath } from '../common/origin-form';

/**
 * Probes and the API docs are not calls on anyone's behalf: these exact routes, read with GET (or
 * HEAD), are not audited. The docs are the page (with and without its slash), the files it loads and
 * the document. Anything else under these paths (another method, an unknown path) is audited like
 * any request; a file a newer Swagger UI loads under another name is audited too, never missed.
 */
const UNAUDITED = new Set([
  '/health/live',
  '/health/ready',
  '/api/docs',
  '/api/docs/',
  '/api/docs/openapi.json',
  '/api/docs/swagger-ui-init.js',
  '/api/docs/swagger-ui.css',
  '/api/docs/swagger-ui-bundle.js',
  '/api/docs/swagger-ui-standalone-preset.js',
  '/api/docs/favicon-32x32.png',
  '/api/docs/favicon-16x16.png',
]);
const unaudited = (method: string, path: string) => (method === 'GET' || method === 'HEAD') && UNAUDITED.has(path);
/** An MCP answer is read for its outcome (isError, JSON-RPC error); the start is enough. */
const BODY_READ = 256 * 1024;

function surfaceOf(path: string): Surface {
  if (isMcpPath(path)) return 'mcp';
  if (path.startsWith('/console') || path.startsWith('/oauth')) return 'console';
  return 'rest';
}

/**
 * Opens the audit draft for every API, MCP and console request and holds the response until the
 * call's record is committed: no caller is told "done" about a call the trail does not show. If
 * the record cannot be written, the caller gets a 503 instead (or a dropped connection, when the
 * status line was already fixed).
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  private attribution?: (draft: AuditDraft, req: ActorRequest) => Promise<void>;
  private pageFor?: (req: ActorRequest, requestId: string) => Page | undefined;

  constructor(private readonly writer: AuditWriter) {}

  /** Who names the caller of a request refused before the guards (the access layer, which checks credentials). */
  attributeEarlyRefusalsWith(attribute: (draft: AuditDraft, req: ActorRequest) => Promise<void>): void {
    this.attribution = attribute;
  }

  /** Who renders the refusal of an unrecorded call as a page, for a person's browser (the console). */
  answerBrowsersWith(page: (req: ActorRequest, requestId: string) => Page | undefined): void {
    this.pageFor = page;
  }

  use(req: ActorRequest, res: Response, next: NextFunction): void {
    const path = targetPath(req);
    if (unaudited(req.method, path)) return next();
    const draft = AuditContext.start(surfaceOf(path), `${req.method} ${path}`, String(req.id ?? ''));
    holdResponse(
      res,
      (body) => this.finish(draft, req, res, body),
      (err) => {
        this.logger.error(`audit record not written, response withheld: ${(err as Error).message}`);
        const page = this.pageFor?.(req, draft.correlationId);
        if (page) return { status: 503, body: page.html, headers: page.headers };
        return { status: 503, body: JSON.stringify(unavailable(draft, req)) };
      },
      () => draft.released === true,
    );
    AuditContext.run(draft, next);
  }

  private async finish(draft: AuditDraft, req: ActorRequest, res: Response, body: Buffer): Promise<void> {
    if (draft.written) return draft.commit?.();
    draft.answered = true;
    if (draft.naming) await Promise.allSettled(draft.naming);
    draft.actor ??= req.actor;
    describeRequest(draft, req);
    if (draft.surface === 'mcp' && body.length && res.statusCode === 200)
      noteMcpResponse(draft, body.subarray(0, BODY_READ));
    if (res.statusCode >= 400 && !draft.errorCode)
      noteError(draft, res.statusCode >= 500 ? 'internal_error' : `http_${res.statusCode}`);
    if (refusedUnguarded(draft, res)) await this.attribution?.(draft, req);
    const ok = res.statusCode < 400 && !draft.errorCode;
    const record = this.writer.toFields(draft, ok ? 'ok' : 'error');
    await (draft.commit ? draft.commit(record) : this.writer.write(record));
  }
}

/** A page as markup and its headers (content type and security policy). */
interface Page {
  headers: Record<string, string>;
  html: string;
}

const UNAVAILABLE = 'audit trail unavailable; try again later';

/** The refusal of a call whose record cannot be written, in the shape its client reads: JSON-RPC on /mcp. */
function unavailable(draft: AuditDraft, req: ActorRequest): object {
  if (draft.surface === 'mcp') return jsonRpcError(-32000, `unavailable: ${UNAVAILABLE}`, req.body);
  return { error: { code: 'unavailable', message: UNAVAILABLE, requestId: draft.correlationId } };
}

/**
 * An API or MCP call refused before any guard looked at it: its body, its route. Not the
 * authorization server's or the console's, whose guards ran (they are public or session-bound) and
 * whose records name their own workspace (an OAuth request also holds its transaction open here).
 */
function refusedUnguarded(draft: AuditDraft, res: Response): boolean {
  return (
    res.statusCode >= 400 &&
    !draft.guarded &&
    (draft.surface === 'rest' || draft.surface === 'mcp') &&
    !draft.commit &&
    !draft.workspaceId &&
    !draft.actor &&
    !draft.refusedCredential
  );
}
