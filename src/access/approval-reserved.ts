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
