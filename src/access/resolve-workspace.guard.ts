import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import { actorOfPrincipal } from './actor-of-principal';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import { WorkspaceBindings } from './workspace-binding';
import { isMcpPath } from '../mcp/mcp-path';

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
    const actor = await actorOfPrincipal(req.principal, this.bindings, isMcpPath(req.path) ? 'mcp' : 'rest');
    req.actor = actor;
    const draft = AuditContext.current();
    if (draft) draft.actor = actor;
    return true;
  }
}
