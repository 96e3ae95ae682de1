import { AppError } from '../common/app-error';
import type { Actor } from './actor';
import { requiredRole } from './required-role';
import { roleAtLeast, type Role } from './roles';
import type { Scope } from './scopes';

/** Whether the actor's role reaches the one the scopes (and the role floor) require. */
export function hasRole(actor: Actor & { role: Role }, scopes: readonly Scope[], roleFloor?: Role): boolean {
  return roleAtLeast(actor.role, requiredRole([...scopes], roleFloor));
}

/** Whether every declared scope is among the actor's effective scopes. */
export function hasScopes(actor: Actor, scopes: readonly Scope[]): boolean {
  return scopes.every((s) => actor.scopes.has(s));
}

/** A key limited to named tools does not know the others exist. */
export function allowlistHides(actor: Actor | undefined, tool: string): boolean {
  return !!actor?.toolAllowlist && !actor.toolAllowlist.includes(tool);
}

/** The role check of the role guard, callable wherever a call must be judged before it runs. */
export function assertRole(actor: Actor & { role: Role }, scopes: readonly Scope[], roleFloor?: Role): void {
  if (hasRole(actor, scopes, roleFloor)) return;
  const needed = requiredRole([...scopes], roleFloor);
  throw new AppError(
    'insufficient_role',
    `this action needs the ${needed} role in this workspace; yours is ${actor.role}`,
    [{ field: 'role', issue: needed }],
  );
}

/** Why a call without these scopes was refused, in the words of every such refusal and its record. */
export function missingScopesMessage(missing: readonly Scope[]): string {
  return `missing scopes: ${missing.join(' ')}`;
}

/** The scope check of the scopes guard: every declared scope must be effective. */
export function assertScopes(actor: Actor, scopes: readonly Scope[]): void {
  if (hasScopes(actor, scopes)) return;
  const missing = scopes.filter((s) => !actor.scopes.has(s));
  throw new AppError(
    'insufficient_scope',
    missingScopesMessage(missing),
    missing.map((s) => ({ field: 'scope', issue: s })),
  );
}

/**
 * The audit trail is read only with a key created with `audit_access`: a scope or a role alone,
 * however broad, does not reach it, so an admin's narrow key cannot read who did what.
 */
export function assertAuditAccess(actor: Actor): void {
  if (actor.auditAccess) return;
  throw new AppError(
    'forbidden',
    'this API key was not created with audit_access, which reading the audit trail needs; ' +
      'an admin or owner can create a key with audit_access: true for this',
    [{ field: 'audit_access', issue: 'required' }],
  );
}
