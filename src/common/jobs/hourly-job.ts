import type { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

/** How often an hourly job runs. */
export const HOURLY_MS = 60 * 60 * 1000;

/**
 * Housekeeping the API process runs hourly, on a timer that never keeps the process alive on its
 * own, and that tests can run directly. One run at a time: asked for during a run, `run` joins it.
 * On shutdown a run already started is let finish (commit or roll back) before the database goes.
 */
export abstract class HourlyJob<T> implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  /** `what` names the job in its failure log line. */
  protected constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  /** One run's work. */
  protected abstract work(): Promise<T>;

  /** The log line of a run that did something; undefined for one that found nothing to do. */
  protected abstract report(result: T): string | undefined;

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), HOURLY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  run(): Promise<T> {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    try {
      const line = this.report(await this.run());
      if (line) this.logger.log(line);
    } catch (err) {
      this.logger.error(`${this.what} failed; next try in an hour: ${(err as Error).message}`);
    }
  }
}
