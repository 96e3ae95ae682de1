import { isScope } from '../access/scopes';
import { AuditContext } from '../audit/audit-context';

/** What oidc-provider's access token carries about the connection it is issued for. */
export interface IssuedToken {
  accountId?: string;
  clientId?: string;
  grantId?: string;
  scope?: string;
}

/**
 * A token request that issues a token names the connection it issued for: the person, the client
 * and the workspace, whose trail then holds the record. Without it every code exchange and refresh
 * was filed anonymously in the deployment-wide chain, which no workspace admin can read, so an
 * admin could not see a connection being used or renewed.
 */
export function attributeIssuance(token: IssuedToken, workspaceId: string | undefined): void {
  const draft = AuditContext.current();
  if (!draft || !workspaceId) return;
  const granted = new Set((token.scope ?? '').split(' ').filter(isScope));
  draft.actor = {
    kind: 'agent',
    surface: draft.surface,
    userId: token.accountId,
    clientId: token.clientId,
    grantId: token.grantId,
    workspaceId,
    grantedScopes: granted,
    scopes: new Set(),
  };
}
