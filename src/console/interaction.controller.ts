import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import { Public } from '../access/public.decorator';
import { BUNDLES, isBundleName, isScope, type Scope } from '../access/scopes';
import { AppError } from '../common/app-error';
import { AuditContext } from '../audit/audit-context';
import { AuditedTransactions } from '../audit/audited-transactions.service';
import { WorkspacesService } from '../domain/workspaces/workspaces.service';
import { OAuthConsentService } from '../oauth/oauth-consent.service';
import { OIDC_PROVIDER } from '../oauth/oauth.tokens';
import { clientAddress } from '../common/client-address';
import { errorPage, field, fields } from './console-pages';
import { ConsoleSessions, consoleUserActor } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';
import { FormExpiredError } from './form-expired';
import { sendPage } from './html';
import { consentPage } from './pages/consent.page';
import { clearOAuthSessionCookies, endOAuthSessionIn, heldOAuthSession } from './end-oauth-session';
import { loginPage } from './pages/login.page';
import { connectionLifetime, issuesRefreshTokens } from '../oauth/connection-lifetime';
import { APP_CONFIG, type AppConfig } from '../config/config.types';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The authorization server refuses a request whose browser sign-in is gone (signed out in another
 * tab) or is now someone else's; only an unknown request could be stale or from another browser.
 */
function whyInteractionEnded(err: unknown): string {
  const reason = (err as { error_description?: unknown } | undefined)?.error_description;
  if (reason === 'session not found' || reason === 'session principal changed')
    return 'You signed out of Postern, or signed in as someone else, after this page opened.';
  return 'This sign-in request has expired or was opened in another browser.';
}

const ASKED = 'An AI client asked to connect to your Postern account.';

/** Why the sign-in form is shown, in the person's terms. */
function signInNote(details: Details): string {
  if (details.prompt.reasons.includes('account_unavailable'))
    return `${ASKED} The account signed in here before is no longer active: sign in to review what it may do.`;
  if (freshSignInAsked(details)) return `${ASKED} It asks you to enter your password again.`;
  if (details.session?.accountId)
    return `${ASKED} Your sign-in in this browser has ended: sign in again to review what it may do.`;
  return `${ASKED} Sign in to review what it may do.`;
}

/** The client asked for the password to be entered now (prompt=login, or a max_age run out). */
function freshSignInAsked(details: Details): boolean {
  return details.prompt.name === 'login' && details.prompt.reasons.some((r) => r === 'login_prompt' || r === 'max_age');
}

function scopeParam(details: Details): string {
  return typeof details.params.scope === 'string' ? details.params.scope : '';
}

/** Where the browser goes after the decision; validated against the client's registration already. */
function callbackOrigin(details: Details): string {
  return new URL(details.params.redirect_uri as string).origin;
}

/** The page's record names the person signed in to the console. */
function recordConsoleUser(userId: string): void {
  const draft = AuditContext.current();
  if (draft) draft.actor = consoleUserActor(userId);
}

/**
 * The decision is the person's, about one client: its record names both, so the workspace's admins
 * find who let a client in (or turned it away) by searching for the client, as for its own calls.
 */
function recordConsentBy(userId: string, clientId: string): void {
  const draft = AuditContext.current();
  if (draft) draft.actor = { ...consoleUserActor(userId), clientId };
}

/**
 * The human steps of an OAuth authorization: sign in, then choose a workspace and scopes. The
 * pages are public routes; the interaction cookie set by the authorization server is what ties a
 * browser to its request, and each form carries a CSRF token bound to the interaction.
 */
