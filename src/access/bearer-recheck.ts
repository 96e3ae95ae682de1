import { Injectable } from '@nestjs/common';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import { OAuthTokenVerifier } from '../oauth/oauth-token-verifier.service';
import { actorOfPrincipal } from './actor-of-principal';
import { ApiKeysService } from './api-keys/api-keys.service';
import { principalOfBearer } from './bearer-credential';
import { WorkspaceBindings } from './workspace-binding';

/**
 * Asks again, after the fact, whether a bearer token would still be let in at `/mcp`: what an open
 * listen stream is checked with while it lasts. It is the guards' own code (principalOfBearer, then
 * actorOfPrincipal), so it is no weaker than they are; the role and scopes guards need no asking, as
 * the `/mcp` route declares no scopes and so admits every role. Served from the credential lookups'
 * epoch caches: while nothing the credential depends on changes, one shared epoch read and a hash
 * (a signature check for an OAuth token), no row.
 */
@Injectable()
export class BearerRecheck {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: OAuthTokenVerifier,
    private readonly bindings: WorkspaceBindings,
  ) {}

  /**
   * Why the token would be refused now (the guards' reason: revoked, expired, member gone), or
   * undefined while it is still good. Rejects when it cannot tell (the database does not answer).
   */
  refusalAtMcp(token: string): Promise<string | undefined> {
    // The verifiers name a dead credential's reason on the current audit draft: this one collects it.
    const scratch = AuditContext.start('mcp', 'bearer re-check', '');
    return AuditContext.run(scratch, async () => {
      const principal = await principalOfBearer(token, true, this.apiKeys, this.tokens);
      if (!principal) return scratch.reason ?? 'the bearer token is not a valid, unexpired, unrevoked credential';
      try {
        await actorOfPrincipal(principal, this.bindings, 'mcp');
        return undefined;
      } catch (err) {
        if (err instanceof AppError) return err.message;
        throw err;
      }
    });
  }
}
