import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  MAX_ATTEMPTS,
  type EnqueueOptions,
  type PublishingJob,
  type PublishingJobHandler,
  type PublishingQueue,
} from './publishing-queue';

/**
 * Timers in this process. Not durable: the pipeline re-enqueues due work from PostgreSQL on start,
 * which is what makes this adapter safe for a single instance.
 */
@Injectable()
export class InProcessPublishingQueue implements PublishingQueue, OnApplicationShutdown {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger(InProcessPublishingQueue.name);
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private handler?: PublishingJobHandler;

  setHandler(handler: PublishingJobHandler): void {
    this.handler = handler;
  }

  enqueue(job: PublishingJob, options: EnqueueOptions = {}): Promise<void> {
    if (this.known.has(job.id)) return Promise.resolve();
    this.known.add(job.id);
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
