import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { TestingModule } from '@nestjs/testing';
import { AccessEpochModule } from '../../src/access/access-epoch.module';
import { ApiKeysModule } from '../../src/access/api-keys/api-keys.module';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { AuthenticationGuard } from '../../src/access/authentication.guard';
import { Public } from '../../src/access/public.decorator';
import type { ActorRequest } from '../../src/access/request-actor';
import { RequireScopes } from '../../src/access/require-scopes.decorator';
import { AppError } from '../../src/common/app-error';
import { ConsoleSessions } from '../../src/console/console-session.service';
import { OAuthConnectionLookup } from '../../src/oauth/oauth-connection-lookup';
import { OAuthTokenVerifier } from '../../src/oauth/oauth-token-verifier.service';
import { buildWorkspaceWithKey } from '../factories';
import { startServiceContext } from '../support/service-context';

class Undeclared {
  handler(this: void): void {}
}

class Declared {
  @Public()
  open(this: void): void {}

  @RequireScopes('workspace:read')
  guarded(this: void): void {}

  @RequireScopes()
  anyPrincipal(this: void): void {}

  undeclared(this: void): void {}
}

@RequireScopes('workspace:list')
class DeclaredOnClass {
  handler(this: void): void {}
}

@RequireScopes('workspace:list')
class PublicHandlerOnGuardedClass {
  @Public()
  handler(this: void): void {}
}

/**
 * The first guard with the real key service and token verifier behind it, on the test database:
 * deny by default for a handler that declares nothing, and what a bearer header must look like.
 */
describe(AuthenticationGuard.name, () => {
  let app: TestingModule;
  let guard: AuthenticationGuard;
  let apiKeys: ApiKeysService;
  let verifier: OAuthTokenVerifier;

  beforeAll(async () => {
    app = await startServiceContext({
      imports: [ApiKeysModule, AccessEpochModule],
      providers: [AuthenticationGuard, OAuthTokenVerifier, OAuthConnectionLookup, ConsoleSessions],
    });
    guard = app.get(AuthenticationGuard);
    apiKeys = app.get(ApiKeysService);
    verifier = app.get(OAuthTokenVerifier);
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const contextOf = (cls: abstract new () => unknown, method: string, headers: Record<string, string> = {}) => {
    const req = { headers, path: '/api/v1/probe', method: 'GET' } as unknown as ActorRequest;
    const handler = (cls.prototype as Record<string, () => void>)[method];
    return { req, context: new ExecutionContextHost([req, {}, () => undefined], cls as never, handler) };
  };
  /** Watches (without replacing) the credential lookups, to show a refusal came before them. */
  const lookups = () => [jest.spyOn(apiKeys, 'authenticate'), jest.spyOn(verifier, 'verify')];
  const refusal = async (context: ExecutionContextHost) => {
    const error: unknown = await guard.canActivate(context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  it('refuses a handler on a class with no permission metadata at all, with forbidden', async () => {
    const error = await refusal(contextOf(Undeclared, 'handler').context);
    expect([error.code, error.status]).toEqual(['forbidden', 403]);
  });

  it('refuses an undeclared handler even with a valid key, without looking the key up', async () => {
    const { token } = await buildWorkspaceWithKey(app, { role: 'owner' });
    const watched = lookups();
    const error = await refusal(contextOf(Declared, 'undeclared', { authorization: `Bearer ${token}` }).context);
    expect(error.code).toBe('forbidden');
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  it('lets a @Public() handler through without credentials, even when its class requires scopes', async () => {
    await expect(guard.canActivate(contextOf(Declared, 'open').context)).resolves.toBe(true);
    await expect(guard.canActivate(contextOf(PublicHandlerOnGuardedClass, 'handler').context)).resolves.toBe(true);
  });

  it.each([
    ['a scoped handler', Declared, 'guarded'],
    ['a handler open to any principal', Declared, 'anyPrincipal'],
    ['a handler whose class declares the scopes', DeclaredOnClass, 'handler'],
  ] as const)('refuses %s without an Authorization header as unauthenticated', async (_, cls, method) => {
    const watched = lookups();
    const error = await refusal(contextOf(cls, method).context);
    expect([error.code, error.status]).toEqual(['unauthenticated', 401]);
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
  });

  it.each(['Basic abc', 'Bearer', 'Bearer a b', 'pst_0123456789ab_x'])(
    'refuses a malformed Authorization header %j as unauthenticated',
    async (authorization) => {
      const watched = lookups();
      const error = await refusal(contextOf(Declared, 'guarded', { authorization }).context);
      expect(error.code).toBe('unauthenticated');
      for (const spy of watched) expect(spy).not.toHaveBeenCalled();
    },
  );

  it('refuses a bearer token that is no key of ours', async () => {
    const error = await refusal(
      contextOf(Declared, 'guarded', { authorization: 'Bearer pst_0123456789ab_nope' }).context,
    );
    expect(error.code).toBe('unauthenticated');
  });

  it('attaches the principal of a real key to the request', async () => {
    const { token, key, workspace } = await buildWorkspaceWithKey(app, { role: 'owner', scopes: ['workspace:read'] });
    const { req, context } = contextOf(Declared, 'guarded', { authorization: `Bearer ${token}` });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(req.principal).toMatchObject({ kind: 'api_key', keyId: key.id, workspaceId: workspace.id });
    expect([...(req.principal?.grantedScopes ?? [])]).toEqual(['workspace:read']);
  });
});
