import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import { assertRole } from './access-refusals';

/** Third guard: the caller's current role must reach the weakest role allowed to do this at all. */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const meta = permissionMetadata(this.reflector, context);
    if (meta.isPublic || meta.consoleSession) return true;
    const actor = requestOf(context)?.actor;
    if (!actor?.role) throw new AppError('unauthenticated', 'not authenticated');
    assertRole({ ...actor, role: actor.role }, meta.scopes ?? [], meta.roleFloor);
    return true;
  }
}
