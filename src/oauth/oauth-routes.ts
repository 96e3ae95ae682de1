/** Where oidc-provider serves each endpoint we enable, under /oauth. */
export const OAUTH_ROUTES = {
  authorization: '/authorize',
  registration: '/register',
  revocation: '/revoke',
  token: '/token',
  jwks: '/jwks',
} as const;

export type OAuthRoute = keyof typeof OAUTH_ROUTES;

/**
 * Which endpoint oidc-provider's router serves a path (under /oauth) from, as it matches: letters
 * in any case (ASCII ones, and others whose upper case is not ASCII), and one trailing slash
 * ignored. Checks of our own keyed on an endpoint (the registration limit, the plain-http refusal,
 * the audit operation) must match the same way, or `/REGISTER` and `/register/` would pass them by.
 */
export function oauthRouteOf(pathUnderOauth: string): { route: OAuthRoute; withId: boolean } | undefined {
  const path = pathUnderOauth.split('?')[0];
  const tries = path.length > 1 && path.endsWith('/') ? [path, path.slice(0, -1)] : [path];
  for (const candidate of tries.map(folded)) {
    for (const [route, routePath] of Object.entries(OAUTH_ROUTES) as [OAuthRoute, string][]) {
      const served = folded(routePath);
      if (candidate === served) return { route, withId: false };
      // An id is one more segment, as the router's `/:param` routes take it.
      const rest = candidate.startsWith(`${served}/`) ? candidate.slice(served.length + 1) : '';
      if (rest && !rest.includes('/')) return { route, withId: true };
    }
  }
  return undefined;
}

/** Upper case as the router compares paths: a letter whose upper case is ASCII only if it is ASCII itself. */
function folded(path: string): string {
  let out = '';
  for (const char of path) {
    const upper = char.toUpperCase();
    const keeps = upper.length !== 1 || (char.codePointAt(0)! > 127 && upper.codePointAt(0)! < 128);
    out += keeps ? char : upper;
  }
  return out;
}

/**
 * The audit operation of an /oauth request: the endpoint it reached, so registration, token and
 * revocation requests can be told apart in the trail. Ids in the path (an authorization's
 * interaction uid, a client id) are left out of the name, as a REST route names its params; a path
 * that reaches no endpoint keeps the route pattern.
 */
export function oauthOperation(method: string, pathUnderOauth: string): string {
  const served = oauthRouteOf(pathUnderOauth);
  if (!served) return `${method} /oauth/*path`;
  return `${method} /oauth${OAUTH_ROUTES[served.route]}${served.withId ? '/:id' : ''}`;
}
