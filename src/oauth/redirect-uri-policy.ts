const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Redirect URIs a client may register: https anywhere, or http on a loopback address only. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  return `redirect URI ${uri} must use https, or http on a loopback address`;
}
