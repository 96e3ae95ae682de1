import type { Actor } from '../access/actor';
import { requiredRole } from '../access/required-role';
import { roleAtLeast, type Role } from '../access/roles';
import type { Scope } from '../access/scopes';

export interface ToolPermissions {
  scopes: Scope[];
  roleFloor?: Role;
}

/** A key limited to named tools does not know the others exist. */
export function allowlistHides(actor: Actor | undefined, tool: string): boolean {
  return !!actor?.toolAllowlist && !actor.toolAllowlist.includes(tool);
}

/** Whether `tools/list` shows this tool to this caller: the same rules the guards enforce on a call. */
export function toolVisible(actor: Actor | undefined, tool: string, permissions: ToolPermissions | undefined): boolean {
  if (!actor?.role || !permissions || allowlistHides(actor, tool)) return false;
  if (!roleAtLeast(actor.role, requiredRole(permissions.scopes, permissions.roleFloor))) return false;
  return permissions.scopes.every((s) => actor.scopes.has(s));
}
