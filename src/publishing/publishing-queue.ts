/** A unit of publishing work; `id` makes enqueueing idempotent (one id runs at most once). */
export interface PublishingJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

export type PublishingJobHandler = (job: PublishingJob) => Promise<void>;

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/**
 * The port the publishing pipeline talks to. Two adapters: BullMQ on Redis (several instances,
 * durable) and in-process (one instance, zero setup). Both run a given job id at most once.
 */
export interface PublishingQueue {
  readonly kind: 'bullmq' | 'in-process';
  /** Throws `QueueUnavailableError` when the queue's store does not answer in time. */
  enqueue(job: PublishingJob, options?: EnqueueOptions): Promise<void>;
  /** The one handler that executes jobs; set by the pipeline at start-up. */
  setHandler(handler: PublishingJobHandler): void;
  ping(): Promise<void>;
}

export const PUBLISHING_QUEUE = Symbol('PUBLISHING_QUEUE');
export const PUBLISHING_QUEUE_NAME = 'publishing';
export const MAX_ATTEMPTS = 3;

/** The queue's store (Redis) did not answer: nothing was queued, and the rows still say what is due. */
export class QueueUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}
