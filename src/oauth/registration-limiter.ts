import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterStore } from '../common/limiter-store';
import { addressGroup } from '../console/login-limiter';

export type RegistrationAdmission = { admitted: true } | { admitted: false; retryAfterSeconds?: number };

/**
 * Dynamic client registration needs no credential (MCP clients register themselves), so anyone who
 * can reach the server can store clients. This bounds how fast one address can, across instances
 * when Redis is configured. A limit that cannot be counted refuses the registration.
 */
@Injectable()
export class RegistrationLimiter {
  private readonly perAddress: RateLimiterAbstract;

  constructor(store: LimiterStore, @Inject(APP_CONFIG) config: AppConfig) {
    // An MCP client registers once per install or connection: an office connecting behind one
    // address stays far below the default of 60; a script filling the client table does not.
    const points = config.oauthRegistrationsPerHour;
    this.perAddress = store.limiter({ keyPrefix: 'oauth-register', points, duration: 3600 });
  }

  /** Counts one registration from `address`; not admitted once the hour's are spent (with the wait), or when the store cannot answer (without). */
  async admit(address: string): Promise<RegistrationAdmission> {
    try {
      await this.perAddress.consume(addressGroup(address));
      return { admitted: true };
    } catch (err) {
      if (err instanceof RateLimiterRes)
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      return { admitted: false };
    }
  }
}
