import { isScope } from '../access/scopes';
import type { Actor } from '../access/actor';
import { AuditContext, type AuditDraft } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';

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
  const who = { userId: token.accountId, clientId: token.clientId, grantId: token.grantId };
  draft.actor = { ...agentOf(draft, who, workspaceId), grantedScopes: granted };
}

/** The connection as the call's actor: who it acts for, through which client, in which workspace. */
function agentOf(draft: AuditDraft, who: Pick<Actor, 'userId' | 'clientId' | 'grantId'>, workspaceId: string): Actor {
  return { kind: 'agent', surface: draft.surface, ...who, workspaceId, grantedScopes: new Set(), scopes: new Set() };
}

/** The connection row a grant's end marked revoked. */
export interface EndedConnection {
  workspace_id: string;
  user_id: string;
  client_id: string;
}

/**
 * The authorization server ended a connection while answering: a client revoking its own token
 * (`revocation`), or a code or refresh token presented a second time (`token`), which may be a
 * stolen token being tried. Either way the record is filed in the connection's workspace and names
 * it; a reuse is recorded as denied, with why, so its admins see it.
 */
export function attributeEnding(route: string | undefined, grantId: string, ended: EndedConnection | undefined): void {
  const draft = AuditContext.current();
  if (!draft || !ended) return;
  AuditContext.noteResult('connection', { grant_id: grantId, client_id: ended.client_id });
  const who = { userId: ended.user_id, clientId: ended.client_id, grantId };
  if (route !== 'token') {
    draft.actor ??= agentOf(draft, who, ended.workspace_id);
    return;
  }
  const reason = 'a used code or refresh token was presented again: the connection was ended';
  AuditContext.refusedCredential(ended.workspace_id, { kind: 'agent', ...who }, reason);
  noteError(draft, 'invalid_grant', reason);
  draft.decision = 'denied';
}
