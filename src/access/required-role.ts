import { minimumRoleFor, ROLES, type Role } from './roles';
import type { Scope } from './scopes';

/** The weakest role that may perform an action needing these scopes (and an explicit floor). */
export function requiredRole(scopes: readonly Scope[], floor?: Role): Role {
  const roles = [...scopes.map(minimumRoleFor), ...(floor ? [floor] : []), 'viewer' as const];
  return roles.reduce((a, b) => (ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b));
}
