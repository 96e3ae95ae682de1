import { Logger } from '@nestjs/common';
import { hkdfSync } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import { refuseCookiesOverPlainHttp } from './plain-http-refusal';
import type { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../access/scopes';
import { unsafeInName } from '../common/validation/control-characters';
import { SecretBox } from '../common/crypto/secret-box';
import type { AppConfig } from '../config/config.types';
import { CLIENT_AUTH_METHODS } from './client-auth-methods';
import { clientMetadataFetchAllowed } from './client-metadata-fetch-policy';
import { createOAuthAdapter } from './oauth-adapter';
import { withDefaultScope } from './default-scope';
import { loadSigningKeys } from './oauth-signing-keys';
import { oauthUrls } from './oauth-urls';
import { redirectUriProblem } from './redirect-uri-policy';
import { signInPolicy } from './sign-in-policy';
import { OAUTH_ROUTES } from './oauth-routes';
import { attributeEnding, attributeIssuance, type EndedConnection } from './token-attribution';
import { AuditContext } from '../audit/audit-context';
import { returningRows } from '../database/returning-rows';
import { OAuthUnit } from './oauth-unit-of-work';
import {
  AUTHORIZATION_CODE_TTL_SECONDS,
  AUTHORIZATION_SESSION_TTL_SECONDS,
  GRANT_TTL_SECONDS,
  INTERACTION_TTL_SECONDS,
  issuesRefreshTokens,
  REFRESH_TOKEN_TTL_SECONDS,
} from './connection-lifetime';

/** Long enough for any product name; short enough to leave the redirect host in view. */
const CLIENT_NAME_MAX = 64;
/** An MCP client registers one or two (a loopback port, a hosted callback); a list longer than this is not a client's. */
const REDIRECT_URIS_MAX = 10;

/**
 * The OAuth 2.1 authorization server, built on oidc-provider: authorization code with PKCE (S256),
 * resource indicators bound to the MCP endpoint, JWT access tokens for that audience only,
 * rotating refresh tokens, revocation, dynamic registration and Client ID Metadata Documents.
 */
export async function createOAuthProvider(
  config: AppConfig & { secretKey: string },
  dataSource: DataSource,
  findAccount: (id: string) => Promise<boolean>,
  workspaceOfGrant: (grantId: string) => Promise<string | undefined>,
): Promise<Provider> {
  // Loaded on demand: the operator CLI never needs the authorization server (nor its start-up notices).
  const { Provider: OidcProvider, errors, interactionPolicy } = await import('oidc-provider');
  const urls = oauthUrls(config);
  const box = new SecretBox(config.secretKey, 'oauth');
  const jwks = await loadSigningKeys(dataSource, box);
  const cookieKey = Buffer.from(hkdfSync('sha256', config.secretKey, 'postern', 'oauth-cookies', 32)).toString(
    'base64url',
  );
  const secure = config.publicUrl.startsWith('https://');

  const configuration: Configuration = {
    adapter: createOAuthAdapter(dataSource, box, errors.InvalidGrant),
    jwks: jwks,
    cookies: {
      keys: [cookieKey],
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure },
    },
    // Listed here too so clients may register them (RFC 7591 `scope`); tokens carry them for the MCP resource.
    scopes: [...ALL_SCOPES, 'offline_access'],
    claims: { openid: ['sub'] },
    // Not an extra parameter: this is oidc-provider's hook for a parameter's default, run once the
    // client is known. A request naming no Postern scope gets the default of default-scope.ts;
    // without one, nothing is asked, consent is skipped and the client gets a bare access_denied.
    extraParams: {
      scope: (ctx, value, client) => {
        const scope = withDefaultScope(value, client.scope);
        if (!scope)
          throw new errors.InvalidScope(
            `this client registered no Postern scope, so nothing can be granted to it; register again with some of: ${ALL_SCOPES.join(' ')}`,
            value ?? '',
          );
        ctx.oidc.params!.scope = scope;
      },
    },
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
    },
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    pkce: { required: () => true },
    enabledJWA: {
      authorizationSigningAlgValues: ['ES256'],
      idTokenSigningAlgValues: ['ES256'],
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      revocation: { enabled: true },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      // Acknowledged draft: a later oidc-provider with breaking CIMD changes then refuses to start.
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        allowFetch: (_ctx, clientId) => clientMetadataFetchAllowed(clientId),
      },
      resourceIndicators: {
        enabled: true,
        // The resource parameter is required when authorizing: a token is always bound to /mcp.
        // Thrown here, inside the authorization action, the error reaches the client as a redirect.
        defaultResource: (ctx) => {
          if (ctx.oidc.route === 'authorization')
            throw new errors.InvalidTarget(`the resource parameter is required; use ${urls.mcpResource}`);
          return undefined;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== urls.mcpResource)
            throw new errors.InvalidTarget(`unknown resource; use ${urls.mcpResource}`);
          return {
            scope: ALL_SCOPES.join(' '),
            audience: urls.mcpResource,
            accessTokenTTL: config.oauthAccessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraClientMetadata: {
      properties: ['postern_redirect_policy'],
      validator(_ctx, key, _value, metadata) {
        if (key !== 'postern_redirect_policy') return;
        // oidc-provider would fetch it whenever it loads the client, inside the request; and with
        // public subject identifiers only, it would mean nothing.
        if (metadata.sector_identifier_uri !== undefined)
          throw new errors.InvalidClientMetadata('sector_identifier_uri is not supported');
        // The consent page's headline: a name that reorders or hides text, or pushes the
        // redirect host out of sight, would let a client pass for another.
        const name = metadata.client_name;
        if (typeof name === 'string' && (name.length > CLIENT_NAME_MAX || unsafeInName(name)))
          throw new errors.InvalidClientMetadata(
            `client_name must be at most ${CLIENT_NAME_MAX} characters, without control, line-break, direction, invisible or half characters`,
          );
        const uris = (metadata.redirect_uris as string[] | undefined) ?? [];
        // Each description must start with `redirect_uris` to keep the invalid_redirect_uri code.
        if (uris.length > REDIRECT_URIS_MAX)
          throw new errors.InvalidClientMetadata(`redirect_uris: at most ${REDIRECT_URIS_MAX} may be registered`);
        for (const uri of uris) {
          const problem = redirectUriProblem(uri);
          if (problem) throw new errors.InvalidClientMetadata(`redirect_uris: ${problem}`);
        }
      },
    },
    ttl: {
      AccessToken: config.oauthAccessTokenTtlSeconds,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: AUTHORIZATION_SESSION_TTL_SECONDS,
      Grant: GRANT_TTL_SECONDS,
      RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
    },
    // The token and revocation endpoints answer a browser only for a public client, and only from
    // the origin of one of its redirect URIs (its own page): oidc-provider's default, stated here.
    // A confidential client's secret never belongs in a page.
    clientBasedCORS: (_ctx, origin, client) =>
      origin !== 'null' &&
      client.clientAuthMethod === 'none' &&
      (client.redirectUris ?? []).some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
    issueRefreshToken: (_ctx, client) => issuesRefreshTokens(client),
    rotateRefreshToken: true,
    // An agent connection is a delegation the person manages under Connected AI clients, bounded by
    // its grant, not part of a browser's sign-in. oidc-provider's default binds the tokens of a
    // request without offline_access (which MCP clients do not ask for) to the sign-in session:
    // signing out of the console, or a day passing, cut those clients off.
    expiresWithSession: () => false,
    // Every authorization shows consent (the user chooses a workspace and scopes per connection);
    // only the grant made by this very interaction is picked up, never an older one.
    loadExistingGrant: async (ctx) => {
      const grantId = (ctx.oidc.result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraTokenClaims: async (_ctx, token) => {
      const grantId = (token as { grantId?: string }).grantId;
      const workspaceId = grantId ? await workspaceOfGrant(grantId) : undefined;
      attributeIssuance(token, workspaceId);
      return workspaceId && grantId ? { workspace_id: workspaceId, gid: grantId } : undefined;
    },
    findAccount: async (_ctx, sub) =>
      (await findAccount(sub)) ? { accountId: sub, claims: () => ({ sub }) } : undefined,
    interactions: {
      url: (_ctx, interaction) => urls.interaction(interaction.uid),
      policy: signInPolicy(interactionPolicy),
    },
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    routes: OAUTH_ROUTES,
  };

  const provider = new OidcProvider(urls.issuer, configuration);
  provider.proxy = true;
  if (secure) provider.use(refuseCookiesOverPlainHttp(config.publicUrl));
  provider.on('server_error', (_ctx, err) => new Logger('OAuth').error(err.message));
  // oidc-provider checks a token request's `resource` only after it has used up the code or refresh
  // token: kept, that would turn a request for the wrong resource into a replay on the retry, which
  // ends the connection. Such a refusal keeps nothing but its record; it cannot follow a replay's
  // revocation, which is refused with invalid_grant before the resource is looked at, and commits.
  provider.on('grant.error', (_ctx, err: Error) => {
    if (err instanceof errors.InvalidTarget) OAuthUnit.discard();
  });
  // Keep the console's list of connections in step with grants the server ends on its own.
  // Inside a request, on its transaction: a request rolled back (its record failed) leaves the
  // grant and its connection as they were, not a live grant whose connection reads revoked.
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    const ended = OAuthUnit.start(
      dataSource,
      `UPDATE oauth_connections SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL
       RETURNING workspace_id, user_id, client_id`,
      [grantId],
    );
    ended.catch((err: Error) => new Logger('OAuth').error(`could not mark connection revoked: ${err.message}`));
    AuditContext.nameLater(
      ended.then((rows) => attributeEnding(ctx.oidc.route, grantId, returningRows<EndedConnection>(rows)[0])),
    );
  });
  return provider;
}
