/**
 * Query parameters whose values are credentials: any name containing "token" (access_token,
 * id_token_hint, …), and a few more. Matched by whole name, so code_challenge, which is public, stays.
 */
const SECRET_PARAM = /([?&](?:[^=&#]*token[^=&#]*|code|client_secret|password|secret|key)=)[^&#]*/gi;

/** A request URL as it may be logged: every credential in its query replaced, however often it appears. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM, '$1[redacted]');
}
