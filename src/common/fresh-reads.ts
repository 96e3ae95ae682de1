interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Shares reads of one value among concurrent callers without ever handing a caller a read that
 * began before it asked: callers that arrive while a read is in flight wait for the next one,
 * which starts when that read ends and serves all of them. So at most one read runs at a time,
 * each caller sees the value as of some moment after its call, and a failed read fails exactly
 * the callers it was for.
 */
export class FreshReads<T> {
  private waiting: Waiter<T>[] = [];
  private reading = false;

  constructor(private readonly readOnce: () => Promise<T>) {}

  read(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.reading) return;
      this.reading = true;
      // Begin after the I/O already polled: the requests that arrived together share the first read.
      setImmediate(() => void this.serveWaiting());
    });
  }

  private async serveWaiting(): Promise<void> {
    while (this.waiting.length) {
      const group = this.waiting;
      this.waiting = [];
      try {
        const value = await this.readOnce();
        group.forEach((w) => w.resolve(value));
      } catch (err) {
        group.forEach((w) => w.reject(err));
      }
    }
    this.reading = false;
  }
}
