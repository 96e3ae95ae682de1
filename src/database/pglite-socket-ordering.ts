import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Works around electric-sql/pglite#1046 (pglite-socket 0.2.17): the socket server multiplexes
 * every client connection into PGlite's single session one *protocol message* at a time, keeping a
 * connection's messages together only inside a transaction. The extended query protocol sends one
 * statement as several messages (Parse, Bind, Describe, Execute … Sync), so two pooled connections
 * outside a transaction can interleave them and one query runs with another's parameters or
 * returns another's rows. That is a correctness and access-control hazard, not a performance one.
 *
 * The fix keeps the queue on one connection from its first extended-protocol message until its
 * Sync, exactly as the library already does for transactions. Remove when the upstream fix ships.
 */

interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
  onData: (data: Uint8Array) => void;
}

interface QueryQueue {
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(m: Uint8Array, o: { onRawData: (d: Uint8Array) => void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// Frontend message types that open or continue an extended-protocol exchange: Parse, Bind,
// Describe, Execute, Close, Flush. Sync ('S') ends it.
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
const SYNC = 0x53;

export function keepExtendedQueriesTogether(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  if (!q || typeof q.processQueue !== 'function')
    throw new Error('pglite-socket internals changed; review pglite-socket-ordering.ts');
  let owner: number | null = null;

  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const holder = this.db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : owner;
        let item: QueueItem | undefined;
        if (holder !== null) {
          const index = this.queue.findIndex((i) => i.handlerId === holder);
          // The holder's next message has not arrived yet: wait for it rather than interleave.
          if (index === -1) break;
          item = this.queue.splice(index, 1)[0];
        } else {
          item = this.queue.shift();
        }
        if (!item) break;
        const type = item.message[0];
        if (EXTENDED.has(type)) owner = item.handlerId;
        else if (type === SYNC && owner === item.handlerId) owner = null;
        let bytes = 0;
        const current = item;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (err) {
          current.reject(err);
          continue;
        }
        this.lastHandlerId = current.handlerId;
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that vanished mid-exchange must not hold the queue for ever.
    if (owner === handlerId) owner = null;
    void q.processQueue();
  };
}
