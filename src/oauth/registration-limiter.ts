import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterStore } from '../common/limiter-store';
import { addressGroup } from '../common/client-address';

/** How many times one address's hourly registrations the whole deployment takes in an hour. */
export const DEPLOYMENT_FACTOR = 20;

export type RegistrationAdmission =
  | { admitted: true }
  /** Spent: by this address, or by everyone (many addresses, an IPv6 range); no wait when it could not be counted. */
  | { admitted: false; spentBy?: 'address' | 'everyone'; retryAfterSeconds?: number };

/**
 * Dynamic client registration needs no credential (MCP clients register themselves), so anyone who
 * can reach the server can store clients. This bounds how fast one address can, and, since one
 * IPv6 /48 holds 65 536 /64s, how fast everyone together can (DEPLOYMENT_FACTOR times one
 * address's): a flood then delays new connections for the hour, but cannot fill the database.
 * Counted across instances when Redis is configured. A limit that cannot be counted refuses.
 */
@Injectable()
export class RegistrationLimiter {
  private readonly perAddress: RateLimiterAbstract;
  private readonly overall: RateLimiterAbstract;

  constructor(store: LimiterStore, @Inject(APP_CONFIG) config: AppConfig) {
    // An MCP client registers once per install or connection: an office connecting behind one
    // address stays far below the default of 60; a script filling the client table does not.
    const points = config.oauthRegistrationsPerHour;
    this.perAddress = store.limiter({ keyPrefix: 'oauth-register', points, duration: 3600 });
    const overall = points * DEPLOYMENT_FACTOR;
    this.overall = store.limiter({ keyPrefix: 'oauth-register-all', points: overall, duration: 3600 });
  }

  /**
   * Counts one registration from `address`, against its own limit and then everyone's (so one
   * address that is refused spends nothing of the others'). Not admitted once either is spent (with
   * the wait), or when the store cannot answer (without).
   */
  async admit(address: string): Promise<RegistrationAdmission> {
    const spent =
      (await take(this.perAddress, addressGroup(address), 'address')) ?? (await take(this.overall, 'all', 'everyone'));
    if (!spent) return { admitted: true };
    return spent === 'unknown' ? { admitted: false } : { admitted: false, ...spent };
  }
}

type Spent = { spentBy: 'address' | 'everyone'; retryAfterSeconds: number } | 'unknown' | undefined;

async function take(limiter: RateLimiterAbstract, key: string, spentBy: 'address' | 'everyone'): Promise<Spent> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) return 'unknown';
    return { spentBy, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
  }
}
