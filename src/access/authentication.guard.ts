import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error';
import { ApiKeysService } from './api-keys/api-keys.service';
import { requestOf } from './execution-request';
import { PUBLIC_KEY } from './public.decorator';
import { REQUIRED_SCOPES_KEY } from './require-scopes.decorator';

/**
 * First global guard: deny by default, then establish who is calling. A handler that declares
 * neither `@Public()` nor `@RequireScopes()` is refused, whatever the credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (!this.reflector.getAllAndOverride<unknown>(REQUIRED_SCOPES_KEY, targets)) {
      throw new AppError('forbidden', 'this operation declares no permissions and is refused');
    }
    const req = requestOf(context);
    if (!req) throw new AppError('unauthenticated', 'no request to authenticate');
    // A tool call rides on the /mcp POST whose guard already authenticated it.
    if (req.actor) return true;

    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('unauthenticated', 'missing bearer token: send Authorization: Bearer <API key>');
    const surface = req.path.startsWith('/mcp') ? 'mcp' : 'rest';
    const actor = await this.apiKeys.authenticate(match[1], surface);
    if (!actor) throw new AppError('unauthenticated', 'the bearer token is not a valid, unexpired, unrevoked key');
    req.actor = actor;
    return true;
  }
}
