import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import { resolveSettings, type ApprovalAction } from '../domain/workspaces/workspace-settings';
import type { Actor } from './actor';

/**
 * Whether the workspace policy reserves this action for a person's approval when this caller asks:
 * an agent or API key, and a policy that names the action. No binding means the policy could not be
 * read: reserved, rather than assumed free. The approval guard refuses such a call, and tools/list
 * leaves such a tool out, by this one rule.
 */
export function approvalReserves(actor: Actor, action: ApprovalAction): boolean {
  if (actor.kind !== 'agent' && actor.kind !== 'api_key') return false;
  if (!actor.binding) return true;
  return resolveSettings(actor.binding.workspace.settings).approval.requireApprovalFor.includes(action);
}

/** Refuses, and records why, an action the workspace policy reserves for a person when this caller asks. */
export function assertNotReserved(actor: Actor, action: ApprovalAction): void {
  if (!approvalReserves(actor, action)) return;
  const draft = AuditContext.current();
  if (draft) Object.assign(draft, { decision: 'denied', reason: `approval required: ${action}` });
  throw new AppError(
    'approval_required',
    `this workspace requires a person's approval before an agent or API key may ${action}; ` +
      'approval requests are not available on this server yet, so nothing was done. The operator of this server can ' +
      `allow it with \`postern workspace settings <workspace> --require-approval-for\` (leaving out ${action}).`,
    [{ field: 'action', issue: action }],
  );
}
