import { AppError } from '../common/app-error';
import type { Actor } from './actor';
import { requiredRole } from './required-role';
import { roleAtLeast, type Role } from './roles';
import type { Scope } from './scopes';

/** The role check of the role guard, callable wherever a call must be judged before it runs. */
export function assertRole(actor: Actor & { role: Role }, scopes: readonly Scope[], roleFloor?: Role): void {
  const needed = requiredRole([...scopes], roleFloor);
  if (!roleAtLeast(actor.role, needed)) {
    throw new AppError(
      'insufficient_role',
      `this action needs the ${needed} role in this workspace; yours is ${actor.role}`,
      [{ field: 'role', issue: needed }],
    );
  }
}

/** The scope check of the scopes guard: every declared scope must be effective. */
export function assertScopes(actor: Actor, scopes: readonly Scope[]): void {
  const missing = scopes.filter((s) => !actor.scopes.has(s));
  if (missing.length) {
    throw new AppError(
      'insufficient_scope',
      `missing scopes: ${missing.join(' ')}`,
      missing.map((s) => ({ field: 'scope', issue: s })),
    );
  }
}
