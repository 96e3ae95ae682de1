import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error';
import { requestOf, toolNameOf } from './execution-request';
import { PUBLIC_KEY } from './public.decorator';
import { REQUIRED_SCOPES_KEY } from './require-scopes.decorator';
import type { Scope } from './scopes';

/** Last global guard: every declared scope must be among the actor's effective scopes. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES_KEY, targets) ?? [];
    const actor = requestOf(context)?.actor;
    if (!actor) throw new AppError('unauthenticated', 'not authenticated');
    const tool = toolNameOf(context);
    // A key limited to named tools may call nothing else; "not found" keeps the list private.
    if (tool && actor.toolAllowlist && !actor.toolAllowlist.includes(tool)) {
      throw new AppError('not_found', `Unknown tool: ${tool}`);
    }
    const missing = required.filter((s) => !actor.scopes.has(s));
    if (missing.length) {
      throw new AppError(
        'insufficient_scope',
        `missing scopes: ${missing.join(' ')}`,
        missing.map((s) => ({ field: 'scope', issue: s })),
      );
    }
    return true;
  }
}
