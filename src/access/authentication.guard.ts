import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditContext } from '../audit/audit-context';
import { describeRequest } from '../audit/audit-request';
import { AppError } from '../common/app-error';
import { ApiKeysService } from './api-keys/api-keys.service';
import { requestOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';

/**
 * First global guard: deny by default, then establish which credential is calling. A handler that
 * declares neither `@Public()` nor `@RequireScopes()` is refused, whatever the credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = permissionMetadata(this.reflector, context);
    const req = requestOf(context);
    const draft = AuditContext.current();
    if (draft && req) {
      describeRequest(draft, req);
      if (meta.scopes) draft.scopesRequired = [...meta.scopes];
    }
    if (meta.isPublic) return true;
    if (!meta.scopes) throw new AppError('forbidden', 'this operation declares no permissions and is refused');
    if (!req) throw new AppError('unauthenticated', 'no request to authenticate');
    // A tool call rides on the /mcp POST whose guards already authenticated it.
    if (req.principal) return true;

    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new AppError('unauthenticated', 'missing bearer token: send Authorization: Bearer <API key>');
    const principal = await this.apiKeys.authenticate(match[1]);
    if (!principal) throw new AppError('unauthenticated', 'the bearer token is not a valid, unexpired, unrevoked key');
    req.principal = principal;
    if (draft) draft.workspaceId = principal.workspaceId;
    return true;
  }
}
