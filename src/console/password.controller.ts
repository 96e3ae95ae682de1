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
import { sendPage } from './html';
import { passwordPage } from './pages/password.page';
import { PasswordChange } from './password-change.service';

/** The page where a signed-in person changes their own password. */
@ApiExcludeController()
@Controller('console/password')
export class PasswordController {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordChange,
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
    try {
      await this.passwords.change(
        sessionOf(req).userId,
        {
          current: field(body, 'current_password'),
          next: field(body, 'new_password'),
          confirmation: field(body, 'confirm_password'),
          address: clientAddress(req),
        },
        res,
      );
    } catch (err) {
      if (!(err instanceof AppError) || (err.status >= 500 && err.code !== 'unavailable')) throw err;
      // Answered as a page, not through the exception filter: the record still takes the code
      // (a wrong current password is already recorded as a failed sign-in).
      const draft = AuditContext.current();
      if (!draft?.errorCode) noteError(draft, err.code, err.message);
      return this.render(req, res, err.status, { error: err.message });
    }
    res.redirect(303, '/console/password?changed=1');
  }

  private async render(req: Request, res: Response, status: number, extra: { error?: string; notice?: string }) {
    const session = sessionOf(req);
    const email = (await this.users.findById(session.userId))?.email ?? '';
    sendPage(res, status, 'Change your password', passwordPage({ email, csrf: session.csrf, ...extra }));
  }
}
