import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RepeatedErrorLog } from '../common/repeated-error-log';
import type { Job, Queue } from 'bullmq';
import {
  MAX_ATTEMPTS,
  PUBLISHING_QUEUE_NAME,
  type EnqueueOptions,
  type PublishingJob,
  type PublishingJobHandler,
  type PublishingQueue,
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
   * a target that is claimed at most once.
   */
  async enqueue(job: PublishingJob, options: EnqueueOptions = {}): Promise<void> {
    // BullMQ ignores an add whose jobId it already holds, which gives us "at most once" per id.
    await answeredInTime(
      this.queue.add(job.name, job.data, {
        jobId: job.id,
        delay: Math.max(0, options.delayMs ?? 0),
        attempts: MAX_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      }),
    );
  }

  /** A real round trip to Redis, bounded: with Redis down, BullMQ would otherwise wait forever. */
  async ping(): Promise<void> {
    await answeredInTime(this.queue.getJobCounts('waiting'));
  }
}

const REDIS_ANSWER_MS = 2000;

async function answeredInTime<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${REDIS_ANSWER_MS / 1000} s`)),
      REDIS_ANSWER_MS,
    );
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Not started automatically: a process with no handler (the API before the pipeline registers one,
 * or a misconfigured worker) would otherwise take jobs from the shared queue and fail them.
 */
@Processor(PUBLISHING_QUEUE_NAME, { autorun: false })
export class PublishingProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private booted = false;
  private readonly errors = new RepeatedErrorLog(new Logger(PublishingProcessor.name), 'publishing worker');

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
   * Before the BullMQ module closes the worker gracefully: that waits for the worker's loop, which
   * with Redis down waits for Redis, so shutdown hung. Then the worker is closed at once; a job it
   * held is retried elsewhere once its lock expires, and a target is claimed at most once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const reachable = await answeredInTime(this.queue.getJobCounts('waiting')).then(
      () => true,
      () => false,
    );
    if (!reachable) await this.worker.close(true);
  }

  private start(): void {
    if (!this.booted || this.worker.isRunning()) return;
    this.worker
      .run()
      .catch((err: Error) => new Logger(PublishingProcessor.name).error(`publishing worker stopped: ${err.message}`));
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.errors.error(err);
  }

  async process(job: Job<Record<string, unknown>>): Promise<void> {
    if (!this.slot.handler) throw new Error(`no handler registered for ${job.name}`);
    await this.slot.handler({ id: job.id ?? '', name: job.name, data: job.data });
  }
}
