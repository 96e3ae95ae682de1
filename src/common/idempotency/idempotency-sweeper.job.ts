import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { HourlyJob } from '../jobs/hourly-job';
import { returningRows } from '../../database/returning-rows';
import { IDEMPOTENCY_KEY_TTL_HOURS } from './idempotency.service';

/**
 * Forgets idempotency keys older than their 24 hours, hourly. Each row holds the first result of a
 * create (post text included), so keeping them longer than promised would keep content that its
 * owner has since deleted or purged. Housekeeping of a cache, not a change anyone made: not audited.
 */
@Injectable()
export class IdempotencySweeperJob extends HourlyJob<number> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super(new Logger('IdempotencySweeper'), 'idempotency sweep');
  }

  /** Returns how many keys were forgotten. */
  protected async work(): Promise<number> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING key`,
      [IDEMPOTENCY_KEY_TTL_HOURS],
    );
    return returningRows(result).length;
  }

  protected report(swept: number): string | undefined {
    return swept ? `forgot ${swept} expired idempotency key(s)` : undefined;
  }
}
