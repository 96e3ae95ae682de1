import { ALL_SCOPES, isScope } from '../access/scopes';

/**
 * The scope of an authorization request that names no Postern scope (none at all, or only
 * `offline_access` or `openid`). RFC 6749 §3.3 lets a server give such a request a documented
 * default rather than refuse it: here, every scope the server advertises (what MCP SDK clients ask
 * for when they do name scopes), narrowed to those the client registered, if it registered any. The
 * person still picks the workspace and unticks what they will not give on the consent page, and
 * the grant is capped by their role and the workspace policy, so the default widens nothing.
 *
 * Returns the scope to use, unchanged when it names a Postern scope already; undefined when the
 * client registered no Postern scope, so nothing could ever be granted to it.
 */
export function withDefaultScope(scope: string | undefined, registered: string | undefined): string | undefined {
  const asked = scope ? scope.split(' ') : [];
  if (asked.some(isScope)) return scope;
  const allowed = registered === undefined ? [...ALL_SCOPES] : registered.split(' ').filter(isScope);
  if (!allowed.length) return undefined;
  return [...asked, ...allowed].join(' ');
}
