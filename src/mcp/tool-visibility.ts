import { allowlistHides, hasRole, hasScopes } from '../access/access-refusals';
import type { Actor } from '../access/actor';
import { approvalReserves } from '../access/approval-reserved';
import type { ApprovalOptions } from '../access/requires-approval.decorator';
import type { Role } from '../access/roles';
import type { Scope } from '../access/scopes';

export interface ToolPermissions {
  scopes: Scope[];
  roleFloor?: Role;
  approval?: ApprovalOptions;
}

/**
 * Whether `tools/list` shows this tool to this caller: the same rules the guards enforce on a call,
 * the workspace's approval policy included (a tool it reserves for a person is refused to agents and
 * keys until approval requests exist, so it is not offered to them).
 */
export function toolVisible(actor: Actor | undefined, tool: string, permissions: ToolPermissions | undefined): boolean {
  if (!actor || !permissions || allowlistHides(actor, tool)) return false;
  return holds(actor, permissions) && !(permissions.approval && approvalReserves(actor, permissions.approval.action));
}

/**
 * Whether `resources/list` and `resources/templates/list` show a resource: the rules the guards
 * apply to its reads. A key limited to named tools reads only the resources that need no scope.
 */
export function resourceVisible(actor: Actor | undefined, permissions: ToolPermissions | undefined): boolean {
  if (!actor || !permissions || (actor.toolAllowlist && permissions.scopes.length)) return false;
  return holds(actor, permissions);
}

/** The role and the scopes the guards ask of any call. */
function holds(actor: Actor, permissions: ToolPermissions): boolean {
  if (!actor.role) return false;
  return (
    hasRole({ ...actor, role: actor.role }, permissions.scopes, permissions.roleFloor) &&
    hasScopes(actor, permissions.scopes)
  );
}
