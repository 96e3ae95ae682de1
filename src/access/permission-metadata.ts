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

/** Declarations never change after start-up; each guard asks on every call, so each handler is read once. */
const cache = new WeakMap<object, WeakMap<object, PermissionMetadata>>();

/** What a route or tool declares about who may call it; handler metadata overrides the class's. */
export function permissionMetadata(reflector: Reflector, context: ExecutionContext): PermissionMetadata {
  const handler = context.getHandler();
  const cls = context.getClass();
  let byClass = cache.get(handler);
  if (!byClass) cache.set(handler, (byClass = new WeakMap()));
  let meta = byClass.get(cls);
  if (!meta) byClass.set(cls, (meta = Object.freeze(read(reflector, [handler, cls]))));
  return meta;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- what ExecutionContext.getHandler returns
function read(reflector: Reflector, targets: [Function, Function]): PermissionMetadata {
  return {
    isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false,
    consoleSession: reflector.getAllAndOverride<boolean>(CONSOLE_SESSION_KEY, targets) ?? false,
    scopes: reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES_KEY, targets),
    roleFloor: reflector.getAllAndOverride<Role>(REQUIRED_ROLE_KEY, targets),
  };
}
