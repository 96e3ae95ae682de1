import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error';
import type { Principal } from './actor';
import { AuthenticationGuard } from './authentication.guard';
import { Public } from './public.decorator';
import { RequireScopes } from './require-scopes.decorator';

class Undeclared {
  handler(): void {}
}

class Declared {
  @Public()
  open(): void {}

  @RequireScopes('workspace:read')
  guarded(): void {}

  @RequireScopes()
  anyPrincipal(): void {}

  undeclared(): void {}
}

@RequireScopes('workspace:list')
class DeclaredOnClass {
  handler(): void {}
}

@RequireScopes('workspace:list')
class PublicHandlerOnGuardedClass {
  @Public()
  handler(): void {}
}

type Req = { headers: Record<string, string | undefined>; principal?: Principal };

/** Just what the guard reads from an HTTP ExecutionContext. */
function httpContext(cls: abstract new () => unknown, method: string, req: Req): ExecutionContext {
  const prototype = cls.prototype as Record<string, unknown>;
  return {
    getHandler: () => prototype[method],
    getClass: () => cls,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

const PRINCIPAL: Principal = {
  kind: 'api_key',
  keyId: 'key',
  workspaceId: 'workspace',
  grantedScopes: new Set(['workspace:read']),
};

describe(AuthenticationGuard.name, () => {
  // These cases never reach a real credential lookup, or reach it only to be told "no such key",
  // so stubs stand in for ApiKeysService (and for any further credential verifier the guard is
  // given, such as an OAuth token verifier); the real lookups are covered end to end. The guard is
  // built through a loosely typed constructor so this spec does not depend on how many verifiers
  // the guard takes; the Reflector, the one dependency under test here, is real.
  let authenticate: jest.Mock<Promise<Principal | undefined>, [string]>;
  let verify: jest.Mock<Promise<Principal | undefined>, [string]>;
  let guard: AuthenticationGuard;
  beforeEach(() => {
    authenticate = jest.fn<Promise<Principal | undefined>, [string]>().mockResolvedValue(undefined);
    verify = jest.fn<Promise<Principal | undefined>, [string]>().mockResolvedValue(undefined);
    const Guard = AuthenticationGuard as unknown as new (...deps: unknown[]) => AuthenticationGuard;
    guard = new Guard(new Reflector(), { authenticate }, { verify });
  });

  async function refusal(context: ExecutionContext): Promise<AppError> {
    const error: unknown = await guard.canActivate(context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it('refuses a handler on a class with no permission metadata at all, with forbidden', async () => {
    const error = await refusal(httpContext(Undeclared, 'handler', { headers: {} }));
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
  });

  it('refuses an undeclared handler even with a bearer token, without looking the token up', async () => {
    const req: Req = { headers: { authorization: 'Bearer pst_0123456789ab_x' }, principal: PRINCIPAL };
    const error = await refusal(httpContext(Declared, 'undeclared', req));
    expect(error.code).toBe('forbidden');
    expect(authenticate).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });

  it('lets a @Public() handler through without credentials', async () => {
    await expect(guard.canActivate(httpContext(Declared, 'open', { headers: {} }))).resolves.toBe(true);
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('lets a @Public() handler through even when its class requires scopes', async () => {
    await expect(guard.canActivate(httpContext(PublicHandlerOnGuardedClass, 'handler', { headers: {} }))).resolves.toBe(
      true,
    );
  });

  it.each([
    ['a scoped handler', Declared, 'guarded'],
    ['a handler open to any principal', Declared, 'anyPrincipal'],
    ['a handler whose class declares the scopes', DeclaredOnClass, 'handler'],
  ] as const)('refuses %s without an Authorization header as unauthenticated', async (_, cls, method) => {
    const error = await refusal(httpContext(cls, method, { headers: {} }));
    expect(error.code).toBe('unauthenticated');
    expect(error.status).toBe(401);
    expect(authenticate).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });

  it.each(['Basic abc', 'Bearer', 'Bearer a b', 'pst_0123456789ab_x'])(
    'refuses a malformed Authorization header %j as unauthenticated',
    async (authorization) => {
      const error = await refusal(httpContext(Declared, 'guarded', { headers: { authorization } }));
      expect(error.code).toBe('unauthenticated');
      expect(authenticate).not.toHaveBeenCalled();
    },
  );

  it('refuses a bearer token the key service does not recognise', async () => {
    const error = await refusal(httpContext(Declared, 'guarded', { headers: { authorization: 'Bearer nope' } }));
    expect(error.code).toBe('unauthenticated');
    expect(authenticate).toHaveBeenCalledWith('nope');
  });

  it('attaches the principal of a recognised token to the request', async () => {
    authenticate.mockResolvedValue(PRINCIPAL);
    const req: Req = { headers: { authorization: 'Bearer good' } };
    await expect(guard.canActivate(httpContext(Declared, 'guarded', req))).resolves.toBe(true);
    expect(req.principal).toBe(PRINCIPAL);
  });
});
