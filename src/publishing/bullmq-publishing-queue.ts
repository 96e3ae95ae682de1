import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RepeatedErrorLog } from '../common/repeated-error-log';
import { within } from '../common/within';
import type { Job, Queue } from 'bullmq';
import {
  MAX_ATTEMPTS,
  PUBLISHING_QUEUE_NAME,
  type EnqueueOptions,
  type PublishingJob,
  type PublishingJobHandler,
  type PublishingQueue,
  QueueUnavailableError,
} from './publishing-queue';

/** Shares the handler between the queue adapter and the BullMQ worker that calls it. */
@Injectable()
export class PublishingHandlerSlot {
  handler?: PublishingJobHandler;
  /** Called once a handler exists, so the worker starts taking jobs only when it can run them. */
  onHandler?: () => void;
}

@Injectable()
export class BullmqPublishingQueue implements PublishingQueue {
  readonly kind = 'bullmq' as const;
  /** Until when adds are refused without trying, after one timed out. */
  private downUntil = 0;

  constructor(
    @InjectQueue(PUBLISHING_QUEUE_NAME) private readonly queue: Queue,
    private readonly slot: PublishingHandlerSlot,
  ) {
    // Without a listener BullMQ prints each reconnect failure's stack to stderr, past our logger.
    const errors = new RepeatedErrorLog(new Logger(BullmqPublishingQueue.name), 'publishing queue');
    queue.on('error', (err) => errors.error(err));
  }

  setHandler(handler: PublishingJobHandler): void {
    this.slot.handler = handler;
    this.slot.onHandler?.();
  }

  /**
   * Bounded, like ping: with Redis down BullMQ keeps the add until Redis is back, and a caller
   * awaiting it (a schedule call whose change is already committed) would never be answered. The
   * add itself is not withdrawn: each one given up on is sent when Redis is back, an extra job for
   * a target that is claimed at most once. After a timeout, adds fail at once for a few seconds, so
   * an outage costs a sweep or a burst of calls one wait, not one each.
   */
  async enqueue(job: PublishingJob, options: EnqueueOptions = {}): Promise<void> {
    if (Date.now() < this.downUntil) throw new QueueUnavailableError('Redis did not answer a moment ago');
    // BullMQ ignores an add whose jobId it already holds, which gives us "at most once" per id.
    try {
      await answeredInTime(() =>
        this.queue.add(job.name, job.data, {
          jobId: job.id,
          delay: Math.max(0, options.delayMs ?? 0),
          attempts: MAX_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        }),
      );
    } catch (err) {
      if (err instanceof QueueUnavailableError) this.downUntil = Date.now() + DOWN_FOR_MS;
      // Closed at shutdown with Redis gone (see PublishingProcessor): the same outage to callers.
      if ((err as Error).message === CONNECTION_CLOSED) throw new QueueUnavailableError(`Redis: ${CONNECTION_CLOSED}`);
      throw err;
    }
  }

  async ping(): Promise<void> {
    await redisRoundTrip(this.queue);
  }
}

const REDIS_ANSWER_MS = 2000;
const DOWN_FOR_MS = 5000;
/** ioredis' refusal of a command on a connection closed on purpose. */
const CONNECTION_CLOSED = 'Connection is closed.';

/** A real round trip to Redis, bounded. */
function redisRoundTrip(queue: Queue): Promise<unknown> {
  return answeredInTime(() => queue.getJobCounts('waiting'));
}

/** A call to Redis, bounded: with Redis down, BullMQ would otherwise wait for ever. */
function answeredInTime<T>(call: () => Promise<T>): Promise<T> {
  return within(
    REDIS_ANSWER_MS,
    call,
    () => new QueueUnavailableError(`Redis did not answer within ${REDIS_ANSWER_MS / 1000} s`),
  );
}

/**
 * Not started automatically: a process with no handler (the API before the pipeline registers one,
 * or a misconfigured worker) would otherwise take jobs from the shared queue and fail them.
 */
@Processor(PUBLISHING_QUEUE_NAME, { autorun: false })
export class PublishingProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private booted = false;
  private readonly logger = new Logger(PublishingProcessor.name);
  private readonly errors = new RepeatedErrorLog(this.logger, 'publishing worker');
  /** Handlers running now: a forced close does not wait for them, shutdown does. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly slot: PublishingHandlerSlot,
    @InjectQueue(PUBLISHING_QUEUE_NAME) private readonly queue: Queue,
  ) {
    super();
    slot.onHandler = () => this.start();
  }

  onApplicationBootstrap(): void {
    this.booted = true;
    if (this.slot.handler) this.start();
  }

  /**
   * Before the BullMQ module closes the worker and queue gracefully: that waits for the worker's
   * loop and for the queue's commands, which with Redis down wait for Redis, so shutdown hung.
   * Then both are closed at once, and the handlers still running are waited for here, while the
   * database is still open: a publish in flight records its outcome. A job whose lock lapses is
   * retried elsewhere and finds its target already claimed.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const reachable = await redisRoundTrip(this.queue).then(
      () => true,
      () => false,
    );
    if (reachable) return;
    await this.worker.close(true);
    await this.queue.getBackend().close(true);
    await Promise.allSettled(this.running);
  }

  private start(): void {
    if (!this.booted || this.worker.isRunning()) return;
    this.worker.run().catch((err: Error) => this.logger.error(`publishing worker stopped: ${err.message}`));
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.errors.error(err);
  }

  async process(job: Job<Record<string, unknown>>): Promise<void> {
    if (!this.slot.handler) throw new Error(`no handler registered for ${job.name}`);
    const run = this.slot.handler({ id: job.id ?? '', name: job.name, data: job.data });
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
    }
  }
}
