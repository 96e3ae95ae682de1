/** Where oidc-provider serves each endpoint we enable, under /oauth. */
export const OAUTH_ROUTES = {
  authorization: '/authorize',
  registration: '/register',
  revocation: '/revoke',
  token: '/token',
  jwks: '/jwks',
} as const;

/**
 * The audit operation of an /oauth request: the endpoint it reached, so registration, token and
 * revocation requests can be told apart in the trail. Ids in the path (an authorization's
 * interaction uid, a client id) are left out of the name, as a REST route names its params; a path
 * that reaches no endpoint keeps the route pattern.
 */
export function oauthOperation(method: string, pathUnderOauth: string): string {
  const path = pathUnderOauth.split('?')[0];
  for (const route of Object.values(OAUTH_ROUTES)) {
    if (path === route) return `${method} /oauth${route}`;
    if (path.startsWith(`${route}/`)) return `${method} /oauth${route}/:id`;
  }
  return `${method} /oauth/*path`;
}
