import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { CONSOLE_SESSION_KEY } from './console-session.decorator';
import { PUBLIC_KEY } from './public.decorator';
import { REQUIRED_ROLE_KEY } from './require-role.decorator';
import { REQUIRED_SCOPES_KEY } from './require-scopes.decorator';
import type { Role } from './roles';
import type { Scope } from './scopes';

export interface PermissionMetadata {
  isPublic: boolean;
  consoleSession: boolean;
  /** Undefined when the handler declares nothing, which is refused. */
  scopes?: Scope[];
  roleFloor?: Role;
}

/** What a route or tool declares about who may call it; handler metadata overrides the class's. */
export function permissionMetadata(reflector: Reflector, context: ExecutionContext): PermissionMetadata {
  const targets = [context.getHandler(), context.getClass()];
  return {
    isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false,
    consoleSession: reflector.getAllAndOverride<boolean>(CONSOLE_SESSION_KEY, targets) ?? false,
    scopes: reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES_KEY, targets),
    roleFloor: reflector.getAllAndOverride<Role>(REQUIRED_ROLE_KEY, targets),
  };
}
