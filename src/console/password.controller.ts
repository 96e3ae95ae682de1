import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ConsoleSession } from '../access/console-session.decorator';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AppError } from '../common/app-error';
import { clientAddress } from '../common/client-address';
import { UsersService } from '../domain/users/users.service';
import { field, sessionOf } from './console-pages';
import { ConsoleSessions } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';
import { sendPage } from './html';
import { passwordPage } from './pages/password.page';

/** A signed-in person changes their own password; the operator's way is `postern user set-password`. */
@ApiExcludeController()
@Controller('console/password')
export class PasswordController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: ConsoleSessions,
    private readonly signIn: ConsoleSignIn,
  ) {}

  @Get()
  @ConsoleSession()
  async form(@Req() req: Request, @Res() res: Response, @Query('changed') changed?: string): Promise<void> {
    const notice = changed ? 'Your password was changed. Every other browser was signed out.' : undefined;
    await this.render(req, res, 200, { notice });
  }

  @Post()
  @ConsoleSession()
  async change(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { userId } = sessionOf(req);
    const email = await this.emailOf(userId);
    const current = field(body, 'current_password');
    const next = field(body, 'new_password');
    const checked = await this.signIn.checkPassword(email, current, clientAddress(req), res);
    if (!('user' in checked)) {
      const message = checked.status === 401 ? 'Your current password is not right.' : checked.message;
      return this.render(req, res, checked.status, { error: message });
    }
    try {
      if (next !== field(body, 'confirm_password'))
        throw new AppError('validation_failed', 'The two new passwords are not the same.');
      if (next === current) throw new AppError('validation_failed', 'Choose a password other than the current one.');
      // This browser stays signed in, on a new session opened in the change's own transaction.
      let token = '';
      await this.users.setPassword(email, next, async (m) => {
        token = (await this.sessions.open(m, userId)).token;
      });
      this.sessions.setCookie(res, token);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      // Answered as a page, not through the exception filter: the record still takes the code.
      noteError(AuditContext.current(), err.code, err.message);
      return this.render(req, res, 400, { error: err.message });
    }
    res.redirect(303, '/console/password?changed=1');
  }

  private async emailOf(userId: string): Promise<string> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('unauthenticated', 'sign in to the console first');
    return user.email;
  }

  private async render(req: Request, res: Response, status: number, extra: { error?: string; notice?: string }) {
    const session = sessionOf(req);
    const email = await this.emailOf(session.userId);
    sendPage(res, status, 'Change your password', passwordPage({ email, csrf: session.csrf, ...extra }));
  }
}
