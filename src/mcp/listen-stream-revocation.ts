import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AsyncLocalStorage } from 'node:async_hooks';
import { BearerRecheck } from '../access/bearer-recheck';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { describeRequest } from '../audit/audit-request';
import { AuditWriter } from '../audit/audit-writer.service';
import { endStream } from './end-stream';
import { ListenStreamSlots, type HeldStream } from './listen-stream-slots';

/** How often open streams are asked about: the longest a stream outlives its credential, give or take a check. */
export const STREAM_RECHECK_MS = 3_000;

/**
 * A listen stream lasts until its client hangs up, long after the guards let it in. While any is
 * open, each credential holding one is checked again every STREAM_RECHECK_MS as the guards would
 * check it; a stream whose credential would now be refused (revoked, expired, its member gone or
 * disabled, its workspace deleted), or cannot be checked (the database does not answer: nothing
 * stays open on a guess), is ended, and its end is recorded in the owner's workspace trail. The
 * client may reconnect; the guards then answer it. Nothing runs while no stream is open.
 */
@Injectable()
export class ListenStreamRevocation implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ListenStreams');
  private timer?: NodeJS.Timeout;
  private checking = false;
  private stopped = false;
  /**
   * The timer starts when a stream opens, inside that request: started there, it would carry the
   * request's audit draft, log bindings and the request itself into every check until the last
   * stream closes. It starts in the context this service was made in instead, outside any request.
   */
  private readonly outsideRequests = AsyncLocalStorage.snapshot();

  constructor(
    private readonly slots: ListenStreamSlots,
    private readonly recheck: BearerRecheck,
    private readonly writer: AuditWriter,
  ) {}

  /** Called when a stream opens: checks run from now until the last stream has closed. */
  watch(): void {
    if (this.timer || this.stopped) return;
    this.timer = this.outsideRequests(() => setInterval(() => void this.checkAll(), STREAM_RECHECK_MS));
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One round: each credential once, however many streams it holds. Exposed for tests. */
  async checkAll(): Promise<void> {
    const streams = this.slots.held();
    if (!streams.length) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    // A round slower than the period (a database at its statement timeout) is not overlapped.
    if (this.checking) return;
    this.checking = true;
    try {
      const byToken = new Map<string, HeldStream[]>();
      for (const s of streams) byToken.set(s.token, [...(byToken.get(s.token) ?? []), s]);
      await Promise.all([...byToken].map(([token, held]) => this.check(token, held)));
    } finally {
      this.checking = false;
    }
  }

  private async check(token: string, streams: HeldStream[]): Promise<void> {
    let why: string | undefined;
    try {
      const refusal = await this.recheck.refusalAtMcp(token);
      why = refusal && `credential no longer valid: ${refusal}`;
    } catch (err) {
      this.logger.warn(`listen streams ended, their credential could not be checked: ${(err as Error).message}`);
      why = 'credential could not be checked again (database unavailable)';
    }
    if (why) for (const stream of streams) endStream(stream.res, () => void this.record(stream, why));
  }

  /**
   * The end of the stream, in the trail of the workspace it was opened in, under the listen
   * request's id. A credential that merely ran out (an agent's access token lasts minutes; the
   * client reopens the stream with its next one) ends it as a matter of course, not as a refusal:
   * recorded as denied, every agent's stream would raise a denial every quarter of an hour.
   */
  private async record(stream: HeldStream, why: string): Promise<void> {
    const { req } = stream;
    const draft = AuditContext.start('mcp', `${req.method} ${req.path}`, String(req.id ?? ''));
    describeRequest(draft, req);
    draft.operation = `${draft.operation} ended`;
    draft.actor = stream.actor;
    const expired = hasExpired(stream);
    if (expired) draft.reason = 'the credential it was opened with expired; the client may open another';
    else noteError(draft, 'unauthenticated', why);
    try {
      await this.writer.write(this.writer.toFields(draft, expired ? 'ok' : 'error'));
    } catch (err) {
      this.logger.error(`audit record of an ended listen stream not written: ${(err as Error).message}`);
    }
  }
}

/** Whether the stream's credential has passed its own end: a key's expiry, an access token's `exp`. */
function hasExpired(stream: HeldStream): boolean {
  const ends = stream.actor.kind === 'api_key' ? stream.actor.expiresAt?.getTime() : tokenExpiry(stream.token);
  return ends !== undefined && ends <= Date.now();
}

function tokenExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return exp === undefined ? undefined : exp * 1000;
  } catch {
    return undefined;
  }
}
