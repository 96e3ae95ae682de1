import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { HourlyJob } from '../common/jobs/hourly-job';

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
export class ExpiredCredentialsSweeperJob extends HourlyJob<number> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super(new Logger('ExpiredCredentialsSweeper'), 'expired credential sweep');
  }

  /** Returns how many rows were deleted. */
  protected async work(): Promise<number> {
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

  protected report(deleted: number): string | undefined {
    return deleted ? `deleted ${deleted} expired token, session or registration record(s)` : undefined;
  }
}
