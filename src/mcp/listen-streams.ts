import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isMcpPath } from './mcp-path';
import { targetPath } from '../common/origin-form';
import { endStream, isStream } from './end-stream';

/** A listen request (or a GET, the older protocol's stream): the requests that can open an event stream. */
export function opensStream(req: Request): boolean {
  return req.method === 'GET' || (req.body as { method?: unknown } | undefined)?.method === 'subscriptions/listen';
}

/**
 * The MCP event streams open on this instance (`subscriptions/listen`). One lasts until its client
 * hangs up, and closing the HTTP server waits for every open response: a single listening client
 * held a shutdown for ever, until an orchestrator killed the process with its held answers and
 * queued audit records. They are ended before the server closes; the client reconnects, to another
 * instance if need be. Answers of calls in flight are left to finish.
 */
@Injectable()
export class ListenStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<Response>();
  private closing = false;

  /** After the body is parsed: only a listen request (or a GET, the older protocol's stream) can open one. */
  track(req: Request, res: Response, next: NextFunction): void {
    if (opensStream(req) && isMcpPath(targetPath(req))) {
      this.open.add(res);
      res.once('close', () => this.open.delete(res));
      // The server takes requests until every shutdown hook is done (a publish in flight can take
      // a while): a stream opened meanwhile is ended as soon as it has started.
      if (this.closing) endStream(res);
    }
    next();
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const res of this.open) if (isStream(res)) res.end();
  }
}
