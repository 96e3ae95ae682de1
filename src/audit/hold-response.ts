import type { Response } from 'express';

type Chunk = string | Uint8Array;

/** Strings are encoded; bytes are kept as a view, as the socket would keep them, not copied. */
function toBuffer(chunk: Chunk, encoding?: unknown): Buffer {
  return typeof chunk === 'string'
    ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Keeps a response's body back until `settle` decides: the body goes out only after `settle`
 * resolves; if it rejects, `refuse` replaces the body (or, when the status line is already
 * fixed, the connection is dropped). An event stream cannot be held to its end: its record is
 * settled before its first byte, and the stream then passes through (as does a body whose record
 * was committed before it started: `released`, file downloads).
 */
export function holdResponse(
  res: Response,
  settle: (body: Buffer) => Promise<void>,
  refuse: (err: unknown) => { status: number; body: string } | undefined,
  released: () => boolean = () => false,
): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const held: Buffer[] = [];
  const streaming = () => /text\/event-stream/.test(String(res.getHeader('content-type') ?? ''));
  let ended = false;
  /** An event stream's record, settled before anything of the stream (headers included) is sent. */
  let opened: Promise<void> | undefined;
  const afterOpening = (send: () => unknown) => {
    opened ??= settle(Buffer.alloc(0));
    // Chained on one promise, so the stream's parts keep their order.
    opened.then(send, () => res.destroy());
  };

  res.write = ((chunk: Chunk, encoding?: unknown, cb?: unknown) => {
    if (released()) return write(chunk, encoding, cb);
    if (streaming()) {
      afterOpening(() => write(chunk, encoding, cb));
      return true;
    }
    held.push(toBuffer(chunk, encoding));
    if (typeof encoding === 'function') (encoding as () => void)();
    else if (typeof cb === 'function') (cb as () => void)();
    return true;
  }) as Response['write'];

  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    if (released()) return end(chunk, encoding, cb);
    if (ended) return res;
    ended = true;
    if (streaming()) {
      afterOpening(() => end(chunk, encoding, cb));
      return res;
    }
    const done = typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : cb;
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      held.push(toBuffer(chunk as Chunk, encoding));
    const body = held.length === 1 ? held[0] : Buffer.concat(held);
    settle(body).then(
      () => end(body, done),
      (err: unknown) => {
        const replacement = refuse(err);
        if (!replacement || res.headersSent) {
          res.destroy();
          return;
        }
        // Nothing the handler meant for an acknowledged call goes out with the refusal: no
        // Set-Cookie of a session, no Location of something created.
        const requestId = res.getHeader('X-Request-Id');
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        if (requestId !== undefined) res.setHeader('X-Request-Id', requestId);
        res.statusCode = replacement.status;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(replacement.body));
        end(replacement.body);
      },
    );
    return res;
  }) as Response['end'];
}
