import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import type { Actor, Principal, Surface } from './actor';
import { effectiveScopes } from './effective-scopes';
import type { Role } from './roles';
import type { WorkspaceBindings } from './workspace-binding';

/**
 * An API key with no member behind it (issued by the operator on the command line) is a service
 * identity: it may hold anything an admin may, but never owner powers.
 */
const SERVICE_KEY_ROLE: Role = 'admin';

/**
 * The actor a verified principal stands for *now*: its workspace, the current role of the member
 * behind it, and the effective scopes. Refuses a credential whose workspace is gone or whose member
 * has left or was disabled. The resolve-workspace guard asks this on every request, and an open
 * listen stream is asked about again while it lasts, so both refuse exactly the same credentials.
 */
export async function actorOfPrincipal(p: Principal, bindings: WorkspaceBindings, surface: Surface): Promise<Actor> {
  if (!p.workspaceId) throw new AppError('forbidden', 'this credential is not bound to a workspace');
  const binding = p.binding ?? (await bindings.read(p.workspaceId, p.userId));
  if (!binding) throw new AppError('unauthenticated', 'the workspace of this credential no longer exists');
  let role: Role = SERVICE_KEY_ROLE;
  if (binding.hasMember) {
    if (!binding.role) {
      const reason = 'the member behind this credential has left the workspace or was disabled';
      // The credential proved itself: the workspace's admins see it still being tried.
      const { kind, keyId, userId, clientId } = p;
      AuditContext.refusedCredential(p.workspaceId, { kind, keyId, userId, clientId }, reason);
      throw new AppError('unauthenticated', reason);
    }
    role = binding.role;
  }
  return {
    ...p,
    surface,
    role,
    scopes: effectiveScopes(p.grantedScopes, role, p.kind, binding.workspace.settings),
    binding,
  };
}
