import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { returningRows } from '../../database/returning-rows';
import { IDEMPOTENCY_KEY_TTL_HOURS } from './idempotency.service';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Forgets idempotency keys older than their 24 hours, hourly. Each row holds the first result of a
 * create (post text included), so keeping them longer than promised would keep content that its
 * owner has since deleted or purged. Housekeeping of a cache, not a change anyone made: not audited.
 */
@Injectable()
export class IdempotencySweeperJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencySweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), SWEEP_INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One sweep; returns how many keys were forgotten. */
  run(): Promise<number> {
    this.running ??= this.dataSource
      .query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING key`, [
        IDEMPOTENCY_KEY_TTL_HOURS,
      ])
      .then((result) => returningRows(result).length)
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async tick(): Promise<void> {
    try {
      const swept = await this.run();
      if (swept) this.logger.log(`forgot ${swept} expired idempotency key(s)`);
    } catch (err) {
      this.logger.error(`idempotency sweep failed; next try in an hour: ${(err as Error).message}`);
    }
  }
}
