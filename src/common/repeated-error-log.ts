import type { Logger } from '@nestjs/common';

/**
 * Logs an error once per distinct message a minute. A dependency that is down (Redis) fails every
 * reconnect attempt and every sweep the same way; one line a minute says so without drowning the
 * rest of the log.
 */
export class RepeatedErrorLog {
  private readonly lastAt = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly everyMs = 60_000,
  ) {}

  error(err: unknown): void {
    // Not instanceof: an error from another realm (a Node core module under Jest) is one too.
    const message = typeof (err as Error | undefined)?.message === 'string' ? (err as Error).message : String(err);
    const now = Date.now();
    // Forgotten once quiet, so messages that name a job or an address cannot pile up.
    for (const [seen, at] of this.lastAt) if (now - at >= this.everyMs) this.lastAt.delete(seen);
    if (this.lastAt.has(message)) return;
    this.lastAt.set(message, now);
    this.logger.error(`${this.what}: ${message}`);
  }
}
