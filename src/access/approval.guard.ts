import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import type { ApprovalAction } from '../domain/workspaces/workspace-settings';
import type { Actor } from './actor';
import { approvalReserves } from './approval-reserved';
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

/** Refuses, and records why, an action the workspace policy reserves for a person when this caller asks. */
export function assertNotReserved(actor: Actor, action: ApprovalAction): void {
  if (!approvalReserves(actor, action)) return;
  const draft = AuditContext.current();
  if (draft) Object.assign(draft, { decision: 'denied', reason: `approval required: ${action}` });
  throw new AppError(
    'approval_required',
    `this workspace requires a person's approval before an agent or API key may ${action}; ` +
      'approval requests are not available on this server yet, so nothing was done. A workspace owner can ' +
      `allow it directly with \`postern workspace settings <workspace> --require-approval-for\` (leaving out ${action}).`,
    [{ field: 'action', issue: action }],
  );
}
