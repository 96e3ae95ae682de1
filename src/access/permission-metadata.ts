import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { CONSOLE_SESSION_KEY } from './console-session.decorator';
import { PUBLIC_KEY } from './public.decorator';
import { REQUIRES_AUDIT_ACCESS_KEY } from './require-audit-access.decorator';
import { REQUIRED_ROLE_KEY } from './require-role.decorator';
import { REQUIRED_SCOPES_KEY } from './require-scopes.decorator';
import { ARGUMENT_SCOPES_KEY } from './scopes-for-arguments.decorator';
import { REQUIRES_APPROVAL_KEY, type ApprovalOptions } from './requires-approval.decorator';
import type { Role } from './roles';
import type { Scope } from './scopes';

export interface PermissionMetadata {
  isPublic: boolean;
  consoleSession: boolean;
  /** Undefined when the handler declares nothing, which is refused. */
  scopes?: Scope[];
  /** Scopes needed on top of `scopes` when an argument is given (`@ScopesForArguments`). */
  argumentScopes?: Record<string, Scope[]>;
  roleFloor?: Role;
  /** The credential must be a key created with `audit_access` (reading the audit trail). */
  auditAccess: boolean;
  /** Set when the workspace policy may reserve the action for a person's approval. */
  approval?: ApprovalOptions;
}

/** Declarations never change after start-up; each guard asks on every call, so each handler is read once. */
const cache = new WeakMap<object, WeakMap<object, PermissionMetadata>>();

/** What a route or tool declares about who may call it; handler metadata overrides the class's. */
export function permissionMetadata(reflector: Reflector, context: ExecutionContext): PermissionMetadata {
  const handler = context.getHandler();
  const cls = context.getClass();
  let byClass = cache.get(handler);
  if (!byClass) cache.set(handler, (byClass = new WeakMap()));
  let meta = byClass.get(cls);
  if (!meta) {
    const targets = [handler, cls];
    meta = Object.freeze(readPermissionMetadata((key) => reflector.getAllAndOverride(key, targets)));
    byClass.set(cls, meta);
  }
  return meta;
}

/**
 * The declarations themselves, from a reader that answers the handler's metadata or else the
 * class's — shared by the guards (through the cache above) and the permission inventory.
 */
export function readPermissionMetadata(read: <T>(key: string) => T | undefined): PermissionMetadata {
  return {
    isPublic: read<boolean>(PUBLIC_KEY) ?? false,
    consoleSession: read<boolean>(CONSOLE_SESSION_KEY) ?? false,
    scopes: read<Scope[]>(REQUIRED_SCOPES_KEY),
    argumentScopes: read<Record<string, Scope[]>>(ARGUMENT_SCOPES_KEY),
    roleFloor: read<Role>(REQUIRED_ROLE_KEY),
    auditAccess: read<boolean>(REQUIRES_AUDIT_ACCESS_KEY) ?? false,
    approval: read<ApprovalOptions>(REQUIRES_APPROVAL_KEY),
  };
}
