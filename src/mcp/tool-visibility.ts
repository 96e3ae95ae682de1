import { allowlistHides, hasRole, hasScopes } from '../access/access-refusals';
import type { Actor } from '../access/actor';
import type { Role } from '../access/roles';
import type { Scope } from '../access/scopes';

export interface ToolPermissions {
  scopes: Scope[];
  roleFloor?: Role;
}

/** Whether `tools/list` shows this tool to this caller: the same rules the guards enforce on a call. */
export function toolVisible(actor: Actor | undefined, tool: string, permissions: ToolPermissions | undefined): boolean {
  if (!actor?.role || !permissions || allowlistHides(actor, tool)) return false;
  return (
    hasRole({ ...actor, role: actor.role }, permissions.scopes, permissions.roleFloor) &&
    hasScopes(actor, permissions.scopes)
  );
}
