import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
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
  ) {}

  setHandler(handler: PublishingJobHandler): void {
    this.slot.handler = handler;
    this.slot.onHandler?.();
  }

  async enqueue(job: PublishingJob, options: EnqueueOptions = {}): Promise<void> {
    // BullMQ ignores an add whose jobId it already holds, which gives us "at most once" per id.
    await this.queue.add(job.name, job.data, {
      jobId: job.id,
      delay: Math.max(0, options.delayMs ?? 0),
      attempts: MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** A real round trip to Redis, bounded: with Redis down, BullMQ would otherwise wait forever. */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer within 2 s')), 2000);
    });
    try {
      await Promise.race([this.queue.getJobCounts('waiting'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Not started automatically: a process with no handler (the API before the pipeline registers one,
 * or a misconfigured worker) would otherwise take jobs from the shared queue and fail them.
 */
@Processor(PUBLISHING_QUEUE_NAME, { autorun: false })
export class PublishingProcessor extends WorkerHost implements OnApplicationBootstrap {
  private booted = false;

  constructor(private readonly slot: PublishingHandlerSlot) {
    super();
    slot.onHandler = () => this.start();
  }

  onApplicationBootstrap(): void {
    this.booted = true;
    if (this.slot.handler) this.start();
  }

  private start(): void {
    if (!this.booted || this.worker.isRunning()) return;
    this.worker
      .run()
      .catch((err: Error) => new Logger(PublishingProcessor.name).error(`publishing worker stopped: ${err.message}`));
  }

  async process(job: Job<Record<string, unknown>>): Promise<void> {
    if (!this.slot.handler) throw new Error(`no handler registered for ${job.name}`);
    await this.slot.handler({ id: job.id ?? '', name: job.name, data: job.data });
  }
}
