import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { AppConfig } from '../../src/config/config.types';
import { InProcessPublishingQueue } from '../../src/publishing/in-process-publishing-queue';
import {
  MAX_ATTEMPTS,
  PUBLISHING_QUEUE,
  PUBLISHING_QUEUE_NAME,
  type PublishingJob,
  type PublishingQueue,
  QueueUnavailableError,
} from '../../src/publishing/publishing-queue';
import { PublishingModule } from '../../src/publishing/publishing.module';
import { testConfig } from '../support/test-config';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to keep watching after a job ran, to catch a duplicate or an unwanted retry. */
const SETTLE_MS = 800;
/** Timers may fire a millisecond or two "early" against Date.now() rounding. */
const CLOCK_SLACK_MS = 15;
/** The first retry waits 2 s in both adapters (1000 * 2^1 in-process, BullMQ exponential 2000). */
const FIRST_BACKOFF_MS = 2000;

interface Run {
  at: number;
  job: PublishingJob;
}

/** The one handler a queue gets: records every call and fails the calls it was told to fail. */
class RecordingHandler {
  private readonly runs = new Map<string, Run[]>();
  private readonly failuresLeft = new Map<string, number>();

  readonly handle = (job: PublishingJob): Promise<void> => {
    this.runsOf(job.id).push({ at: Date.now(), job });
    const left = this.failuresLeft.get(job.id) ?? 0;
    if (left > 0) {
      this.failuresLeft.set(job.id, left - 1);
      return Promise.reject(new Error(`planned failure of ${job.id}`));
    }
    return Promise.resolve();
  };

  failNext(jobId: string, times: number): void {
    this.failuresLeft.set(jobId, times);
  }

  runsOf(jobId: string): Run[] {
    let list = this.runs.get(jobId);
    if (!list) {
      list = [];
      this.runs.set(jobId, list);
    }
    return list;
  }

  async waitForRuns(jobId: string, count: number, timeoutMs: number): Promise<Run[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.runsOf(jobId).length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `job ${jobId} ran ${this.runsOf(jobId).length} times, expected ${count} within ${timeoutMs} ms`,
        );
      await sleep(20);
    }
    return this.runsOf(jobId);
  }
}

const job = (data: Record<string, unknown> = {}): PublishingJob => ({ id: randomUUID(), name: 'publish-post', data });

/** The behaviour both adapters promise through the PublishingQueue port; call inside a describe. */
function queueContract(kind: PublishingQueue['kind'], config: () => AppConfig): void {
  {
    let app: INestApplicationContext;
    let queue: PublishingQueue;
    const handler = new RecordingHandler();

    beforeAll(async () => {
      app = await NestFactory.createApplicationContext(PublishingModule.forRoot(config()), { logger: false });
      queue = app.get<PublishingQueue>(PUBLISHING_QUEUE);
      queue.setHandler(handler.handle);
    });
    afterAll(async () => {
      await app?.close();
    });

    it(`is the ${kind} adapter and answers ping`, async () => {
      expect(queue.kind).toBe(kind);
      await expect(queue.ping()).resolves.toBeUndefined();
    });

    it('does not run a delayed job before its delay, then runs it exactly once', async () => {
      const delayed = job({ postId: randomUUID() });
      const enqueuedAt = Date.now();
      await queue.enqueue(delayed, { delayMs: 300 });

      const [first] = await handler.waitForRuns(delayed.id, 1, 5000);
      expect(first.at - enqueuedAt).toBeGreaterThanOrEqual(300 - CLOCK_SLACK_MS);
      expect(first.job).toEqual(delayed);

      await sleep(SETTLE_MS);
      expect(handler.runsOf(delayed.id)).toHaveLength(1);
    });

    it('runs a job id once however often it is enqueued, keeping the first payload', async () => {
      const original = job({ attempt: 'first' });
      await queue.enqueue(original, { delayMs: 300 });
      await queue.enqueue({ ...original, data: { attempt: 'second' } }, { delayMs: 0 });

      const [run] = await handler.waitForRuns(original.id, 1, 5000);
      expect(run.job.data).toEqual({ attempt: 'first' });

      // Once it has run, the id stays spent.
      await queue.enqueue(original);
      await sleep(SETTLE_MS);
      expect(handler.runsOf(original.id)).toHaveLength(1);
    });

    it('retries a failed job after the first backoff, and stops once it succeeds', async () => {
      const flaky = job();
      handler.failNext(flaky.id, 1);
      await queue.enqueue(flaky);

      const [failed, retried] = await handler.waitForRuns(flaky.id, 2, FIRST_BACKOFF_MS + 4000);
      expect(retried.at - failed.at).toBeGreaterThanOrEqual(FIRST_BACKOFF_MS - CLOCK_SLACK_MS);
      expect(retried.job).toEqual(flaky);

      await sleep(SETTLE_MS);
      expect(handler.runsOf(flaky.id)).toHaveLength(2);
    }, 15_000);
  }
}

