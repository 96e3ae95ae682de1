import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AppError } from '../common/app-error';
import { setRetryAfter } from '../common/retry-after';
import { UsersService } from '../domain/users/users.service';
import type { UserEntity } from '../domain/users/user.entity';
import { AccountChangedError, ConsoleSessions, consoleUserActor } from './console-session.service';
import { LoginLimiter } from './login-limiter';

const WRONG_CREDENTIALS = 'Email or password is not right.';

export type SignInResult = { user: UserEntity } | { status: 401 | 429 | 503; message: string };

/**
 * Signing a person in, for the console and for an OAuth interaction alike: rate limit, password
 * check with one message for unknown email and wrong password, then a console session.
 */
@Injectable()
export class ConsoleSignIn {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly sessions: ConsoleSessions,
  ) {}

  async signIn(email: string, password: string, address: string, res: Response): Promise<SignInResult> {
    const checked = await this.checkPassword(email, password, address, res);
    if (!('user' in checked)) return checked;
    const { user } = checked;
    // Named before the session is stored: its record is written in that transaction. A refusal
    // above names no one, so the trail does not tell which emails have accounts; one below does,
    // since the password was right when it was checked.
    const draft = AuditContext.current();
    if (draft) draft.actor = consoleUserActor(user.id);
    try {
      await this.sessions.start(res, user.id, user.passwordHash);
    } catch (err) {
      if (!(err instanceof AccountChangedError)) throw err;
      // Reset or disabled while the password was checked: the password given is no longer the way in.
      if (draft) Object.assign(draft, { decision: 'denied', errorCode: 'login_failed', reason: err.message });
      return { status: 401, message: WRONG_CREDENTIALS };
    }
    return { user };
  }

  /**
   * The password check alone, under the same limits (a signed-in person confirming who they are
   * counts against them too, so a borrowed session cannot guess the password either).
   */
  async checkPassword(email: string, password: string, address: string, res: Response): Promise<SignInResult> {
    try {
      await this.limiter.attempt(email, address);
    } catch (err) {
      // Refused either way; a limiter that cannot answer is an outage to retry, not a rate limit.
      const unavailable = err instanceof AppError && err.code === 'unavailable';
      // Answered as a page by the caller, not by the exception filter: the wait goes on here, and
      // the record takes the code.
      setRetryAfter(res, err);
      noteError(AuditContext.current(), unavailable ? 'unavailable' : 'rate_limited', (err as Error).message);
      return { status: unavailable ? 503 : 429, message: (err as Error).message };
    }
    const user = await this.users.verifyPassword(email, password);
    if (!user) {
      // Refused either way; if the failure cannot be counted, the next attempt is refused too.
      await this.limiter.failed(email, address).catch(() => undefined);
      const draft = AuditContext.current();
      if (draft) Object.assign(draft, { decision: 'denied', errorCode: 'login_failed' });
      return { status: 401, message: WRONG_CREDENTIALS };
    }
    await this.limiter.succeeded(email, address);
    return { user };
  }
}
