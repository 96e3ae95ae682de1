import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  MAX_ATTEMPTS,
  type EnqueueOptions,
  type PublishingJob,
  type PublishingJobHandler,
  type PublishingQueue,
} from './publishing-queue';

const ID_MEMORY_MS = 24 * 3600 * 1000;

/**
 * Timers in this process. Not durable: the pipeline re-enqueues due work from PostgreSQL on start,
 * which is what makes this adapter safe for a single instance.
 */
@Injectable()
export class InProcessPublishingQueue implements PublishingQueue, OnApplicationShutdown {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger(InProcessPublishingQueue.name);
  /** Ids seen, with when: kept as long as BullMQ keeps a finished job (a day), then forgotten. */
  private readonly known = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private handler?: PublishingJobHandler;

  setHandler(handler: PublishingJobHandler): void {
    this.handler = handler;
  }

  enqueue(job: PublishingJob, options: EnqueueOptions = {}): Promise<void> {
    this.forgetOld();
    if (this.known.has(job.id)) return Promise.resolve();
    this.known.set(job.id, Date.now());
    this.schedule(job, Math.max(0, options.delayMs ?? 0), 1);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  onApplicationShutdown(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }

  private forgetOld(): void {
    const cutoff = Date.now() - ID_MEMORY_MS;
    // A Map iterates in insertion order, which is time order here: stop at the first recent id.
    for (const [id, at] of this.known) {
      if (at > cutoff) break;
      this.known.delete(id);
    }
  }

  private schedule(job: PublishingJob, delayMs: number, attempt: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(job, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(job: PublishingJob, attempt: number): Promise<void> {
    if (!this.handler) {
      this.logger.error(`no handler for job ${job.name}; dropped ${job.id}`);
      return;
    }
    try {
      await this.handler(job);
    } catch (err) {
      this.logger.warn(`job ${job.id} attempt ${attempt} failed: ${(err as Error).message}`);
      if (attempt < MAX_ATTEMPTS) this.schedule(job, 1000 * 2 ** attempt, attempt + 1);
    }
  }
}