describe('PublishingQueue', () => {
  describe('in-process adapter', () => {
    queueContract('in-process', () => ({ ...testConfig(), redisUrl: undefined }));
  });

  // Redis is optional locally and present in CI: without REDIS_URL this block is skipped, not faked.
  (process.env.REDIS_URL ? describe : describe.skip)('bullmq adapter', () => {
    queueContract('bullmq', () => {
      // Our own logical database: every app other test files start with REDIS_URL runs a BullMQ
      // worker on the same queue without a handler, which would take our jobs and fail them.
      const url = new URL(process.env.REDIS_URL as string);
      url.pathname = '/9';
      return { ...testConfig(), redisUrl: url.toString() };
    });
  });

  // Needs a real Redis to lose: through a proxy the test can cut, after the queue has connected.
  (process.env.REDIS_URL ? describe : describe.skip)('bullmq adapter when Redis goes away', () => {
    it('refuses adds at once, and shuts down without waiting for Redis, after the job in hand', async () => {
      const redis = new URL(process.env.REDIS_URL as string);
      const sockets: Socket[] = [];
      const proxy = createServer((socket) => {
        const upstream = connect(Number(redis.port || 6379), redis.hostname);
        sockets.push(socket, upstream);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const through = new URL(redis);
      through.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      through.pathname = '/8';
      const app = await NestFactory.createApplicationContext(
        PublishingModule.forRoot({ ...testConfig(), redisUrl: through.toString() }),
        { logger: false },
      );
      let closed = false;
      try {
        const queue = app.get<PublishingQueue>(PUBLISHING_QUEUE);
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        let finished = false;
        queue.setHandler(async () => {
          started();
          // Still running when the shutdown below starts (about 4 s from now).
          await sleep(6000);
          finished = true;
        });
        await queue.enqueue(job());
        await running;

        proxy.close();
        sockets.forEach((socket) => socket.destroy());
        await expect(queue.enqueue(job())).rejects.toBeInstanceOf(QueueUnavailableError);
        // Refused without another wait while Redis was just found not answering.
        const again = Date.now();
        await expect(queue.enqueue(job())).rejects.toBeInstanceOf(QueueUnavailableError);
        expect(Date.now() - again).toBeLessThan(500);

        const closing = Date.now();
        await app.close();
        closed = true;
        expect(Date.now() - closing).toBeLessThan(15_000);
        expect(finished).toBe(true);
      } finally {
        // A failure above must not leave the app's reconnect loops or the proxy running.
        if (!closed) await app.close().catch(() => undefined);
        proxy.close();
        sockets.forEach((socket) => socket.destroy());
      }
    });
  });

  (process.env.REDIS_URL ? describe : describe.skip)('bullmq adapter after a forced close', () => {
    it('refuses an add on the closed connection as the queue being unavailable', async () => {
      // The shutdown path with Redis gone force-closes the queue's connection; a schedule call still
      // in flight then gets ioredis' "Connection is closed.", which callers must see as an outage.
      const redis = new URL(process.env.REDIS_URL as string);
      redis.pathname = '/8';
      const app = await NestFactory.createApplicationContext(
        PublishingModule.forRoot({ ...testConfig(), redisUrl: redis.toString() }),
        { logger: false },
      );
      try {
        const queue = app.get<PublishingQueue>(PUBLISHING_QUEUE);
        // Connected (a round trip), with nothing left behind in the shared database.
        await queue.ping();
        await app.get<Queue>(getQueueToken(PUBLISHING_QUEUE_NAME)).getBackend().close(true);
        const refused = queue.enqueue(job());
        await expect(refused).rejects.toBeInstanceOf(QueueUnavailableError);
        await expect(refused).rejects.toThrow('Redis: Connection is closed.');
      } finally {
        await app.close();
      }
    });
  });

  describe('bullmq adapter with Redis unreachable', () => {
    let app: INestApplicationContext;
    let queue: PublishingQueue;
    const errors: string[] = [];
    const quiet = () => undefined;

    beforeAll(async () => {
      // Nothing listens on port 1: ioredis keeps reconnecting, and BullMQ keeps every command for later.
      const config = { ...testConfig(), redisUrl: 'redis://127.0.0.1:1' };
      app = await NestFactory.createApplicationContext(PublishingModule.forRoot(config), {
        logger: { log: quiet, warn: quiet, error: (message: string) => errors.push(message) },
      });
      queue = app.get<PublishingQueue>(PUBLISHING_QUEUE);
    });
    afterAll(async () => {
      await app?.close();
    });

    // A schedule call awaits its enqueue after its change committed; unbounded, it was never answered.
    it.each([
      ['enqueue', () => queue.enqueue(job())],
      ['ping', () => queue.ping()],
    ])('refuses %s within the bound instead of waiting for Redis', async (_name, call) => {
      const started = Date.now();
      await expect(call()).rejects.toThrow('Redis did not answer within 2 s');
      expect(Date.now() - started).toBeLessThan(4000);
    });

    it('logs the outage once through the logger, not each reconnect attempt', () => {
      // By now ioredis has failed to connect many times, for the queue and for the worker.
      expect(errors.filter((e) => e.includes('ECONNREFUSED')).sort()).toEqual([
        'publishing queue: connect ECONNREFUSED 127.0.0.1:1',
        'publishing worker: connect ECONNREFUSED 127.0.0.1:1',
      ]);
    });
  });

  describe(`${InProcessPublishingQueue.name} retries`, () => {
    let app: INestApplicationContext;
    let queue: PublishingQueue;
    const handler = new RecordingHandler();

    beforeAll(async () => {
      app = await NestFactory.createApplicationContext(
        PublishingModule.forRoot({ ...testConfig(), redisUrl: undefined }),
        {
          logger: false,
        },
      );
      queue = app.get<PublishingQueue>(PUBLISHING_QUEUE);
      queue.setHandler(handler.handle);
    });
    afterEach(() => {
      jest.useRealTimers();
    });
    afterAll(async () => {
      await app?.close();
    });

    // Backoffs of 2 s and 4 s would make this a 6 s test on the wall clock; the adapter is nothing
    // but timers, so Jest's clock drives it (promises still settle for real between timers).
    it(`gives up after ${MAX_ATTEMPTS} attempts, backing off 2 s then 4 s`, async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
      const doomed = job();
      handler.failNext(doomed.id, Number.MAX_SAFE_INTEGER);
      const start = Date.now();
      await queue.enqueue(doomed);

      await jest.advanceTimersByTimeAsync(60_000);

      const offsets = handler.runsOf(doomed.id).map((r) => r.at - start);
      expect(offsets).toEqual([0, 2000, 6000]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('drops pending jobs when the application shuts down', async () => {
      const local = await NestFactory.createApplicationContext(
        PublishingModule.forRoot({ ...testConfig(), redisUrl: undefined }),
        {
          logger: false,
        },
      );
      const localHandler = new RecordingHandler();
      const localQueue = local.get<PublishingQueue>(PUBLISHING_QUEUE);
      localQueue.setHandler(localHandler.handle);
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
      const pending = job();
      await localQueue.enqueue(pending, { delayMs: 200 });

      await local.close();
      // No timer left behind, and none fires however long we wait.
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(localHandler.runsOf(pending.id)).toHaveLength(0);
    });
  });
});
