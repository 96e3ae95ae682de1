import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error';
import { APP_CONFIG, type AppConfig } from '../config/config.types';

/**
 * Slows password guessing: per email and address pair, and per address overall. Shared across
 * instances through Redis when it is configured. If the limiter cannot answer, logins are refused.
 */
@Injectable()
export class LoginLimiter implements OnApplicationShutdown {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  private readonly redis?: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const account = { keyPrefix: 'login-account', points: 5, duration: 15 * 60, blockDuration: 15 * 60 };
    const address = { keyPrefix: 'login-address', points: 30, duration: 15 * 60 };
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.perAccount = new RateLimiterRedis({ storeClient: this.redis, ...account });
      this.perAddress = new RateLimiterRedis({ storeClient: this.redis, ...address });
    } else {
      this.perAccount = new RateLimiterMemory(account);
      this.perAddress = new RateLimiterMemory(address);
    }
  }

  /** Counts an attempt; throws `rate_limited` with the wait when over the limit. */
  async attempt(email: string, address: string): Promise<void> {
    try {
      await Promise.all([
        this.perAccount.consume(`${email.toLowerCase()}|${address}`),
        this.perAddress.consume(address),
      ]);
    } catch (res) {
      const wait = Math.ceil(((res as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000);
      if (res instanceof Error) throw new AppError('unavailable', 'login is unavailable right now; try again shortly');
      throw new AppError('rate_limited', `too many login attempts; try again in ${wait} seconds`);
    }
  }

  async succeeded(email: string, address: string): Promise<void> {
    await this.perAccount.delete(`${email.toLowerCase()}|${address}`);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
