import { AppError } from '../common/app-error';
import type { Role } from './roles';
import type { Scope } from './scopes';
import type { WorkspaceBinding } from './workspace-binding';

export type ActorKind = 'api_key' | 'user' | 'agent' | 'operator';
export type Surface = 'mcp' | 'rest' | 'console' | 'cli' | 'worker';

/** What a credential says on its own, before the workspace and the current role are consulted. */
export interface Principal {
  kind: ActorKind;
  userId?: string;
  clientId?: string;
  keyId?: string;
  /** The OAuth grant behind an agent connection; revoking it ends the connection. */
  grantId?: string;
  /** The one workspace a key or agent token is bound to. */
  workspaceId?: string;
  grantedScopes: ReadonlySet<Scope>;
  /** Tool names a key is limited to; undefined means no limit beyond scopes. */
  toolAllowlist?: readonly string[];
  /**
   * An API key created with `audit_access`: it may read the workspace's audit trail. No scope grants
   * that, so an admin's narrow key does not; other credentials never carry it.
   */
  auditAccess?: boolean;
  /** When the credential stops working, if it expires. */
  expiresAt?: Date;
  /** The workspace policy and member role, when read in the same statement as the credential. */
  binding?: WorkspaceBinding;
}

/**
 * Who is calling, built once per request and passed explicitly to every service method.
 * `scopes` are the effective scopes (granted ∩ current role ceiling ∩ workspace policy).
 */
export interface Actor extends Principal {
  surface: Surface;
  role?: Role;
  scopes: ReadonlySet<Scope>;
}

/** The operator running the CLI on the host: trusted with everything, never bound to a workspace. */
export function operatorActor(): Actor {
  return { kind: 'operator', surface: 'cli', grantedScopes: new Set(), scopes: new Set() };
}

/** The workspace a call acts in. Every REST and MCP credential is bound to one; anything else finds nothing. */
export function workspaceOf(actor: Actor): string {
  if (!actor.workspaceId) throw new AppError('not_found', 'workspace not found');
  return actor.workspaceId;
}

/** Who wrote something, as stored on the row: the user behind the call and the AI client, if any. */
export function authorOf(actor: Actor): { userId: string | null; clientId: string | null; keyId: string | null } {
  return { userId: actor.userId ?? null, clientId: actor.clientId ?? null, keyId: actor.keyId ?? null };
}
