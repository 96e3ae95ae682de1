import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';

type Chunk = string | Uint8Array;

/** Headers a refusal keeps (getHeaderNames gives them lower-cased). */
const KEPT_ON_REFUSAL = /^(x-request-id|access-control-.*|vary)$/;
/** The headers writeHead takes: an object, [name, value] pairs, or a flat [name, value, name, value…] list. */
export type Head = OutgoingHttpHeaders | readonly (OutgoingHttpHeader | readonly [string, OutgoingHttpHeader])[];

/** Strings are encoded; bytes are kept as a view, as the socket would keep them, not copied. */
function toBuffer(chunk: Chunk, encoding?: unknown): Buffer {
  return typeof chunk === 'string'
    ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A head's headers by name. A name a list gives twice keeps both values, as Node would send them. */
export function headersOf(head: Head): [string, OutgoingHttpHeader | undefined][] {
  const pairs: (readonly [string, OutgoingHttpHeader | undefined])[] = !Array.isArray(head)
    ? Object.entries(head as OutgoingHttpHeaders)
    : Array.isArray(head[0])
      ? (head as [string, OutgoingHttpHeader][])
      : head.flatMap((name, i) => (i % 2 ? [] : [[String(name), head[i + 1] as OutgoingHttpHeader] as const]));
  const byName = new Map<string, [string, OutgoingHttpHeader | undefined]>();
  for (const [name, value] of pairs) {
    if (!name) continue;
    const earlier = byName.get(name.toLowerCase())?.[1];
    const both = earlier === undefined || value === undefined ? value : [earlier, value].flat().map(String);
    byName.set(name.toLowerCase(), [name, both]);
  }
  return [...byName.values()];
}

/** What replaces a held answer whose record failed; without `headers`, the body is JSON. */
export interface Refusal {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * Keeps a response's body back until `settle` decides: the body goes out only after `settle`
 * resolves; if it rejects, `refuse` replaces the body (or, when the status line is already
 * fixed, the connection is dropped). An event stream cannot be held to its end: its record is
 * settled before its first byte (refused, the stream is replaced the same way), and the stream
 * then passes through (as does a body whose record
 * was committed before it started: `released`, file downloads).
 *
 * writeHead is held too. Node fixes the head when it is called (the MCP SDK's Node adapters call
 * it before `end`), and a fixed head could no longer become the refusal: its status and headers
 * are set on the response instead, and the head is written by the real `end` or first `write`.
 */
export function holdResponse(
  res: Response,
  settle: (body: Buffer) => Promise<void>,
  refuse: (err: unknown) => Refusal | undefined,
  released: () => boolean = () => false,
): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  const flushHeaders = res.flushHeaders.bind(res);
  const held: Buffer[] = [];
  const streaming = () => /text\/event-stream/.test(String(res.getHeader('content-type') ?? ''));
  let ended = false;
  /** False once the record is settled: the real write and end then write the head through res.writeHead. */
  let holding = true;
  let refused = false;
  /** The refusal in place of the answer, or a dropped connection once its status line has gone out. */
  const sendRefusal = (err: unknown) => {
    holding = false;
    if (refused) return;
    refused = true;
    const replacement = refuse(err);
    if (!replacement || res.headersSent) {
      res.destroy();
      return;
    }
    // Nothing the handler meant for an acknowledged call goes out with the refusal: no
    // Set-Cookie of a session, no Location of something created, no status text of its own. The
    // request id stays, and so does the route's CORS answer for this origin: without it a browser
    // client would see a network error instead of the refusal and its reason.
    for (const name of res.getHeaderNames()) if (!KEPT_ON_REFUSAL.test(name)) res.removeHeader(name);
    res.statusCode = replacement.status;
    res.statusMessage = '';
    const headers = replacement.headers ?? { 'Content-Type': 'application/json; charset=utf-8' };
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('Content-Length', Buffer.byteLength(replacement.body));
    end(replacement.body);
  };
  /** An event stream's record, settled before anything of the stream (headers included) is sent. */
  let opened: Promise<void> | undefined;
  const afterOpening = (send: () => unknown) => {
    opened ??= settle(Buffer.alloc(0));
    // Chained on one promise, so the stream's parts keep their order; refused, none of them goes out.
    opened.then(() => {
      holding = false;
      send();
    }, sendRefusal);
  };

  res.writeHead = ((statusCode: number, reason?: string | Head, head?: Head) => {
    if (released() || !holding) return writeHead(statusCode, reason, head);
    // An invalid status is Node's to refuse, to the caller, now.
    if ((statusCode | 0) < 100 || (statusCode | 0) > 999) return writeHead(statusCode, reason, head);
    res.statusCode = statusCode | 0;
    if (typeof reason === 'string') res.statusMessage = reason;
    // Set after (so over) what was set with setHeader, as Node's writeHead does.
    const given = typeof reason === 'string' ? head : (reason ?? head);
    for (const [name, value] of given ? headersOf(given) : []) res.setHeader(name, value as OutgoingHttpHeader);
    return res;
  }) as Response['writeHead'];

  res.flushHeaders = () => {
    if (released() || !holding) return flushHeaders();
    // A held body's head goes out with it; an event stream's as soon as its record is settled.
    if (streaming()) afterOpening(() => flushHeaders());
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
    settle(body).then(() => {
      holding = false;
      end(body, done);
    }, sendRefusal);
    return res;
  }) as Response['end'];
}
