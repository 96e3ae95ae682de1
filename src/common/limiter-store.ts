import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RepeatedErrorLog } from './repeated-error-log';
import { APP_CONFIG, type AppConfig } from '../config/config.types';

export interface LimitOptions {
  /** Names the limit's counters in the store, apart from every other limit's. */
  keyPrefix: string;
  points: number;
  /** Seconds over which the points are counted. */
  duration: number;
}

/**
 * Where attempt limits count: in Redis when it is configured, so every instance counts against the
 * same limit, else in this instance's memory. One Redis connection serves every limit. Its
 * commands fail at once when Redis is down (no offline queue): each limit's owner then refuses.
 */
@Injectable()
export class LimiterStore implements OnApplicationShutdown {
  private readonly redis?: Redis;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'redisUrl'>) {
    if (!config.redisUrl) return;
    this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Without a listener ioredis prints each reconnect failure to stderr, past our logger.
    const errors = new RepeatedErrorLog(new Logger(LimiterStore.name), 'attempt limits');
    this.redis.on('error', (err) => errors.error(err));
  }

  limiter(options: LimitOptions): RateLimiterAbstract {
    return this.redis ? new RateLimiterRedis({ storeClient: this.redis, ...options }) : new RateLimiterMemory(options);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
