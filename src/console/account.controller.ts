import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import { randomBytes } from 'node:crypto';
import { Public } from '../access/public.decorator';
import { UsersService } from '../domain/users/users.service';
import { OAuthConnectionsService } from '../oauth/oauth-connections.service';
import { OIDC_PROVIDER } from '../oauth/oauth.tokens';
import { clearOAuthSessionCookies, endOAuthSessionIn, heldOAuthSession } from './end-oauth-session';
import { ConsoleSession } from '../access/console-session.decorator';
import { clientAddress } from '../common/client-address';
import { field, sessionOf } from './console-pages';
import { ConsoleSessions, parseCookie } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';
import { sendPage } from './html';
import { connectionsPage } from './pages/connections.page';
import { loginPage } from './pages/login.page';

const SAFE_NEXT = /^\/console\/[a-z/]*$/;

const LOGIN_TOKEN_BYTES = 18;
/** base64url of LOGIN_TOKEN_BYTES random bytes: anything else in the cookie was not minted here. */
const LOGIN_TOKEN = /^[\w-]{24}$/;

/**
 * The login form's double-submit cookie. Over https it is Secure and `__Host-` (so Path=/ and no
 * Domain: a sibling subdomain cannot plant one to match a forged form), like the session cookie;
 * on plain http it keeps its old name and path, so a browser holding an older one is not confused.
 */
const LOGIN_CSRF = {
  https: { name: '__Host-postern_login_csrf', path: '/' },
  http: { name: 'postern_login_csrf', path: '/console/login' },
} as const;

/** Signing in to the console, and the page where people see and revoke their connected AI clients. */
@ApiExcludeController()
@Controller('console')
export class AccountController {
  private readonly loginCsrf: { name: string; path: string };

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly users: UsersService,
    private readonly signIn: ConsoleSignIn,
    private readonly connections: OAuthConnectionsService,
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
  ) {
    this.loginCsrf = sessions.secure ? LOGIN_CSRF.https : LOGIN_CSRF.http;
  }

  @Get()
  @Public()
  home(@Res() res: Response): void {
    res.redirect(303, '/console/connections');
  }

  @Get('login')
  @Public()
  loginForm(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): void {
    sendPage(res, 200, 'Sign in', this.loginHtml(req, res, typeof next === 'string' ? next : ''));
  }

  @Post('login')
  @Public()
  async login(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const next = SAFE_NEXT.test(field(body, 'next')) ? field(body, 'next') : '/console/connections';
    const email = field(body, 'email');
    const csrfCookie = this.heldLoginToken(req);
    if (!csrfCookie || field(body, 'csrf') !== csrfCookie) {
      sendPage(res, 403, 'Sign in', this.loginHtml(req, res, next, email, 'The form expired; please try again.'));
      return;
    }
    const result = await this.signIn.signIn(email, field(body, 'password'), clientAddress(req), res);
    if (!('user' in result)) {
      sendPage(res, result.status, 'Sign in', this.loginHtml(req, res, next, email, result.message));
      return;
    }
    res.redirect(303, next);
  }

  @Post('logout')
  @ConsoleSession()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const serverSignIn = await heldOAuthSession(this.provider, req, sessionOf(req).userId);
    await this.sessions.end(req, res, serverSignIn && ((m) => endOAuthSessionIn(this.provider, m, serverSignIn)));
    clearOAuthSessionCookies(res);
    res.redirect(303, '/console/login');
  }

  @Get('connections')
  @ConsoleSession()
  async list(@Req() req: Request, @Res() res: Response, @Query('revoked') revoked?: string): Promise<void> {
    const session = sessionOf(req);
    const user = await this.users.findById(session.userId);
    sendPage(
      res,
      200,
      'Connected AI clients',
      connectionsPage({
        email: user?.email ?? '',
        csrf: session.csrf,
        connections: await this.connections.listFor(session.userId),
        notice: revoked ? 'The connection was revoked. The client must ask again to reconnect.' : undefined,
      }),
    );
  }

  @Post('connections/:grantId/revoke')
  @ConsoleSession()
  async revoke(@Param('grantId') grantId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = sessionOf(req);
    await this.connections.revoke(session.userId, grantId);
    res.redirect(303, '/console/connections?revoked=1');
  }

  /** This browser's login CSRF token, if its cookie holds one of the shape we mint. */
  private heldLoginToken(req: Request): string | undefined {
    const held = parseCookie(req.headers.cookie, this.loginCsrf.name);
    return held && LOGIN_TOKEN.test(held) ? held : undefined;
  }

  /**
   * Login CSRF: a random token in a cookie and in the form (double submit), since no session exists
   * yet. The browser's token is reused while its cookie lasts: a fresh one on every render replaced
   * the cookie, so opening a second sign-in tab made the first one's form expire.
   */
  private loginHtml(req: Request, res: Response, next: string, email?: string, error?: string): string {
    const csrf = this.heldLoginToken(req) ?? randomBytes(LOGIN_TOKEN_BYTES).toString('base64url');
    res.cookie(this.loginCsrf.name, csrf, {
      httpOnly: true,
      secure: this.sessions.secure,
      sameSite: 'strict',
      path: this.loginCsrf.path,
    });
    return loginPage({ action: '/console/login', csrf, email, error, heading: 'Sign in to Postern' }).replace(
      '<button',
      `<input type="hidden" name="next" value="${SAFE_NEXT.test(next) ? next : '/console/connections'}"><button`,
    );
  }
}
