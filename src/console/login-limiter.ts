import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error';
import { addressGroup } from '../common/client-address';
import { LimiterStore } from '../common/limiter-store';

/**
 * Slows password guessing: failed sign-ins per email and address pair, and per address overall.
 * Only failures count, so the people of one office behind one address can all sign in. Shared
 * across instances through Redis when it is configured. If the limiter cannot answer, logins are
 * refused.
 */
@Injectable()
export class LoginLimiter {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;

  constructor(store: LimiterStore) {
    this.perAccount = store.limiter({ keyPrefix: 'login-account', points: 5, duration: 15 * 60 });
    this.perAddress = store.limiter({ keyPrefix: 'login-address', points: 30, duration: 15 * 60 });
  }

  /** Before the password is checked: throws `rate_limited` with the wait once either limit is spent. */
  async attempt(email: string, address: string): Promise<void> {
    const limits: [RateLimiterAbstract, string][] = [
      [this.perAccount, accountKey(email, address)],
      [this.perAddress, addressGroup(address)],
    ];
    const spent = await this.answer(() => Promise.all(limits.map(([limiter, key]) => limiter.get(key))));
    const waits = spent.flatMap((res, i) =>
      res && res.consumedPoints >= limits[i][0].points ? [res.msBeforeNext] : [],
    );
    if (!waits.length) return;
    const wait = Math.ceil(Math.max(...waits) / 1000);
    throw new AppError('rate_limited', `too many login attempts; try again in ${wait} seconds`, undefined, wait);
  }

  /** A wrong email or password: counted against both limits. */
  async failed(email: string, address: string): Promise<void> {
    await this.answer(() =>
      Promise.all([
        this.perAccount.penalty(accountKey(email, address)),
        this.perAddress.penalty(addressGroup(address)),
      ]),
    );
  }

  async succeeded(email: string, address: string): Promise<void> {
    await this.answer(() => this.perAccount.delete(accountKey(email, address)));
  }

  /** The limiter's store, or a refusal: a login the limiter cannot count is not let through. */
  private async answer<T>(ask: () => Promise<T>): Promise<T> {
    try {
      return await ask();
    } catch {
      throw new AppError('unavailable', 'login is unavailable right now; try again shortly');
    }
  }
}

/** The email as the account lookup reads it (trimmed, lower case), so no spelling gets fresh tries. */
function accountKey(email: string, address: string): string {
  return `${email.trim().toLowerCase()}|${addressGroup(address)}`;
}