@ApiExcludeController()
@Controller('console/interaction')
export class InteractionController {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly sessions: ConsoleSessions,
    private readonly signIn: ConsoleSignIn,
    private readonly consent: OAuthConsentService,
    private readonly workspaces: WorkspacesService,
    private readonly audited: AuditedTransactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':uid')
  @Public()
  async show(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const pending = details.session?.accountId;
    const session = await this.sessions.find(req);
    if (pending && session && session.userId !== pending) {
      await this.restart(req, res, pending, session.userId);
      return;
    }
    // The authorization server's sign-in lasts longer than the console's (and outlives a password
    // reset elsewhere); consent is shown only to the person signed in to the console now, so a
    // browser whose console sign-in has ended is asked for the password before it sees anything.
    // A client asking for a fresh sign-in (prompt=login, max_age) gets one, console or not.
    if (!session || freshSignInAsked(details)) {
      sendPage(res, 200, 'Sign in', this.loginHtml(uid, details));
      return;
    }
    // Whoever is shown consent, or signed in to the server by their console sign-in, is on the record.
    recordConsoleUser(session.userId);
    if (details.prompt.name === 'login') {
      await this.provider.interactionFinished(
        req,
        res,
        // Dated when the password was entered, not now: a later max_age counts from then.
        { login: { accountId: session.userId, ts: Math.floor(session.signedInAt.getTime() / 1000) } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent follows the server's sign-in; never shown without it, whatever the console holds.
    if (!pending) throw new AppError('forbidden', 'sign in first');
    sendPage(res, 200, 'Allow access', await this.consentHtml(uid, details), [callbackOrigin(details)]);
  }

  @Post(':uid/login')
  @Public()
  async login(
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    this.checkCsrf(uid, body);
    const email = field(body, 'email');
    const result = await this.signIn.signIn(email, field(body, 'password'), clientAddress(req), res);
    if (!('user' in result)) {
      sendPage(res, result.status, 'Sign in', this.loginHtml(uid, details, email, result.message));
      return;
    }
    const { user } = result;
    const pending = details.session?.accountId;
    if (details.prompt.name !== 'login' || (pending && pending !== user.id)) {
      // Back to the request's page, now signed in: the consent it was waiting for, or, signed in as
      // someone else than the request began with, the restart (recorded there, by its own request:
      // this one's record was committed with the new console session).
      res.redirect(303, `/console/interaction/${encodeURIComponent(uid)}`);
      return;
    }
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id } },
      { mergeWithLastSubmission: false },
    );
  }

  @Post(':uid/consent')
  @Public()
  async decide(
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    this.checkCsrf(uid, body);
    const accountId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || !accountId) throw new AppError('forbidden', 'sign in first');
    // The authorization server's session can outlive the console's; consent is given only by the
    // person signed in to the console now, as the account the server has for this browser.
    if ((await this.sessions.find(req))?.userId !== accountId)
      throw new AppError('forbidden', 'sign in again: your console session has ended or is another account’s');
    recordConsentBy(accountId, details.params.client_id as string);
    if (field(body, 'decision') !== 'approve') {
      await this.provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user declined the request.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const preset = field(body, 'preset');
    const chosen: Scope[] =
      preset && isBundleName(preset) ? [...BUNDLES[preset].scopes] : fields(body, 'scope').filter(isScope);
    try {
      const grantId = await this.consent.grant({
        accountId,
        clientId: details.params.client_id as string,
        resource: details.params.resource as string,
        redirectUri: details.params.redirect_uri as string,
        requested: this.requested(details),
        chosen,
        workspaceId: field(body, 'workspace'),
        offline: scopeParam(details).split(' ').includes('offline_access'),
        oidcScopes: scopeParam(details)
          .split(' ')
          .filter((x) => x === 'openid' || x === 'offline_access'),
      });
      await this.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      sendPage(res, 400, 'Allow access', await this.consentHtml(uid, details, err.message), [callbackOrigin(details)]);
    }
  }

  /**
   * The request began with another person's sign-in at the authorization server than the one at
   * this browser's console now. The server cannot switch accounts within a request (its way to,
   * logging out first, is turned off), and consent must not go to either by mistake: that sign-in
   * is ended, and the person starts again from the AI client, which then runs as the console's.
   */
  private async restart(req: Request, res: Response, pending: string, signedIn: string): Promise<void> {
    recordConsoleUser(signedIn);
    const draft = AuditContext.current();
    const serverSignIn = await heldOAuthSession(this.provider, req, pending);
    if (serverSignIn) {
      // It ends with its record or not at all (a failed record leaves it in place, and its reason).
      await this.audited.run(async (m) => {
        await endOAuthSessionIn(this.provider, m, serverSignIn);
        if (draft) draft.reason = `ended this browser's authorization-server sign-in of account ${pending}`;
      });
    } else if (draft) {
      draft.reason = `the request began as account ${pending}, whose sign-in this browser no longer holds`;
    }
    clearOAuthSessionCookies(res);
    errorPage(
      res,
      409,
      'This request began as another Postern account than the one signed in here now. Start again from your AI client to connect it as you.',
      { heading: 'Start again from your AI client' },
    );
  }

  private async details(req: Request, res: Response): Promise<Details | undefined> {
    try {
      return await this.provider.interactionDetails(req, res);
    } catch (err) {
      errorPage(res, 400, `${whyInteractionEnded(err)} Start again from your AI client.`, {
        heading: 'This sign-in request has ended',
      });
      return undefined;
    }
  }

  private checkCsrf(uid: string, body: unknown): void {
    if (field(body, 'csrf') !== this.sessions.formToken(`interaction:${uid}`)) {
      throw new FormExpiredError();
    }
  }

  private requested(details: Details): Scope[] {
    // Never empty: the authorization server gave a request that names no Postern scope its default
    // (default-scope.ts), so the page offers everything the person may grant.
    return scopeParam(details).split(' ').filter(isScope);
  }

  private loginHtml(uid: string, details: Details, email?: string, error?: string): string {
    return loginPage({
      action: `/console/interaction/${uid}/login`,
      csrf: this.sessions.formToken(`interaction:${uid}`),
      email,
      error,
      heading: 'Sign in to Postern',
      note: signInNote(details),
    });
  }

  private async consentHtml(uid: string, details: Details, error?: string): Promise<string> {
    const clientId = details.params.client_id as string;
    const client = await this.provider.Client.find(clientId);
    return consentPage({
      uid,
      csrf: this.sessions.formToken(`interaction:${uid}`),
      clientId,
      clientName: client?.clientName ?? clientId,
      redirectHost: new URL(details.params.redirect_uri as string).host,
      requested: this.requested(details),
      lifetime: connectionLifetime(issuesRefreshTokens(client), this.config.oauthAccessTokenTtlSeconds),
      workspaces: await this.workspaces.membershipsOf(details.session?.accountId ?? ''),
      error,
    });
  }
}
