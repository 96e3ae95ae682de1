import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from '../common/app-error';
import { UsersService } from '../domain/users/users.service';
import { ConsoleSessions } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';

export interface OwnPasswordChange {
  current: string;
  next: string;
  confirmation: string;
  /** The client address the sign-in limits count. */
  address: string;
}

/**
 * A signed-in person changes their own password: the current one first, under the sign-in limits
 * (so a session left open, or a borrowed one, cannot guess it), then the new one twice. Every
 * console session of theirs ends with the change, and the browser that made it gets a new one in
 * the same transaction. The operator's way is `postern user set-password`.
 */
@Injectable()
export class PasswordChange {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: ConsoleSessions,
    private readonly signIn: ConsoleSignIn,
  ) {}

  /** Throws an AppError the page shows (401, 429, 503, 400 or 409); on success, this browser's new session cookie is set. */
  async change(userId: string, input: OwnPasswordChange, res: Response): Promise<void> {
    const account = await this.users.findById(userId);
    if (!account) throw new AppError('unauthenticated', 'sign in to the console first');
    const checked = await this.signIn.checkPassword(account.email, input.current, input.address, res);
    if (!('user' in checked)) {
      if (checked.status === 401) throw new AppError('unauthenticated', 'Your current password is not right.');
      throw new AppError(checked.status === 429 ? 'rate_limited' : 'unavailable', checked.message);
    }
    if (input.next !== input.confirmation)
      throw new AppError('validation_failed', 'The two new passwords are not the same.');
    if (input.next === input.current)
      throw new AppError('validation_failed', 'Choose a password other than the current one.');
    let token = '';
    await this.users.setPassword(account.email, input.next, {
      unchangedSince: checked.user.passwordHash,
      then: async (m, changed) => {
        token = (await this.sessions.open(m, userId, changed.passwordHash)).token;
      },
    });
    this.sessions.setCookie(res, token);
  }
}
