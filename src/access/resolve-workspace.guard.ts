import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import { WorkspacesService } from '../domain/workspaces/workspaces.service';
import type { Actor, Surface } from './actor';
import { effectiveScopes } from './effective-scopes';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import type { Role } from './roles';

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
    private readonly workspaces: WorkspacesService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta0 = permissionMetadata(this.reflector, context);
    if (meta0.isPublic || meta0.consoleSession) return true;
    const req = requestOf(context);
    if (!req?.principal) throw new AppError('unauthenticated', 'not authenticated');
    if (req.actor) return true;
    const p = req.principal;
    if (!p.workspaceId) throw new AppError('forbidden', 'this credential is not bound to a workspace');
    const workspace = await this.workspaces.findById(p.workspaceId);
    if (!workspace) throw new AppError('unauthenticated', 'the workspace of this credential no longer exists');
    let role: Role | undefined = SERVICE_KEY_ROLE;
    if (p.userId) {
      role = await this.workspaces.roleOf(p.userId, p.workspaceId);
      if (!role) throw new AppError('unauthenticated', 'the member behind this credential has left the workspace');
    }
    const surface: Surface = req.path.startsWith('/mcp') ? 'mcp' : 'rest';
    const actor: Actor = {
      ...p,
      surface,
      role,
      scopes: effectiveScopes(p.grantedScopes, role, p.kind, workspace.settings),
    };
    req.actor = actor;
    const draft = AuditContext.current();
    if (draft) draft.actor = actor;
    return true;
  }
}
