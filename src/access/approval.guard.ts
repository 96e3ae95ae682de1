import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error';
import { assertNotReserved } from './approval-reserved';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';

/**
 * Fifth guard: an action the workspace policy reserves for approval is not executed when an agent
 * or key asks. Approval requests (review page, single-use binding) come with the approvals
 * module; until then such a call is refused — fail closed — and the refusal says how an owner can
 * change the policy if the workspace wants agents to do this directly.
 */
@Injectable()
export class ApprovalGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const options = permissionMetadata(this.reflector, context).approval;
    if (!options) return true;
    const actor = requestOf(context)?.actor;
    if (!actor) throw new AppError('unauthenticated', 'not authenticated');
    assertNotReserved(actor, options.action);
    return true;
  }
}
