import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Rows deleted per statement, so a long backlog never holds many row locks or one long transaction. */
const BATCH = 5000;
/** Each table swept, and which of its rows are gone for good. */
const EXPIRED: [table: string, condition: string][] = [
  ['oauth_artifacts', `expires_at < now() AND model <> 'Grant'`],
  ['console_sessions', 'expires_at < now()'],
];

/**
 * Deletes what has expired of the authorization server's records (codes, access and refresh tokens,
 * including every rotated-away refresh token, sessions, interactions, idle client registrations) and
 * of console sessions, hourly. Both are read only while unexpired, so nothing changes for anyone;
 * left alone, an agent in use adds rows every hour, forever. Grants are kept: one per connection,
 * and the console's list of connections goes by them. Housekeeping, not a change anyone made: not
 * audited.
 */
@Injectable()
export class ExpiredCredentialsSweeperJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExpiredCredentialsSweeper');
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

  /** One sweep; returns how many rows were deleted. */
  run(): Promise<number> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(): Promise<number> {
    let deleted = 0;
    for (const [table, condition] of EXPIRED) {
      for (;;) {
        const [{ n }] = await this.dataSource.query<{ n: number }[]>(
          `WITH gone AS (DELETE FROM ${table} WHERE key IN (SELECT key FROM ${table} WHERE ${condition} LIMIT ${BATCH})
             RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        );
        deleted += n;
        if (n < BATCH) break;
      }
    }
    return deleted;
  }

  private async tick(): Promise<void> {
    try {
      const deleted = await this.run();
      if (deleted) this.logger.log(`deleted ${deleted} expired token, session or registration record(s)`);
    } catch (err) {
      this.logger.error(`expired credential sweep failed; next try in an hour: ${(err as Error).message}`);
    }
  }
}
