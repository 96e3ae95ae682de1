import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import type { Actor, Surface } from './actor';
import { effectiveScopes } from './effective-scopes';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import type { Role } from './roles';
import { WorkspaceBindings } from './workspace-binding';
import { isMcpPath } from '../mcp/mcp-path';

/**
 * An API key with no member behind it (issued by the operator on the command line) is a service
 * identity: it may hold anything an admin may, but never owner powers.
 */
const SERVICE_KEY_ROLE: Role = 'admin';

/**
 * Second guard: binds the call to its workspace and reads the caller's *current* role there, then
 * computes the effective scopes. Done on every request, so a demotion bites on the next call.
 */
@Injectable()
export class ResolveWorkspaceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bindings: WorkspaceBindings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta0 = permissionMetadata(this.reflector, context);
    if (meta0.isPublic || meta0.consoleSession) return true;
    const req = requestOf(context);
    if (!req?.principal) throw new AppError('unauthenticated', 'not authenticated');
    if (req.actor) return true;
    const p = req.principal;
    if (!p.workspaceId) throw new AppError('forbidden', 'this credential is not bound to a workspace');
    const binding = p.binding ?? (await this.bindings.read(p.workspaceId, p.userId));
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
    const surface: Surface = isMcpPath(req.path) ? 'mcp' : 'rest';
    const actor: Actor = {
      ...p,
      surface,
      role,
      scopes: effectiveScopes(p.grantedScopes, role, p.kind, binding.workspace.settings),
      binding,
    };
    req.actor = actor;
    const draft = AuditContext.current();
    if (draft) draft.actor = actor;
    return true;
  }
}
