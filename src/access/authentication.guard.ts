import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { describeRequest } from '../audit/audit-request';
import { AppError } from '../common/app-error';
import { OAuthTokenVerifier } from '../oauth/oauth-token-verifier.service';
import { ConsoleSessions, consoleUserActor } from '../console/console-session.service';
import { FormExpiredError } from '../console/form-expired';
import { ApiKeysService } from './api-keys/api-keys.service';
import type { ActorRequest } from './request-actor';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import { scopesWithArguments } from './scopes-for-arguments.decorator';
import { bearerToken, principalOfBearer } from './bearer-credential';
import { isMcpPath } from '../mcp/mcp-path';

/**
 * First global guard: deny by default, then establish which credential is calling. A handler that
 * declares neither `@Public()` nor `@RequireScopes()` is refused, whatever the credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: OAuthTokenVerifier,
    private readonly sessions: ConsoleSessions,
  ) {}

  /** Console pages: a signed-in person, and on a POST the session's own CSRF token. */
  private async consoleSession(req: ActorRequest | undefined): Promise<boolean> {
    const session = req ? await this.sessions.find(req) : undefined;
    if (!req || !session) throw new AppError('unauthenticated', 'sign in to the console first');
    const csrf = (req.body as { csrf?: unknown } | undefined)?.csrf;
    if (req.method !== 'GET' && csrf !== session.csrf) {
      throw new FormExpiredError();
    }
    req.consoleSession = session;
    const draft = AuditContext.current();
    if (draft) draft.actor = consoleUserActor(session.userId);
    return true;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = permissionMetadata(this.reflector, context);
    const req = requestOf(context);
    const draft = AuditContext.current();
    if (draft) draft.guarded = true;
    if (draft && req) {
      describeRequest(draft, req);
      // With the scopes an argument adds, so a refusal by any guard records all the call needs.
      const args: unknown = draft.surface === 'mcp' ? draft.args : req.body;
      if (meta.scopes) draft.scopesRequired = scopesWithArguments(meta.scopes, meta.argumentScopes, args);
    }
    if (meta.isPublic) return true;
    if (meta.consoleSession) return this.consoleSession(req);
    if (!meta.scopes) throw new AppError('forbidden', 'this operation declares no permissions and is refused');
    if (!req) throw new AppError('unauthenticated', 'no request to authenticate');
    // A tool call rides on the /mcp POST whose guards already authenticated it.
    if (req.principal) return true;

    const token = bearerToken(req);
    if (!token)
      throw new AppError(
        'unauthenticated',
        'missing bearer token: send Authorization: Bearer <API key or OAuth access token>',
      );
    // OAuth access tokens are minted for the MCP endpoint only (their audience); REST takes API keys.
    const onMcp = isMcpPath(req.path);
    if (OAuthTokenVerifier.looksLikeJwt(token) && !onMcp)
      throw new AppError('unauthenticated', 'OAuth access tokens are accepted at /mcp only; use an API key here');
    const principal = await principalOfBearer(token, onMcp, this.apiKeys, this.tokens);
    if (!principal)
      throw new AppError('unauthenticated', 'the bearer token is not a valid, unexpired, unrevoked credential');
    req.principal = principal;
    if (draft) draft.workspaceId = principal.workspaceId;
    return true;
  }
}
