import { Inject, Injectable } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import { AuditedTransactions } from '../audit/audited-transactions.service';
import { effectiveScopes } from '../access/effective-scopes';
import type { Scope } from '../access/scopes';
import { AppError } from '../common/app-error';
import { WorkspacesService } from '../domain/workspaces/workspaces.service';
import { OAuthConnectionsService } from './oauth-connections.service';
import { OIDC_PROVIDER } from './oauth.tokens';
import { issuesRefreshTokens } from './connection-lifetime';
import { OAuthUnit } from './oauth-unit-of-work';

export interface ConsentInput {
  accountId: string;
  clientId: string;
  resource: string;
  redirectUri: string;
  requested: Scope[];
  chosen: Scope[];
  workspaceId: string;
  offline: boolean;
  /** OIDC scopes in the request (openid, offline_access), as opposed to Postern scopes. */
  oidcScopes: string[];
}

/**
 * Turns a consent decision into a grant. Granted = requested ∩ chosen ∩ the user's role ceiling
 * in the chosen workspace ∩ that workspace's policy for agents (draft-first withholds publishing).
 */
@Injectable()
export class OAuthConsentService {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly connections: OAuthConnectionsService,
    private readonly workspaces: WorkspacesService,
    private readonly audited: AuditedTransactions,
  ) {}

  /**
   * Reads run before the transaction; inside it, the server's storage runs on it (OAuthUnit.within):
   * on the embedded database a second connection would wait on that transaction for ever.
   */
  async grant(input: ConsentInput): Promise<string> {
    const workspace = (await this.workspaces.membershipsOf(input.accountId)).find((w) => w.id === input.workspaceId);
    if (!workspace)
      throw new AppError('validation_failed', 'choose one of your workspaces', [
        { field: 'workspace', issue: 'not a member' },
      ]);
    const requested = new Set(input.requested);
    const chosen = input.chosen.filter((s) => requested.has(s));
    const granted = [...effectiveScopes(chosen, workspace.role, 'agent', { draftFirst: workspace.draftFirst })];
    if (!granted.length) {
      throw new AppError(
        'validation_failed',
        'nothing left to grant: tick at least one permission your role allows in that workspace',
        [{ field: 'scope', issue: 'empty' }],
      );
    }
    const grant = new this.provider.Grant({ accountId: input.accountId, clientId: input.clientId });
    grant.addResourceScope(input.resource, granted.join(' '));
    // What was asked for but not given is recorded as rejected, so the server does not ask again.
    const refused = input.requested.filter((s) => !granted.includes(s));
    if (refused.length) grant.rejectResourceScope(input.resource, refused.join(' '));
    // Postern scopes are also known to the server as plain scopes (so clients can register them);
    // the decision is recorded on that side as well.
    grant.addOIDCScope(granted.join(' '));
    if (refused.length) grant.rejectOIDCScope(refused.join(' '));
    if (input.offline) grant.addOIDCScope('offline_access');
    // We issue no ID tokens; an `openid` request is answered without one rather than re-prompted.
    if (input.oidcScopes.includes('openid')) grant.rejectOIDCScope('openid');
    const client = await this.provider.Client.find(input.clientId);
    // The grant, its connection and the record commit together: a grant nobody can see in the
    // console (or the audit trail) never exists, even for a moment.
    return this.audited.run((m) =>
      OAuthUnit.within(m, async () => {
        const grantId = await grant.save();
        await this.connections.record(m, {
          grantId,
          userId: input.accountId,
          workspaceId: workspace.id,
          clientId: input.clientId,
          clientName: client?.clientName,
          redirectHost: new URL(input.redirectUri).host,
          scopes: granted,
          renews: issuesRefreshTokens(client),
        });
        return grantId;
      }),
    );
  }
}
