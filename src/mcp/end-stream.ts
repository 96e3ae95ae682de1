import type { Response } from 'express';

const EVENT_STREAM = /text\/event-stream/;

export const isStream = (res: Response) => EVENT_STREAM.test(String(res.getHeader('content-type') ?? ''));

/**
 * Ends a response if it is an event stream: now if its head went out, else as soon as it does (the
 * audit holds a stream's head until its record commits). Node says nothing when a response's head
 * goes out: it is looked for every 50 ms until the response ends. `ended` runs once a stream was ended.
 */
export function endStream(res: Response, ended: () => void = () => undefined): void {
  if (res.writableEnded || res.destroyed) return;
  const endIfStream = () => {
    if (!isStream(res)) return;
    res.end();
    ended();
  };
  if (res.headersSent) return endIfStream();
  const timer = setInterval(() => {
    if (!res.headersSent) return;
    clearInterval(timer);
    endIfStream();
  }, 50);
  res.once('close', () => clearInterval(timer));
}
